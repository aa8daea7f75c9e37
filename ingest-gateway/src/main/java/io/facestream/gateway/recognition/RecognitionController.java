package io.facestream.gateway.recognition;

import java.io.IOException;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.facestream.gateway.GatewayProperties;
import io.facestream.gateway.pipeline.PipelineClient;
import io.facestream.schemas.Frame;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping(path = "/api/recognition", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
@Tag(name = "recognition")
public class RecognitionController {

    static final int MAX_NAME_LENGTH = 100;

    private final PipelineClient pipeline;
    private final GatewayProperties properties;

    public RecognitionController(PipelineClient pipeline, GatewayProperties properties) {
        this.pipeline = pipeline;
        this.properties = properties;
    }

    @PostMapping("/detect")
    @io.swagger.v3.oas.annotations.Operation(summary = "Find every face: box, score, five landmarks and a face_id usable for registration within 60 s")
    public Answers.DetectResponse detect(@RequestPart("file") MultipartFile file) {
        ImageUpload upload = upload(file);
        MatchResult result = withFaces(run(Operation.DETECT, upload, null, null));
        return Answers.detect(result, upload.scale());
    }

    @PostMapping("/recognize")
    @io.swagger.v3.oas.annotations.Operation(summary = "Recognize every face: a known person with its similarity, or unknown")
    public Answers.RecognizeResponse recognize(@RequestPart("file") MultipartFile file) {
        ImageUpload upload = upload(file);
        MatchResult result = withFaces(run(Operation.RECOGNIZE, upload, null, null));
        return Answers.recognize(result, upload.scale());
    }

    @PostMapping("/register")
    @io.swagger.v3.oas.annotations.Operation(summary = "Enrol a person from a photo with exactly one face, or from a face_id detected in the last 60 s")
    public ResponseEntity<Answers.RegisterResponse> register(@RequestParam("name") String name,
                                                             @RequestPart(name = "file", required = false) MultipartFile file,
                                                             @RequestParam(name = "face_id", required = false) String faceId) {
        String cleanName = validName(name);
        boolean hasFile = file != null;
        boolean hasFaceId = faceId != null && !faceId.isBlank();
        if (hasFile == hasFaceId) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "send either a 'file' or a 'face_id', not both and not neither");
        }
        if (hasFaceId && !faceId.matches("[0-9a-fA-F-]{36}")) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "face_id is not a face id returned by detect or recognize");
        }
        MatchResult result = hasFile ? run(Operation.REGISTER, upload(file), cleanName, null) : run(Operation.REGISTER, null, cleanName, faceId);
        Answers.successful(result);
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new Answers.RegisterResponse("registered " + cleanName, result.getRegisteredPersonId()));
    }

    private MatchResult run(Operation operation, ImageUpload upload, String name, String faceId) {
        String requestId = UUID.randomUUID().toString();
        Frame frame = PipelineClient.frame(SourceKind.REQUEST, requestId, 0, operation, upload == null ? null : upload.bytes(), name, faceId);
        return pipeline.submit(frame).exceptionally(e -> {
            if (e instanceof java.util.concurrent.TimeoutException || e.getCause() instanceof java.util.concurrent.TimeoutException) {
                throw new ApiException(HttpStatus.GATEWAY_TIMEOUT, "timeout",
                        "the pipeline did not answer within " + pipeline.timeout().toSeconds() + " s");
            }
            throw new java.util.concurrent.CompletionException(e);
        }).join();
    }

    private static MatchResult withFaces(MatchResult result) {
        Answers.successful(result);
        if (result.getFaces().isEmpty()) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "no_face", "no face found in the photo");
        }
        return result;
    }

    private ImageUpload upload(MultipartFile file) {
        if (file == null || file.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_image", "the 'file' part is empty");
        }
        try {
            return ImageUpload.prepare(file.getBytes(), properties.maxImageSide());
        } catch (IOException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "cannot read the upload: " + e.getMessage());
        }
    }

    static String validName(String name) {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_name", "name must not be empty");
        }
        if (clean.length() > MAX_NAME_LENGTH) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_name", "name must be at most " + MAX_NAME_LENGTH + " characters");
        }
        if (clean.chars().anyMatch(Character::isISOControl)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_name", "name must not contain control characters");
        }
        return clean;
    }
}
