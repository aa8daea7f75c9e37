package io.facestream.schemas;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a frame could not be answered: the codes a {@link PipelineError} may carry. Stable, so clients can map them;
 * on the wire they stay strings ({@code PipelineError.code}), so a camera needs nothing but the schema and a newer
 * writer's code does not break an older reader. The gateway maps every constant to an HTTP status in one exhaustive
 * switch (ApiError.of), so a new code is a compile error there until it has one, never a silent 500.
 */
public enum ErrorCode {
    INVALID_IMAGE,
    INVALID_REQUEST,
    NO_FACE,
    MULTIPLE_FACES,
    FACE_NOT_FOUND,
    LOW_QUALITY,
    PERSON_NOT_FOUND,
    /** A registration matched someone already enrolled (see MatchResult.existingPersonId). */
    ALREADY_ENROLLED,
    /**
     * A store the answer needs is unreachable (PostgreSQL for enrolment and people, Redis for erasure marks and recent
     * faces): nothing was stored; the same request may succeed later (README, "Faults").
     */
    UNAVAILABLE,
    INTERNAL;

    public PipelineError error(String message) {
        return PipelineError.newBuilder().setCode(name()).setMessage(message).build();
    }

    public boolean is(PipelineError error) {
        return error != null && name().equals(error.getCode());
    }

    /** The code of an error read from the wire; empty for a code this version does not know. */
    public static Optional<ErrorCode> of(PipelineError error) {
        return Arrays.stream(values()).filter(code -> code.is(error)).findFirst();
    }
}
