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

    private static final java.util.regex.Pattern FACE_ID = java.util.regex.Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Declared types of the 'file' part that may hold a JPEG or PNG; the bytes decide which it is. */
    private static final java.util.Set<String> IMAGE_TYPES = java.util.Set.of(
            "image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/x-png", "application/octet-stream");

    /** Punctuation that occurs in people's names: Jean-Luc, O'Brien, Dr. J. Smith, Jr., (Bob), R&B. */
    private static final String NAME_PUNCTUATION = ".,'\u2019\u2018-\u2010()&";

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
        if (hasFaceId && !FACE_ID.matcher(faceId.strip()).matches()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_face_id", "face_id is not a face id returned by detect or recognize (a UUID)");
        }
        MatchResult result = hasFile ? run(Operation.REGISTER, upload(file), cleanName, null) : run(Operation.REGISTER, null, cleanName, faceId.strip());
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
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_image", "the 'file' part is empty (" + ImageUpload.ACCEPTED + ")");
        }
        String declared = file.getContentType();
        if (declared != null && !declared.isBlank()) {
            String type = declared.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
            if (!IMAGE_TYPES.contains(type)) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "unsupported_file_type",
                        "the 'file' part is declared as " + (type.matches("[a-z0-9.+-]{1,60}/[a-z0-9.+-]{1,60}") ? type : "an unknown type")
                                + "; " + ImageUpload.ACCEPTED + " (image/jpeg, image/png)");
            }
        }
        try {
            return ImageUpload.prepare(file.getBytes(), properties.maxImageSide(), properties.maxImagePixels());
        } catch (IOException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "cannot read the upload: " + e.getMessage());
        }
    }

    /**
     * A person's name: letters of any script (with their combining marks), digits, spaces and the
     * punctuation of names. Markup, quotes other than apostrophes, semicolons, control and
     * invisible direction characters have no place in a name and are refused rather than stored
     * for some later page or query to trip over. The refused character is named by its code point,
     * never echoed.
     */
    static String validName(String name) {
        String clean = name == null ? "" : java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC);
        // Any kind of space (no-break, thin, ...) counts as a plain space.
        clean = clean.codePoints().map(c -> Character.getType(c) == Character.SPACE_SEPARATOR ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        if (clean.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_name", "name must not be empty");
        }
        if (clean.codePointCount(0, clean.length()) > MAX_NAME_LENGTH) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_name", "name must be at most " + MAX_NAME_LENGTH + " characters");
        }
        if (clean.codePoints().anyMatch(Character::isISOControl)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_name", "name must not contain control characters");
        }
        int refused = clean.codePoints().filter(c -> !nameCharacter(c)).findFirst().orElse(-1);
        if (refused >= 0) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_name", String.format(
                    "name may contain letters, digits, spaces and . , ' - ( ) & only; U+%04X is not allowed", refused));
        }
        return clean;
    }

    private static boolean nameCharacter(int c) {
        int type = Character.getType(c);
        return Character.isLetter(c) || Character.isDigit(c) || c == ' ' || NAME_PUNCTUATION.indexOf(c) >= 0
                || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK
                || c == 0x200C || c == 0x200D; // zero-width (non-)joiner: part of spelling in Persian, Hindi and others
    }
}
