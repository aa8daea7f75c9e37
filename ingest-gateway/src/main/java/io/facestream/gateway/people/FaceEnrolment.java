package io.facestream.gateway.people;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.facestream.gateway.pipeline.PipelineClient;
import io.facestream.gateway.pipeline.PipelineTimeoutException;
import io.facestream.gateway.pipeline.RequestFrames;
import io.facestream.gateway.recognition.Uploads;
import io.facestream.gateway.web.ApiException;
import io.facestream.gateway.web.Failures;
import io.facestream.schemas.MatchResult;

/**
 * Enrols one new person from several faces in one call (a cluster of a stranger's faces, named by an admin), through the
 * same frames as enrolment one face at a time: REGISTER for the first face the matcher accepts, ADD_FACE for each later
 * one. So every face passes the enrolment quality gate, and a face that already matches an enrolled person is refused
 * with that person's id instead of making them a second person. A refused face does not stop the others.
 */
@Component
public class FaceEnrolment {

    /**
     * A face as the caller sent it: {@code index} counts the files first, in the order sent, then the face ids; {@code part}
     * is "file" or "face_id" (the file's own name is not echoed back), or "crop" for a replay cluster's sample crop, {@code faceId} the face id sent.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(int index, String part, String faceId) {
    }

    public record Enrolled(Input face, long storedFaceId) {
    }

    /** @param existingPersonId with already_enrolled: whom the face matched */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Refused(Input face, String error, String message, Long existingPersonId) {
    }

    /** @param personId null when no face was accepted (and so nobody was enrolled) */
    public record Outcome(Long personId, List<Enrolled> enrolled, List<Refused> refused) {
    }

    /** One face to enrol: checked input ({@link Uploads#enrolmentFace}) and how the caller named it. */
    public record Candidate(Input input, Uploads.EnrolmentFace face) {
    }

    private final PipelineClient pipeline;

    public FaceEnrolment(PipelineClient pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * @param name       already valid (Names.valid)
     * @param candidates in the order to try them: the first accepted one founds the person, so put the best first
     * @throws ApiException when no face was accepted because the pipeline failed or timed out (500, 504): a refusal by
     *                      the pipeline's rules is an answer ({@link Outcome#refused()}), a failure is not
     */
    public Outcome enrol(String name, List<Candidate> candidates) {
        Long personId = null;
        List<Enrolled> enrolled = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        ApiException failure = null;
        for (Candidate candidate : candidates) {
            Uploads.EnrolmentFace face = candidate.face();
            try {
                MatchResult result = Failures.successful(pipeline.request(personId == null
                        ? RequestFrames.register(name, face.image(), face.faceId(), false)
                        : RequestFrames.addFace(personId, face.image(), face.faceId())));
                personId = result.getRegisteredPersonId();
                enrolled.add(new Enrolled(candidate.input(), result.getStoredFaceId()));
            } catch (ApiException e) {
                refused.add(new Refused(candidate.input(), e.error(), e.getMessage(), e.existingPersonId()));
                if (e.status().is5xxServerError()) {
                    failure = e;
                }
            } catch (PipelineTimeoutException e) {
                ApiException timeout = Failures.of(e);
                refused.add(new Refused(candidate.input(), timeout.error(), timeout.getMessage(), null));
                failure = timeout;
            }
        }
        if (personId == null && failure != null) {
            // Nothing enrolled, and at least one face was not even judged: the caller should retry, not read it as "all refused".
            throw failure;
        }
        return new Outcome(personId, enrolled, refused);
    }
}
