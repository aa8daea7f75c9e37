package io.facestream.gateway.recognition;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.facestream.schemas.Box;
import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.Point;
import io.facestream.schemas.TrackIdentity;

/** What clients get back, in the original photo's pixels. Field names are written in snake_case. */
public final class Answers {

    public record Detection(String faceId, int[] box, float score, float[][] landmarks) {
    }

    public record DetectResponse(List<int[]> faces, List<Detection> detections) {
    }

    /**
     * @param qualityIssues why this face would not do for enrolment; matches of poor faces deserve less trust
     * @param trackId       video only (WebSocket, cameras): the face's track, the same id while the same face stays in view
     * @param track         video only: the track's identity, voted over its faces (steadier than this one frame's match)
     */
    public record RecognizedFace(long id, String name, float similarity, int[] box, String faceId, boolean lowQuality, List<String> qualityIssues,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String trackId,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) Track track) {
    }

    /** A face nobody in the gallery reached the threshold for, in this frame; its track may still be named. */
    public record UnknownFace(int[] box, String faceId, float bestSimilarity, boolean lowQuality, List<String> qualityIssues,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String trackId,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Track track) {
    }

    /**
     * A track's identity: the person its vote named (person_id and name null while unknown or undecided), their
     * similarity as the tracker reports it, and how many faces the track has linked so far.
     */
    public record Track(Long personId, String name, Float similarity, int facesSeen) {

        static Track of(TrackIdentity track) {
            if (track == null) {
                return null;
            }
            PersonMatch person = track.getPerson();
            return person == null ? new Track(null, null, null, track.getFacesSeen())
                    : new Track(person.getPersonId(), person.getName(), round(person.getSimilarity(), 10000), track.getFacesSeen());
        }
    }

    public record RecognizeResponse(List<RecognizedFace> recognizedFaces, List<UnknownFace> unknownFaces, float threshold) {
    }

    /** @param faceId the stored face, for DELETE /api/people/{id}/faces/{faceId} */
    public record RegisterResponse(String message, long id, Long faceId) {
    }

    /**
     * @param samePerson similarity at or above the service threshold
     * @param person     the enrolled person compared with, when verifying against one
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record VerifyResponse(boolean samePerson, float similarity, float threshold, PersonRef person) {
    }

    public record PersonRef(long id, String name) {
    }

    private Answers() {
    }

    public static DetectResponse detect(MatchResult result, double scale) {
        List<int[]> boxes = new ArrayList<>();
        List<Detection> detections = new ArrayList<>();
        for (FaceMatch match : result.getFaces()) {
            DetectedFace face = match.getFace();
            int[] box = box(face.getBox(), scale);
            boxes.add(box);
            detections.add(new Detection(face.getFaceId(), box, round(face.getScore(), 1000), landmarks(face.getLandmarks(), scale)));
        }
        return new DetectResponse(boxes, detections);
    }

    public static RecognizeResponse recognize(MatchResult result, double scale) {
        List<RecognizedFace> known = new ArrayList<>();
        List<UnknownFace> unknown = new ArrayList<>();
        for (FaceMatch match : result.getFaces()) {
            int[] box = box(match.getFace().getBox(), scale);
            List<String> issues = match.getFace().getQuality() == null ? List.of() : match.getFace().getQuality().getIssues();
            String trackId = match.getTrack() == null ? null : match.getTrack().getTrackId();
            Track track = Track.of(match.getTrack());
            if (match.getPerson() != null) {
                known.add(new RecognizedFace(match.getPerson().getPersonId(), match.getPerson().getName(),
                        round(match.getPerson().getSimilarity(), 10000), box, match.getFace().getFaceId(), !issues.isEmpty(), issues,
                        trackId, track));
            } else {
                unknown.add(new UnknownFace(box, match.getFace().getFaceId(), round(match.getBestSimilarity(), 10000), !issues.isEmpty(), issues,
                        trackId, track));
            }
        }
        return new RecognizeResponse(known, unknown, result.getThreshold());
    }

    /** The matcher's verdict on a verification, with the similarity rounded as everywhere else. */
    public static VerifyResponse verify(MatchResult result) {
        FaceMatch face = result.getFaces().get(0);
        PersonRef person = face.getPerson() == null ? null : new PersonRef(face.getPerson().getPersonId(), face.getPerson().getName());
        return new VerifyResponse(Boolean.TRUE.equals(result.getSamePerson()), round(face.getBestSimilarity(), 10000), result.getThreshold(), person);
    }

    static int[] box(Box box, double scale) {
        return new int[] {
                (int) Math.round(box.getX() / scale), (int) Math.round(box.getY() / scale),
                (int) Math.round(box.getWidth() / scale), (int) Math.round(box.getHeight() / scale)};
    }

    static float[][] landmarks(List<Point> points, double scale) {
        float[][] out = new float[points.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[] {round((float) (points.get(i).getX() / scale), 10), round((float) (points.get(i).getY() / scale), 10)};
        }
        return out;
    }

    private static float round(float value, int factor) {
        return Math.round(value * factor) / (float) factor;
    }
}
