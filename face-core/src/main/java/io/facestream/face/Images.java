package io.facestream.face;

import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Core;
import org.opencv.core.CvException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import nu.pattern.OpenCV;

/** Decoding and re-encoding of uploaded and camera images (OpenCV). */
public final class Images {

    static {
        OpenCV.loadLocally();
    }

    /** 40 megapixels: any phone or DSLR photo, far below what would exhaust memory (about 120 MB decoded). */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    /** Width and height as the file's header states them, before anything is decoded. */
    public record Dimensions(int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    private Images() {
    }

    /** Forces the native library to load now rather than on the first request. */
    public static void load() {
        // the static initialiser does the work
    }

    /** {@link #decode(byte[], long)} with {@link #DEFAULT_MAX_PIXELS}. */
    public static Mat decode(byte[] bytes) throws ImageDecodeException {
        return decode(bytes, DEFAULT_MAX_PIXELS);
    }

    /**
     * Decodes JPEG or PNG bytes into an 8-bit, 3-channel BGR image, upright: the EXIF orientation
     * of a JPEG is applied, grayscale and CMYK become BGR, 16-bit samples become 8-bit and a PNG
     * with transparency is composited onto white. The size in the file's header is checked first,
     * so a small file claiming a huge image (a decompression bomb) is refused before decoding.
     *
     * @param maxPixels the largest width × height accepted
     * @throws ImageTooLargeException when the header claims more than {@code maxPixels} pixels
     * @throws ImageDecodeException   for anything else that is not a whole, readable JPEG or PNG
     */
    public static Mat decode(byte[] bytes, long maxPixels) throws ImageDecodeException {
        Dimensions size = checkedDimensions(bytes, maxPixels);
        boolean png = isPng(bytes);
        if (!png && !hasJpegEnd(bytes)) {
            // libjpeg fills a truncated image with grey and only warns; a half-grey photo would give wrong answers.
            throw new ImageDecodeException("the JPEG data is truncated");
        }
        if (png && !hasPngEnd(bytes)) {
            throw new ImageDecodeException("the PNG data is truncated");
        }
        Mat image;
        try {
            image = png && pngHasTransparency(bytes) ? decodeTransparentPng(bytes) : Imgcodecs.imdecode(new MatOfByte(bytes), Imgcodecs.IMREAD_COLOR);
        } catch (CvException e) {
            throw new ImageDecodeException("the image data is corrupt");
        }
        if (image.empty()) {
            throw new ImageDecodeException("the image data is corrupt or truncated");
        }
        if (image.type() != CvType.CV_8UC3 || (long) image.cols() * image.rows() != size.pixels()) {
            // Never hand on anything but what the header promised, in the one layout every caller expects.
            image.release();
            throw new ImageDecodeException("the image data does not match its header");
        }
        return image;
    }

    /**
     * Checks what {@link #decode(byte[], long)} checks — a whole, readable JPEG or PNG of at most {@code maxPixels} —
     * without keeping the pixels, for callers that only refuse bad input (the gateway: the detector decodes the frame
     * again). A JPEG is decoded at an eighth of its size in grey: libjpeg still reads every entropy-coded block, so
     * corrupt data fails as in a full decode, but skips most of the inverse DCT and all colour conversion. A 640×480
     * JPEG (quality 90) took 4.7 ms of CPU to decode and 1.1 ms to check this way (alternated in one JVM, load average 31
     * on 2 cores). PNGs are decoded whole.
     *
     * @return the size its header states
     * @throws ImageTooLargeException when the header claims more than {@code maxPixels} pixels
     * @throws ImageDecodeException   for anything else that is not a whole, readable JPEG or PNG
     */
    public static Dimensions check(byte[] bytes, long maxPixels) throws ImageDecodeException {
        Dimensions size = checkedDimensions(bytes, maxPixels);
        if (isPng(bytes)) {
            decode(bytes, maxPixels).release();
            return size;
        }
        if (!hasJpegEnd(bytes)) {
            throw new ImageDecodeException("the JPEG data is truncated");
        }
        Mat reduced;
        try {
            reduced = Imgcodecs.imdecode(new MatOfByte(bytes), Imgcodecs.IMREAD_REDUCED_GRAYSCALE_8 | Imgcodecs.IMREAD_IGNORE_ORIENTATION);
        } catch (CvException e) {
            throw new ImageDecodeException("the image data is corrupt");
        }
        try {
            if (reduced.empty()) {
                throw new ImageDecodeException("the image data is corrupt or truncated");
            }
            if (reduced.cols() != (size.width() + 7) / 8 || reduced.rows() != (size.height() + 7) / 8) {
                throw new ImageDecodeException("the image data does not match its header");
            }
        } finally {
            reduced.release();
        }
        return size;
    }

    /**
     * The size the header of a JPEG (its SOF segment) or PNG (its IHDR chunk) states, read without
     * decoding anything.
     *
     * @throws ImageDecodeException when the bytes are not a JPEG or PNG or the header is missing, cut off or corrupt
     */
    public static Dimensions dimensions(byte[] bytes) throws ImageDecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException("the image is empty");
        }
        if (isPng(bytes)) {
            return pngDimensions(bytes);
        }
        if (isJpeg(bytes)) {
            return jpegDimensions(bytes);
        }
        throw new ImageDecodeException("not a JPEG or PNG image");
    }

    /** {@link #dimensions} refused when either side is zero or the pixel count is above {@code maxPixels}. */
    public static Dimensions checkedDimensions(byte[] bytes, long maxPixels) throws ImageDecodeException {
        Dimensions size = dimensions(bytes);
        if (size.width() <= 0 || size.height() <= 0) {
            throw new ImageDecodeException("the image header states a size of " + size.width() + "×" + size.height() + " pixels");
        }
        if (size.pixels() > maxPixels) {
            throw new ImageTooLargeException(String.format("the image is %d×%d pixels (%.1f megapixels); at most %.1f megapixels are accepted",
                    size.width(), size.height(), size.pixels() / 1e6, maxPixels / 1e6));
        }
        return size;
    }

    public static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
    }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    public static boolean isPng(byte[] b) {
        if (b.length < PNG_SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (b[i] != PNG_SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- JPEG ----------------------------------------------------------------------------

    private static Dimensions jpegDimensions(byte[] b) throws ImageDecodeException {
        int i = 2; // after SOI
        while (true) {
            if (i >= b.length) {
                throw new ImageDecodeException("the JPEG data is truncated before its size header (SOF)");
            }
            if ((b[i] & 0xFF) != 0xFF) {
                throw new ImageDecodeException("the JPEG header is corrupt (no marker at byte " + i + ")");
            }
            while (i < b.length && (b[i] & 0xFF) == 0xFF) {
                i++; // fill bytes
            }
            if (i >= b.length) {
                throw new ImageDecodeException("the JPEG data is truncated before its size header (SOF)");
            }
            int marker = b[i++] & 0xFF;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // markers without a segment
            }
            if (marker == 0x00 || marker == 0xD8 || marker == 0xD9 || marker == 0xDA) {
                throw new ImageDecodeException("the JPEG header is corrupt (no size header (SOF) before " + (marker == 0xDA ? "the image data" : "marker " + Integer.toHexString(marker)) + ")");
            }
            if (i + 2 > b.length) {
                throw new ImageDecodeException("the JPEG data is truncated before its size header (SOF)");
            }
            int length = u16(b, i);
            if (length < 2) {
                throw new ImageDecodeException("the JPEG header is corrupt (segment length " + length + ")");
            }
            if (isStartOfFrame(marker)) {
                // length, precision, height, width, components
                if (length < 8) {
                    throw new ImageDecodeException("the JPEG size header (SOF) is corrupt");
                }
                if (i + 7 > b.length) {
                    throw new ImageDecodeException("the JPEG data is truncated inside its size header (SOF)");
                }
                return new Dimensions(u16(b, i + 5), u16(b, i + 3));
            }
            i += length;
        }
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
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

    // ---- PNG -----------------------------------------------------------------------------

    private static Dimensions pngDimensions(byte[] b) throws ImageDecodeException {
        // signature, then the IHDR chunk: length 13, "IHDR", width, height (4 bytes each, big-endian)
        if (b.length < 24) {
            throw new ImageDecodeException("the PNG data is truncated before its size header (IHDR)");
        }
        if (u32(b, 8) != 13 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
            throw new ImageDecodeException("the PNG header is corrupt (IHDR is not the first chunk)");
        }
        long width = u32(b, 16);
        long height = u32(b, 20);
        if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new ImageDecodeException("the PNG header is corrupt (width or height above 2^31 - 1)");
        }
        return new Dimensions((int) width, (int) height);
    }

    private static boolean hasPngEnd(byte[] b) {
        // The IEND chunk type; some writers append junk after it, as after a JPEG's EOI.
        for (int i = b.length - 4; i >= Math.max(PNG_SIGNATURE.length, b.length - 4096); i--) {
            if (b[i] == 'I' && b[i + 1] == 'E' && b[i + 2] == 'N' && b[i + 3] == 'D') {
                return true;
            }
        }
        return false;
    }

    /** Colour type with alpha (4, 6) or a tRNS chunk before the image data. */
    private static boolean pngHasTransparency(byte[] b) {
        int colorType = b.length > 25 ? b[25] & 0xFF : 0;
        if (colorType == 4 || colorType == 6) {
            return true;
        }
        int i = PNG_SIGNATURE.length;
        while (i + 8 <= b.length) {
            long length = u32(b, i);
            String type = new String(b, i + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (type.equals("tRNS")) {
                return true;
            }
            if (type.equals("IDAT") || type.equals("IEND") || length > b.length) {
                return false;
            }
            i += 12 + (int) length;
        }
        return false;
    }

    /** A PNG with an alpha channel or transparent colour, composited onto white as 8-bit BGR. */
    private static Mat decodeTransparentPng(byte[] bytes) {
        Mat raw = Imgcodecs.imdecode(new MatOfByte(bytes), Imgcodecs.IMREAD_UNCHANGED);
        if (raw.empty()) {
            return raw;
        }
        try {
            Mat eight = raw;
            if (raw.depth() == CvType.CV_16U) {
                eight = new Mat();
                raw.convertTo(eight, CvType.CV_8U, 1.0 / 257.0);
            } else if (raw.depth() != CvType.CV_8U) {
                return new Mat(); // unreadable as a photo
            }
            try {
                return compositeOnWhite(eight);
            } finally {
                if (eight != raw) {
                    eight.release();
                }
            }
        } finally {
            raw.release();
        }
    }

    private static Mat compositeOnWhite(Mat image) {
        Mat out = new Mat();
        switch (image.channels()) {
            case 1 -> Imgproc.cvtColor(image, out, Imgproc.COLOR_GRAY2BGR);
            case 3 -> image.copyTo(out);
            case 2, 4 -> {
                List<Mat> planes = new ArrayList<>();
                Core.split(image, planes);
                Mat alpha = planes.remove(planes.size() - 1);
                Mat color = new Mat();
                Core.merge(planes, color);
                if (color.channels() == 1) {
                    Mat bgr = new Mat();
                    Imgproc.cvtColor(color, bgr, Imgproc.COLOR_GRAY2BGR);
                    color.release();
                    color = bgr;
                }
                // out = color * a + 255 * (1 - a), a = alpha / 255
                Mat a = new Mat();
                alpha.convertTo(a, CvType.CV_32F, 1.0 / 255.0);
                Mat a3 = new Mat();
                Core.merge(List.of(a, a, a), a3);
                Mat colorF = new Mat();
                color.convertTo(colorF, CvType.CV_32FC3);
                Core.multiply(colorF, a3, colorF);
                Mat white = new Mat(a3.size(), CvType.CV_32FC3, new Scalar(1, 1, 1));
                Core.subtract(white, a3, white);
                Core.multiply(white, new Scalar(255, 255, 255), white);
                Core.add(colorF, white, colorF);
                colorF.convertTo(out, CvType.CV_8UC3);
                for (Mat m : planes) {
                    m.release();
                }
                for (Mat m : new Mat[] {alpha, color, a, a3, colorF, white}) {
                    m.release();
                }
            }
            default -> {
                // no photo has other channel counts; leave out empty
            }
        }
        return out;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    // ---- resizing and encoding -----------------------------------------------------------

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

    /** The pixels of an 8-bit BGR image, row by row (width × height × 3 bytes): how aligned faces travel (AlignedFaces.chips). */
    public static byte[] bgrBytes(Mat bgr) {
        if (bgr.type() != CvType.CV_8UC3) {
            throw new IllegalArgumentException("not an 8-bit BGR image: type " + CvType.typeToString(bgr.type()));
        }
        Mat dense = bgr.isContinuous() ? bgr : bgr.clone();
        try {
            byte[] bytes = new byte[(int) (dense.total() * 3)];
            dense.get(0, 0, bytes);
            return bytes;
        } finally {
            if (dense != bgr) {
                dense.release();
            }
        }
    }

    /** The image {@link #bgrBytes} wrote; the caller releases it. */
    public static Mat fromBgrBytes(byte[] bytes, int width, int height) {
        if (width <= 0 || height <= 0 || bytes.length != width * height * 3) {
            throw new IllegalArgumentException(bytes.length + " bytes are not a " + width + "×" + height + " BGR image");
        }
        Mat bgr = new Mat(height, width, CvType.CV_8UC3);
        bgr.put(0, 0, bytes);
        return bgr;
    }

    public static byte[] encodeJpeg(Mat image, int quality) {
        MatOfByte out = new MatOfByte();
        Imgcodecs.imencode(".jpg", image, out, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality));
        return out.toArray();
    }
}
