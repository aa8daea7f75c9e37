package io.facestream.gateway.web;

import org.springframework.http.HttpStatus;

import io.facestream.schemas.ErrorCode;

/**
 * Every error code the gateway answers with, and its HTTP status: the one table. A WebSocket reply carries the same
 * code (its status is only used over HTTP). The pipeline's own codes map here through {@link #of(ErrorCode)}, whose
 * switch has no default: a new pipeline code does not compile until it has a status, so it cannot become a 500 unseen.
 */
public enum ApiError {
    INVALID_REQUEST(HttpStatus.BAD_REQUEST),
    INVALID_JSON(HttpStatus.BAD_REQUEST),
    MISSING_FIELD(HttpStatus.BAD_REQUEST),
    INVALID_IMAGE(HttpStatus.BAD_REQUEST),
    UNSUPPORTED_FILE_TYPE(HttpStatus.BAD_REQUEST),
    INVALID_FACE_ID(HttpStatus.BAD_REQUEST),
    INVALID_NAME(HttpStatus.BAD_REQUEST),
    INVALID_SCOPES(HttpStatus.BAD_REQUEST),
    /** WebSocket only: a text message where an image was expected. */
    BINARY_FRAMES_ONLY(HttpStatus.BAD_REQUEST),
    MISSING_API_KEY(HttpStatus.UNAUTHORIZED),
    INVALID_API_KEY(HttpStatus.UNAUTHORIZED),
    FORBIDDEN(HttpStatus.FORBIDDEN),
    PERSON_NOT_FOUND(HttpStatus.NOT_FOUND),
    FACE_NOT_FOUND(HttpStatus.NOT_FOUND),
    KEY_NOT_FOUND(HttpStatus.NOT_FOUND),
    REPLAY_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** A replay job is running; one at a time, since each keeps both cores busy. */
    REPLAY_BUSY(HttpStatus.CONFLICT),
    /** A replay's clusters are asked for (to enrol one) before the replay has finished. */
    REPLAY_NOT_FINISHED(HttpStatus.CONFLICT),
    /** A replay job's error only: the gateway stopped while it ran, so it wrote no report; start it again. */
    REPLAY_INTERRUPTED(HttpStatus.SERVICE_UNAVAILABLE),
    /** The replay range starts before the oldest frame Kafka still keeps. */
    FRAMES_EXPIRED(HttpStatus.GONE),
    UNKNOWN_CAMERA(HttpStatus.UNPROCESSABLE_ENTITY),
    NO_FRAMES(HttpStatus.UNPROCESSABLE_ENTITY),
    ALREADY_ENROLLED(HttpStatus.CONFLICT),
    TOO_LARGE(HttpStatus.PAYLOAD_TOO_LARGE),
    IMAGE_TOO_LARGE(HttpStatus.PAYLOAD_TOO_LARGE),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
    NO_FACE(HttpStatus.UNPROCESSABLE_ENTITY),
    MULTIPLE_FACES(HttpStatus.UNPROCESSABLE_ENTITY),
    LOW_QUALITY(HttpStatus.UNPROCESSABLE_ENTITY),
    /** Enrolment from several faces (POST /api/people/from-faces): every face was refused, so nobody was enrolled. */
    NO_FACE_ENROLLED(HttpStatus.UNPROCESSABLE_ENTITY),
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS),
    /** WebSocket only: more frames of one connection waiting for the pipeline than it may have; the frame was dropped. */
    BUSY(HttpStatus.SERVICE_UNAVAILABLE),
    /** A store the pipeline needs is down (PostgreSQL, Redis); nothing was stored, retry later. */
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
    INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR),
    TIMEOUT(HttpStatus.GATEWAY_TIMEOUT);

    private final HttpStatus status;

    ApiError(HttpStatus status) {
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }

    /** As it appears in answers: {@code "error": "invalid_image"}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ApiError of(ErrorCode code) {
        return switch (code) {
            case INVALID_IMAGE -> INVALID_IMAGE;
            case INVALID_REQUEST -> INVALID_REQUEST;
            case NO_FACE -> NO_FACE;
            case MULTIPLE_FACES -> MULTIPLE_FACES;
            case LOW_QUALITY -> LOW_QUALITY;
            case FACE_NOT_FOUND -> FACE_NOT_FOUND;
            case PERSON_NOT_FOUND -> PERSON_NOT_FOUND;
            case ALREADY_ENROLLED -> ALREADY_ENROLLED;
            case UNAVAILABLE -> UNAVAILABLE;
            case INTERNAL -> INTERNAL;
        };
    }
}
