package io.facestream.gateway.pipeline;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;

import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.Operation;
import io.facestream.schemas.PeopleQuery;
import io.facestream.schemas.SourceKind;

/**
 * Every frame the gateway sends, one named method per request, each built complete. A REST request is its own source
 * (a random id, sequence 0); a WebSocket frame's source is its session, so frames of one connection keep their order.
 * Image bytes are the checked, possibly shrunk upload (ImageUpload).
 */
public final class RequestFrames {

    private RequestFrames() {
    }

    public static Frame detect(byte[] image) {
        return request(Operation.DETECT, image, h -> h);
    }

    public static Frame recognize(byte[] image) {
        return request(Operation.RECOGNIZE, image, h -> h);
    }

    /** One frame of live video, in its connection's order. */
    public static Frame liveFrame(String sessionId, long sequence, byte[] image) {
        return frame(header(Operation.RECOGNIZE, SourceKind.WEBSOCKET, sessionId).setSequence(sequence), image);
    }

    /** The health probe: through every service and back, touching no model and no gallery. */
    public static Frame ping() {
        return frame(header(Operation.PING, SourceKind.REQUEST, "health-" + UUID.randomUUID()), null);
    }

    /** Enrols a new person from a photo ({@code image}) or from a face detected in the last 60 s ({@code faceId}); one of them is null. */
    public static Frame register(String name, byte[] image, String faceId, boolean samePerson) {
        return request(Operation.REGISTER, image, h -> h.setRegistrationName(name).setFaceId(faceId).setSamePerson(samePerson));
    }

    public static Frame verifyAgainstPerson(byte[] image, long personId) {
        return request(Operation.VERIFY, image, h -> h.setPersonId(personId));
    }

    /** Against a face detected in the last 60 s, e.g. the reference photo's face just detected. */
    public static Frame verifyAgainstFace(byte[] image, String faceId) {
        return request(Operation.VERIFY, image, h -> h.setFaceId(faceId));
    }

    /** Another face for an enrolled person, from a photo or a recent face_id; one of them is null. */
    public static Frame addFace(long personId, byte[] image, String faceId) {
        return request(Operation.ADD_FACE, image, h -> h.setPersonId(personId).setFaceId(faceId));
    }

    public static Frame removeFace(long personId, long storedFaceId) {
        return request(Operation.REMOVE_FACE, null, h -> h.setPersonId(personId).setStoredFaceId(storedFaceId));
    }

    public static Frame rename(long personId, String name) {
        return request(Operation.RENAME, null, h -> h.setPersonId(personId).setRegistrationName(name));
    }

    public static Frame erase(long personId) {
        return request(Operation.ERASE, null, h -> h.setPersonId(personId));
    }

    /** A page of enrolled people, by id; {@code nameContains} null for everyone. */
    public static Frame listPeople(String nameContains, int page, int size) {
        return request(Operation.LIST_PEOPLE, null, h -> h.setPeopleQuery(new PeopleQuery(nameContains, page, size)));
    }

    /** "This face is not that person": a photo with one face, or a face detected in the last 60 s. */
    public static Frame addNegative(long personId, byte[] image, String faceId) {
        return request(Operation.ADD_NEGATIVE, image, h -> h.setPersonId(personId).setFaceId(faceId));
    }

    public static Frame removeNegative(long personId, long negativeId) {
        return request(Operation.REMOVE_NEGATIVE, null, h -> h.setPersonId(personId).setStoredFaceId(negativeId));
    }

    public static Frame getPerson(long personId) {
        return request(Operation.GET_PERSON, null, h -> h.setPersonId(personId));
    }

    private static Frame request(Operation operation, byte[] image, UnaryOperator<FrameHeader.Builder> fields) {
        return frame(fields.apply(header(operation, SourceKind.REQUEST, UUID.randomUUID().toString())), image);
    }

    private static FrameHeader.Builder header(Operation operation, SourceKind kind, String sourceId) {
        return FrameHeader.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setSourceKind(kind)
                .setSourceId(sourceId)
                .setSequence(0)
                .setCaptureTime(Instant.now())
                .setOperation(operation);
    }

    private static Frame frame(FrameHeader.Builder header, byte[] image) {
        return Frame.newBuilder().setHeader(header.build()).setImage(image == null ? null : ByteBuffer.wrap(image)).build();
    }
}
