package io.facestream.schemas;

/**
 * What each {@link Operation} asks of the pipeline, in one place for every service. The switches are exhaustive and
 * have no default, so a new operation does not compile until each question here has an answer for it.
 */
public final class Operations {

    private Operations() {
    }

    /**
     * Whether only the gateway, which checks API keys, may send the operation: everything that reads or changes who is
     * enrolled. Cameras produce to Kafka directly, so the matcher refuses these from a camera.
     */
    public static boolean gatewayOnly(Operation operation) {
        return switch (operation) {
            case REGISTER, ADD_FACE, REMOVE_FACE, RENAME, ERASE, LIST_PEOPLE, GET_PERSON, ADD_NEGATIVE, REMOVE_NEGATIVE -> true;
            case DETECT, RECOGNIZE, PING, VERIFY -> false;
        };
    }

    /** Whether a frame must carry an image; an enrolment by face_id reuses a face detected in the last 60 s instead. */
    public static boolean needsImage(FrameHeader header) {
        return switch (header.getOperation()) {
            case PING, REMOVE_FACE, RENAME, ERASE, LIST_PEOPLE, GET_PERSON, REMOVE_NEGATIVE -> false;
            case REGISTER, ADD_FACE, ADD_NEGATIVE -> header.getFaceId() == null;
            case DETECT, RECOGNIZE, VERIFY -> true;
        };
    }
}
