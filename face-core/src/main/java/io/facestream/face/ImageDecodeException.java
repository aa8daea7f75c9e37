package io.facestream.face;

/** The bytes are not an image facestream can read; the message says why, in words a client can act on. */
public class ImageDecodeException extends Exception {
    public ImageDecodeException(String message) {
        super(message);
    }
}
