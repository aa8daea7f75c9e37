package io.facestream.gateway.recognition;

import org.springframework.http.HttpStatus;

/** A request the gateway answers with a 4xx or 5xx and a JSON reason. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String error;

    public ApiException(HttpStatus status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public HttpStatus status() {
        return status;
    }

    public String error() {
        return error;
    }
}
