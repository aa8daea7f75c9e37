package io.facestream.cli;

/** A failure the user can act on: printed as its message alone, exit code 1. */
public class CliException extends RuntimeException {

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
