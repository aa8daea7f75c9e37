package io.facestream.replay;

/** A replay that cannot run or finish, with the reason a caller can show as it is (CLI message, REST error body). */
public final class ReplayException extends RuntimeException {

    /** Why; the REST job maps each to a status, the CLI prints the message and exits 1 (2 for bad input). */
    public enum Reason {
        /** Empty, reversed or unparsable time range, or another option that cannot be right. */
        INVALID_REQUEST,
        /** A camera named with --cameras has no frames in the range. */
        UNKNOWN_CAMERA,
        /** A person named with --people is not enrolled (never was, or erased). */
        UNKNOWN_PERSON,
        /** The range starts before the oldest frame Kafka still keeps: those frames are gone. */
        EXPIRED,
        /** Nothing to replay in the range (no camera frames at all). */
        NO_FRAMES,
        /** The output directory cannot be used. */
        OUTPUT,
        /** Stopped by the caller (Ctrl-C, DELETE /api/replays/{id}); nothing was written. */
        CANCELLED
    }

    private final Reason reason;

    public ReplayException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ReplayException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Bad input from the caller, as opposed to a replay that was refused for the state of the data. */
    public boolean badInput() {
        return reason == Reason.INVALID_REQUEST || reason == Reason.UNKNOWN_CAMERA || reason == Reason.UNKNOWN_PERSON;
    }
}
