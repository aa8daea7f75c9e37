package io.facestream.gateway.events;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import io.facestream.schemas.Box;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.TrackEvent;

/**
 * A track event as clients get it on GET /api/events: the Avro {@link TrackEvent} in the API's snake_case JSON
 * (the gateway's mapper names the fields), times as ISO-8601, the box as [x, y, w, h] in the camera's pixels.
 *
 * @param kind   started, identified, identity_changed or ended
 * @param camera the source id: a camera id, or a WebSocket session's id for frames sent to /ws/recognize
 */
public record EventView(String kind, String camera, String sourceKind, String trackId, Instant time, Person person,
                        Person previousPerson, float confidence, int facesSeen, Instant firstSeen, Instant lastSeen,
                        long durationMs, float bestSimilarity, BestFace bestFace) {

    public record Person(long id, String name, float similarity) {

        static Person of(PersonMatch match) {
            return match == null ? null : new Person(match.getPersonId(), match.getName(), round(match.getSimilarity()));
        }
    }

    /** The track's best face: the frame it was in, its box and its face_id (enrollable for 60 s, as everywhere). */
    public record BestFace(String frameId, int[] box, String faceId) {
    }

    public static EventView of(TrackEvent event) {
        Box box = event.getBestFaceBox();
        BestFace best = event.getBestFaceFrameId() == null && box == null && event.getBestFaceId() == null ? null
                : new BestFace(event.getBestFaceFrameId(), box == null ? null : new int[] {
                        Math.round(box.getX()), Math.round(box.getY()), Math.round(box.getWidth()), Math.round(box.getHeight())},
                        event.getBestFaceId());
        return new EventView(event.getKind().name().toLowerCase(Locale.ROOT), event.getSourceId(),
                event.getSourceKind().name().toLowerCase(Locale.ROOT), event.getTrackId(), event.getTime(),
                Person.of(event.getPerson()), Person.of(event.getPreviousPerson()), round(event.getConfidence()),
                event.getFacesSeen(), event.getFirstSeen(), event.getLastSeen(),
                Duration.between(event.getFirstSeen(), event.getLastSeen()).toMillis(), round(event.getBestSimilarity()), best);
    }

    private static float round(float value) {
        return Math.round(value * 10000) / 10000f;
    }
}
