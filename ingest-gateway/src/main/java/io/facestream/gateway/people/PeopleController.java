package io.facestream.gateway.people;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import io.facestream.gateway.pipeline.PipelineClient;
import io.facestream.gateway.pipeline.RequestFrames;
import io.facestream.gateway.recognition.Names;
import io.facestream.gateway.recognition.Uploads;
import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;
import io.facestream.gateway.web.Failures;
import io.facestream.schemas.MatchResult;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * Enrolled people (admin scope). Every read and change is a frame through the pipeline to the matcher, which owns the
 * people tables; a change is stored, cached and applied by every matcher instance before the answer comes back.
 */
@RestController
@RequestMapping("/api/people")
@Tag(name = "people", description = "Who is enrolled: list, inspect, add or remove faces, rename, erase (admin scope)")
public class PeopleController {

    static final int MAX_PAGE_SIZE = 100;

    public record Rename(String name) {
    }

    public record FaceAdded(long personId, long faceId) {
    }

    /** At most this many faces per call: the multipart part limit (server.tomcat.max-part-count, 10) less the name. */
    static final int MAX_FACES_PER_PERSON = 8;

    /** 201: the person as stored, the faces stored and the faces refused with the reason of each. */
    public record PersonFromFaces(People.PersonDetail person, List<FaceEnrolment.Enrolled> enrolled, List<FaceEnrolment.Refused> refused) {
    }

    /** 422: nobody was enrolled; why each face was refused. */
    public record NoneEnrolled(String error, String message, List<FaceEnrolment.Refused> refused) {
    }

    private final People people;
    private final PipelineClient pipeline;
    private final Uploads uploads;
    private final FaceEnrolment enrolment;

    public PeopleController(People people, PipelineClient pipeline, Uploads uploads, FaceEnrolment enrolment) {
        this.people = people;
        this.pipeline = pipeline;
        this.uploads = uploads;
        this.enrolment = enrolment;
    }

    @GetMapping
    @io.swagger.v3.oas.annotations.Operation(summary = "Enrolled people, by id, a page at a time; 'name' filters by a part of the name")
    public People.Page list(@RequestParam(name = "name", required = false) String name,
                            @RequestParam(name = "page", defaultValue = "0") int page,
                            @RequestParam(name = "size", defaultValue = "20") int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new ApiException(ApiError.INVALID_REQUEST, "page must be 0 or more and size between 1 and " + MAX_PAGE_SIZE);
        }
        return people.list(name == null || name.isBlank() ? null : Names.valid(name, "name"), page, size);
    }

    @GetMapping("/{id}")
    @io.swagger.v3.oas.annotations.Operation(summary = "One person: name, faces (ids and recognizer, never the embeddings), created and updated times")
    public People.PersonDetail get(@PathVariable long id) {
        return people.find(id);
    }

    @PatchMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.Operation(summary = "Rename: {\"name\": \"...\"}")
    public People.PersonDetail rename(@PathVariable long id, @RequestBody Rename request) {
        String name = Names.valid(request == null ? null : request.name(), "name");
        Failures.successful(pipeline.request(RequestFrames.rename(id, name)));
        return get(id);
    }

    @DeleteMapping("/{id}")
    @io.swagger.v3.oas.annotations.Operation(summary = "Erase a person: their rows, every face embedding, cache entries and every matcher's memory. "
            + "Once this answers, no recognition names them")
    public ResponseEntity<Void> erase(@PathVariable long id) {
        Failures.successful(pipeline.request(RequestFrames.erase(id)));
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/{id}/faces", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @io.swagger.v3.oas.annotations.Operation(summary = "Add another photo ('file') or a face detected in the last 60 s ('face_id'); "
            + "the same quality gate as registration")
    public ResponseEntity<FaceAdded> addFace(@PathVariable long id,
                                             @RequestPart(name = "file", required = false) MultipartFile file,
                                             @RequestParam(name = "face_id", required = false) String faceId) {
        Uploads.EnrolmentFace face = uploads.enrolmentFace(file, faceId);
        MatchResult result = Failures.successful(pipeline.request(RequestFrames.addFace(id, face.image(), face.faceId())));
        return ResponseEntity.status(HttpStatus.CREATED).body(new FaceAdded(id, result.getStoredFaceId()));
    }

    @PostMapping(path = "/from-faces", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @io.swagger.v3.oas.annotations.Operation(summary = "Enrol one new person from several faces in one call (e.g. a cluster of a stranger's "
            + "faces): 'name', and up to " + MAX_FACES_PER_PERSON + " photos ('file', repeated) and/or faces detected in the last 60 s "
            + "('face_id', repeated), tried files first, each in the order sent. The first face accepted registers the person, the "
            + "others are added to them; each passes the enrolment quality gate, and a face that matches someone enrolled is refused "
            + "with their id. Answers the person, the faces stored and the faces refused with their reasons")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "422", description = "no_face_enrolled: every face was refused "
            + "(the 'refused' list says why each); nobody was enrolled",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = NoneEnrolled.class)))
    public ResponseEntity<?> enrolFromFaces(@RequestParam("name") String name,
                                            @RequestPart(name = "file", required = false) List<MultipartFile> files,
                                            @RequestParam(name = "face_id", required = false) List<String> faceIds) {
        String cleanName = Names.valid(name, "name");
        List<MultipartFile> fileList = files == null ? List.of() : files;
        List<String> idList = faceIds == null ? List.of() : faceIds;
        int count = fileList.size() + idList.size();
        if (count == 0) {
            throw new ApiException(ApiError.MISSING_FIELD, "send at least one 'file' or 'face_id'");
        }
        if (count > MAX_FACES_PER_PERSON) {
            throw new ApiException(ApiError.INVALID_REQUEST, count + " faces sent; at most " + MAX_FACES_PER_PERSON + " per call "
                    + "(send the best ones: more faces of one person add little)");
        }
        // Every input is checked before the first frame goes out: a bad file or face id refuses the whole call and stores nothing.
        List<FaceEnrolment.Candidate> candidates = new ArrayList<>();
        for (MultipartFile file : fileList) {
            candidates.add(new FaceEnrolment.Candidate(new FaceEnrolment.Input(candidates.size(), "file", null),
                    uploads.enrolmentFace(file, null)));
        }
        for (String faceId : idList) {
            Uploads.EnrolmentFace face = uploads.enrolmentFace(null, faceId);
            candidates.add(new FaceEnrolment.Candidate(new FaceEnrolment.Input(candidates.size(), "face_id", face.faceId()), face));
        }
        FaceEnrolment.Outcome outcome = enrolment.enrol(cleanName, candidates);
        if (outcome.personId() == null) {
            return ResponseEntity.status(ApiError.NO_FACE_ENROLLED.status()).contentType(MediaType.APPLICATION_JSON)
                    .body(new NoneEnrolled(ApiError.NO_FACE_ENROLLED.code(), "none of the " + count
                            + " faces was accepted for enrolment; nobody was enrolled", outcome.refused()));
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new PersonFromFaces(people.find(outcome.personId()), outcome.enrolled(), outcome.refused()));
    }

    @DeleteMapping("/{id}/faces/{faceId}")
    @io.swagger.v3.oas.annotations.Operation(summary = "Remove one stored face of a person")
    public ResponseEntity<Void> removeFace(@PathVariable long id, @PathVariable long faceId) {
        Failures.successful(pipeline.request(RequestFrames.removeFace(id, faceId)));
        return ResponseEntity.noContent().build();
    }
}
