package io.facestream.gateway.recognition;

import org.opencv.core.Mat;

import io.facestream.face.ImageDecodeException;
import io.facestream.face.ImageTooLargeException;
import io.facestream.face.Images;
import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;

/**
 * An uploaded photo checked and made ready for Kafka: checked here (decoded, or read through at reduced size) so bad
 * input never reaches the pipeline, and shrunk when a phone photo would not fit a Kafka message.
 *
 * @param scale size of the sent image relative to the upload; answers are divided by it
 */
public record ImageUpload(byte[] bytes, double scale) {

    // Under Kafka's default 1 MB message limit, with room for the frame's other fields.
    static final int MAX_SENT_BYTES = 900 * 1024;

    static final String ACCEPTED = "accepted: JPEG, PNG";

    /**
     * @param maxSide   longer images are shrunk to this
     * @param maxPixels images whose header claims more pixels are refused (413) before decoding
     * @throws ApiException 400 {@code invalid_image} or 413 {@code image_too_large}
     */
    public static ImageUpload prepare(byte[] upload, int maxSide, long maxPixels) {
        try {
            Images.Dimensions size = Images.checkedDimensions(upload, maxPixels);
            if (Math.max(size.width(), size.height()) <= maxSide && upload.length <= MAX_SENT_BYTES) {
                // Sent as uploaded, and the detector decodes it anyway: here it is only checked (a VGA JPEG: 1.1 ms of CPU
                // instead of a 4.7 ms decode, see Images.check), every corrupt or truncated file still refused.
                Images.check(upload, maxPixels);
                return new ImageUpload(upload, 1.0);
            }
            Mat image = Images.decode(upload, maxPixels);
            try {
                return shrink(image, Images.fitScale(image, maxSide));
            } finally {
                image.release();
            }
        } catch (ImageTooLargeException e) {
            throw new ApiException(ApiError.IMAGE_TOO_LARGE, e.getMessage());
        } catch (ImageDecodeException e) {
            throw new ApiException(ApiError.INVALID_IMAGE, e.getMessage() + " (" + ACCEPTED + ")");
        }
    }

    /**
     * Re-encoded as JPEG, and smaller still until it fits a Kafka message: a photo of pure noise
     * stays megabytes at 1920 px and quality 92, and would otherwise fail in the producer (a 500).
     */
    private static ImageUpload shrink(Mat image, double scale) {
        int quality = 92;
        while (true) {
            Mat shrunk = scale == 1.0 ? image : Images.resize(image, scale);
            try {
                byte[] jpeg = Images.encodeJpeg(shrunk, quality);
                if (jpeg.length <= MAX_SENT_BYTES || Math.max(shrunk.cols(), shrunk.rows()) <= 64) {
                    return new ImageUpload(jpeg, scale);
                }
            } finally {
                if (shrunk != image) {
                    shrunk.release();
                }
            }
            if (quality > 75) {
                quality = 75;
            } else {
                scale *= 0.75;
            }
        }
    }
}
