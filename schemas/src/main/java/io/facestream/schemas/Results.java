package io.facestream.schemas;

/** Error codes a frame's result may carry; stable, so clients and the gateway can map them. */
public final class Results {

    public static final String INVALID_IMAGE = "INVALID_IMAGE";
    public static final String INVALID_REQUEST = "INVALID_REQUEST";
    public static final String NO_FACE = "NO_FACE";
    public static final String MULTIPLE_FACES = "MULTIPLE_FACES";
    public static final String FACE_NOT_FOUND = "FACE_NOT_FOUND";
    public static final String LOW_QUALITY = "LOW_QUALITY";
    public static final String PERSON_NOT_FOUND = "PERSON_NOT_FOUND";
    /** A registration matched someone already enrolled (see MatchResult.existingPersonId). */
    public static final String ALREADY_ENROLLED = "ALREADY_ENROLLED";
    public static final String INTERNAL = "INTERNAL";

    private Results() {
    }

    public static PipelineError error(String code, String message) {
        return PipelineError.newBuilder().setCode(code).setMessage(message).build();
    }
}
