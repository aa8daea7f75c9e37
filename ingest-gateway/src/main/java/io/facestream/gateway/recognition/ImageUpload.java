package io.facestream.gateway.recognition;

import org.opencv.core.Mat;
import org.springframework.http.HttpStatus;

import io.facestream.face.ImageDecodeException;
import io.facestream.face.Images;

/**
 * An uploaded photo checked and made ready for Kafka: decoded once here so bad input never
 * reaches the pipeline, and shrunk when a phone photo would not fit a Kafka message.
 *
 * @param scale size of the sent image relative to the upload; answers are divided by it
 */
public record ImageUpload(byte[] bytes, double scale) {

    // Under Kafka's default 1 MB message limit, with room for the frame's other fields.
    static final int MAX_SENT_BYTES = 900 * 1024;

    public static ImageUpload prepare(byte[] upload, int maxSide) {
        Mat image;
        try {
            image = Images.decode(upload);
        } catch (ImageDecodeException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_image", e.getMessage() + " (accepted: JPEG, PNG)");
        }
        try {
            double scale = Images.fitScale(image, maxSide);
            if (scale == 1.0 && upload.length <= MAX_SENT_BYTES) {
                return new ImageUpload(upload, 1.0);
            }
            Mat shrunk = Images.resize(image, scale);
            try {
                return new ImageUpload(Images.encodeJpeg(shrunk, 92), scale);
            } finally {
                shrunk.release();
            }
        } finally {
            image.release();
        }
    }
}
