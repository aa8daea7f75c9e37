package io.facestream.face;

import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import nu.pattern.OpenCV;

/** Decoding and re-encoding of uploaded and camera images (OpenCV). */
public final class Images {

    static {
        OpenCV.loadLocally();
    }

    private Images() {
    }

    /** Forces the native library to load now rather than on the first request. */
    public static void load() {
        // the static initialiser does the work
    }

    /**
     * Decodes JPEG or PNG bytes into an 8-bit BGR image, upright: OpenCV applies the EXIF
     * orientation, turns grayscale and CMYK into BGR and drops alpha.
     */
    public static Mat decode(byte[] bytes) throws ImageDecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException("the image is empty");
        }
        if (!isJpeg(bytes) && !isPng(bytes)) {
            throw new ImageDecodeException("not a JPEG or PNG image");
        }
        if (isJpeg(bytes) && !hasJpegEnd(bytes)) {
            // libjpeg fills a truncated image with grey and only warns; a half-grey photo would give wrong answers.
            throw new ImageDecodeException("the JPEG data is truncated");
        }
        Mat image = Imgcodecs.imdecode(new MatOfByte(bytes), Imgcodecs.IMREAD_COLOR);
        if (image.empty()) {
            throw new ImageDecodeException("the image data is corrupt or truncated");
        }
        return image;
    }

    public static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
    }

    public static boolean isPng(byte[] b) {
        return b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    private static boolean hasJpegEnd(byte[] b) {
        // Some encoders pad after EOI; look at the tail rather than the last two bytes only.
        for (int i = b.length - 2; i >= Math.max(2, b.length - 4096); i--) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    /** Scale factor (at most 1) that makes the longest side at most {@code maxSide}. */
    public static double fitScale(Mat image, int maxSide) {
        int longest = Math.max(image.cols(), image.rows());
        return longest <= maxSide ? 1.0 : (double) maxSide / longest;
    }

    public static Mat resize(Mat image, double scale) {
        Mat out = new Mat();
        Imgproc.resize(image, out, new Size(Math.max(1, Math.round(image.cols() * scale)), Math.max(1, Math.round(image.rows() * scale))), 0, 0,
                scale < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
        return out;
    }

    public static byte[] encodeJpeg(Mat image, int quality) {
        MatOfByte out = new MatOfByte();
        Imgcodecs.imencode(".jpg", image, out, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality));
        return out.toArray();
    }
}
