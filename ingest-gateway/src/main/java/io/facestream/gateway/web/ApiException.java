package io.facestream.gateway.web;

import org.springframework.http.HttpStatus;

/** A request the gateway answers with a 4xx or 5xx and a JSON reason; the same code goes into a WebSocket error reply. */
public class ApiException extends RuntimeException {

    private final ApiError error;
    private final Long existingPersonId;

    public ApiException(ApiError error, String message) {
        this(error, message, null);
    }

    public ApiException(ApiError error, String message, Long existingPersonId) {
        super(message);
        this.error = error;
        this.existingPersonId = existingPersonId;
    }

    /** On 409 already_enrolled: the person the face matched. */
    public Long existingPersonId() {
        return existingPersonId;
    }

    public HttpStatus status() {
        return error.status();
    }

    /** The code as it appears in answers. */
    public String error() {
        return error.code();
    }
}
