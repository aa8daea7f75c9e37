package io.facestream.camera;

/** A camera that cannot run (bad source, no ffmpeg, Kafka refusing its frames); the message says what to do. */
public class CameraException extends RuntimeException {

    public CameraException(String message) {
        super(message);
    }

    public CameraException(String message, Throwable cause) {
        super(message, cause);
    }
}
