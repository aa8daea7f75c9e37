package io.facestream.face;

/** The image header claims more pixels than facestream decodes: refused before any pixel is allocated. */
public class ImageTooLargeException extends ImageDecodeException {
    public ImageTooLargeException(String message) {
        super(message);
    }
}
