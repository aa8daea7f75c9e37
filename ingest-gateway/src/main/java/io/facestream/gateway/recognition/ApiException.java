package io.facestream.gateway.recognition;

import org.springframework.http.HttpStatus;

/** A request the gateway answers with a 4xx or 5xx and a JSON reason. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String error;
    private final Long existingPersonId;

    public ApiException(HttpStatus status, String error, String message) {
        this(status, error, message, null);
    }

    public ApiException(HttpStatus status, String error, String message, Long existingPersonId) {
        super(message);
        this.status = status;
        this.error = error;
        this.existingPersonId = existingPersonId;
    }

    /** On 409 already_enrolled: the person the face matched. */
    public Long existingPersonId() {
        return existingPersonId;
    }

    public HttpStatus status() {
        return status;
    }

    public String error() {
        return error;
    }
}
