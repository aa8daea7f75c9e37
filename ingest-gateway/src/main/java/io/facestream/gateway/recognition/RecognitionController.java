package io.facestream.gateway.recognition;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.facestream.gateway.pipeline.PipelineClient;
import io.facestream.gateway.pipeline.RequestFrames;
import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;
import io.facestream.gateway.web.Failures;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.Frame;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Faces;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping(path = "/api/recognition", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
@Tag(name = "recognition")
public class RecognitionController {

    private final PipelineClient pipeline;
    private final Uploads uploads;

    public RecognitionController(PipelineClient pipeline, Uploads uploads) {
        this.pipeline = pipeline;
        this.uploads = uploads;
    }

    @PostMapping("/detect")
    @io.swagger.v3.oas.annotations.Operation(summary = "Find every face: box, score, five landmarks and a face_id usable for registration within 60 s; "
            + "a photo without a face answers empty lists")
    public Answers.DetectResponse detect(@RequestPart("file") MultipartFile file) {
        ImageUpload upload = uploads.check(file);
        // A photo without a face is an answer, not an error: an empty list (only enrolment and verification need a face).
        MatchResult result = Failures.successful(pipeline.request(RequestFrames.detect(upload.bytes())));
        return Answers.detect(result, upload.scale());
    }

    @PostMapping("/recognize")
    @io.swagger.v3.oas.annotations.Operation(summary = "Recognize every face: a known person with its similarity, or unknown; "
            + "a photo without a face answers empty lists")
    public Answers.RecognizeResponse recognize(@RequestPart("file") MultipartFile file) {
        ImageUpload upload = uploads.check(file);
        MatchResult result = Failures.successful(pipeline.request(RequestFrames.recognize(upload.bytes())));
        return Answers.recognize(result, upload.scale());
    }

    @PostMapping("/register")
    @io.swagger.v3.oas.annotations.Operation(summary = "Enrol a person from a photo with exactly one face, or from a face_id detected in the last 60 s "
            + "(admin scope). A face that matches someone enrolled is refused with 409 and their id, unless same_person=true, "
            + "which adds it to that person")
    public ResponseEntity<Answers.RegisterResponse> register(@RequestParam("name") String name,
                                                             @RequestPart(name = "file", required = false) MultipartFile file,
                                                             @RequestParam(name = "face_id", required = false) String faceId,
                                                             @RequestParam(name = "same_person", defaultValue = "false") boolean samePerson) {
        String cleanName = Names.valid(name, "name");
        Uploads.EnrolmentFace face = uploads.enrolmentFace(file, faceId);
        MatchResult result = Failures.successful(pipeline.request(RequestFrames.register(cleanName, face.image(), face.faceId(), samePerson)));
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new Answers.RegisterResponse("registered " + result.getFaces().get(0).getPerson().getName(),
                        result.getRegisteredPersonId(), result.getStoredFaceId()));
    }

    @PostMapping("/verify")
    @io.swagger.v3.oas.annotations.Operation(summary = "1:1 verification: the face in 'file' (the largest, if several) against the face in "
            + "'other_file' or against the enrolled person 'person_id': similarity and same/different at the service threshold")
    public Answers.VerifyResponse verify(@RequestPart("file") MultipartFile file,
                                         @RequestPart(name = "other_file", required = false) MultipartFile otherFile,
                                         @RequestParam(name = "person_id", required = false) Long personId) {
        if ((otherFile == null) == (personId == null)) {
            throw new ApiException(ApiError.INVALID_REQUEST, "send either an 'other_file' or a 'person_id', not both and not neither");
        }
        byte[] probe = uploads.check(file).bytes();
        Frame frame;
        if (personId != null) {
            frame = RequestFrames.verifyAgainstPerson(probe, personId);
        } else {
            // The other photo's face is detected first and kept 60 s under a face id, which the VERIFY frame refers to;
            // the matcher picks the probe's face by the same rule (Faces.largest) and decides the verdict.
            MatchResult other = withFaces(pipeline.request(RequestFrames.detect(uploads.check(otherFile).bytes())));
            frame = RequestFrames.verifyAgainstFace(probe, Faces.largest(other.getFaces(), FaceMatch::getFace).getFace().getFaceId());
        }
        return Answers.verify(Failures.successful(pipeline.request(frame)));
    }

    /** For verification, whose other photo must hold a face to compare with. */
    private static MatchResult withFaces(MatchResult result) {
        Failures.successful(result);
        if (result.getFaces().isEmpty()) {
            throw new ApiException(ApiError.NO_FACE, "no face found in the photo");
        }
        return result;
    }
}
