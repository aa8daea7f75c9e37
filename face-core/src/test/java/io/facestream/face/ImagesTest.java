package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

class ImagesTest {

    /** The awkward inputs of the shared data set (skips the test without it). */
    static Path hard() {
        return TestData.dir().resolve("hard");
    }

    @Test
    void rawBgrPixelsRoundTripAlsoFromAViewIntoALargerImage() throws Exception {
        Mat photo = Images.decode(TestPhotos.bytes(TestPhotos.A1));
        // A view of 50×40 pixels inside the photo: its rows are not contiguous in memory.
        Mat view = photo.submat(10, 50, 20, 70);
        byte[] bytes = Images.bgrBytes(view);
        assertThat(bytes).hasSize(50 * 40 * 3);
        Mat back = Images.fromBgrBytes(bytes, 50, 40);
        assertThat(meanAbsDifference(back, view)).isZero();
        byte[] pixel = new byte[3];
        photo.get(49, 69, pixel);
        assertThat(java.util.Arrays.copyOfRange(bytes, bytes.length - 3, bytes.length)).isEqualTo(pixel);
        assertThatThrownBy(() -> Images.fromBgrBytes(bytes, 50, 41)).isInstanceOf(IllegalArgumentException.class);
        for (Mat m : new Mat[] {photo, view, back}) {
            m.release();
        }
    }

    @Test
    void appliesExifOrientation() throws Exception {
        Mat rotated = Images.decode(Files.readAllBytes(hard().resolve("exif_orientation6_derived_obama.jpg")));
        Mat upright = Images.decode(Files.readAllBytes(TestData.dir().resolve("refs/obama/obama.jpg")));
        // Pixels were rotated 90° and tagged Orientation=6: honouring the tag restores the original shape.
        assertThat(rotated.cols()).isEqualTo(upright.cols());
        assertThat(rotated.rows()).isEqualTo(upright.rows());
        // ... and the same picture, not only the same shape
        assertThat(meanAbsDifference(rotated, upright)).isLessThan(12);
    }

    @Test
    void readsGrayscaleCmykAndAlphaAsBgr() throws Exception {
        for (String name : new String[] {"grayscale_1ch_derived_obama.jpg", "cmyk_derived_obama.jpg", "png_rgba_alpha_32bit.png"}) {
            Mat image = Images.decode(Files.readAllBytes(hard().resolve(name)));
            assertThat(image.channels()).as(name).isEqualTo(3);
            assertThat(image.depth()).as(name).isEqualTo(CvType.CV_8U);
        }
    }

    @Test
    void cmykPhotoKeepsItsColours() throws Exception {
        // ImageMagick's CMYK conversion of the same photo: a wrong (non-inverted) CMYK reading would give a negative.
        Mat cmyk = Images.decode(Files.readAllBytes(hard().resolve("cmyk_derived_obama.jpg")));
        Mat rgb = Images.decode(Files.readAllBytes(TestData.dir().resolve("refs/obama/obama.jpg")));
        assertThat(cmyk.size()).isEqualTo(rgb.size());
        assertThat(meanAbsDifference(cmyk, rgb)).isLessThan(25);
    }

    @Test
    void rejectsBrokenEmptyAndForeignInput() throws Exception {
        byte[] broken = Files.readAllBytes(hard().resolve("broken_jpeg_app1.jpg"));
        assertThatThrownBy(() -> Images.decode(broken)).isInstanceOf(ImageDecodeException.class);
        assertThatThrownBy(() -> Images.decode(new byte[0])).hasMessageContaining("empty");
        assertThatThrownBy(() -> Images.decode("hello, world".getBytes())).hasMessageContaining("not a JPEG or PNG");
        byte[] good = Files.readAllBytes(TestData.dir().resolve("refs/obama/obama.jpg"));
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        assertThatThrownBy(() -> Images.decode(truncated)).hasMessageContaining("truncated");
    }

    @Test
    void shrinksLargePhotosToFit() throws Exception {
        Mat large = Images.decode(Files.readAllBytes(hard().resolve("large_deepface_img26.jpg")));
        double scale = Images.fitScale(large, 1280);
        Mat small = Images.resize(large, scale);
        assertThat(Math.max(small.cols(), small.rows())).isEqualTo(1280);
        assertThat(Images.decode(Images.encodeJpeg(small, 92)).cols()).isEqualTo(small.cols());
    }

    // ---- header dimensions -----------------------------------------------------------------

    @Test
    void readsDimensionsFromJpegAndPngHeaders() throws Exception {
        Mat image = pattern(37, 21);
        assertThat(Images.dimensions(encode(".jpg", image))).isEqualTo(new Images.Dimensions(37, 21));
        assertThat(Images.dimensions(encode(".png", image))).isEqualTo(new Images.Dimensions(37, 21));
        assertThat(Images.dimensions(encode(".jpg", image, Imgcodecs.IMWRITE_JPEG_PROGRESSIVE, 1))).isEqualTo(new Images.Dimensions(37, 21));
        // Real files: EXIF blocks with thumbnails, ICC profiles, CMYK, grayscale, alpha.
        for (String name : List.of("hard/large_deepface_img26.jpg", "hard/cmyk_derived_obama.jpg", "hard/grayscale_1ch_derived_obama.jpg",
                "hard/png_rgba_alpha_32bit.png", "hard/lowres_obama-240p.jpg", "hard/noface_pilatus800.jpg", "refs/obama/obama.jpg")) {
            byte[] bytes = Files.readAllBytes(TestData.dir().resolve(name));
            Mat decoded = Images.decode(bytes);
            Images.Dimensions header = Images.dimensions(bytes);
            assertThat(header.pixels()).as(name).isEqualTo((long) decoded.cols() * decoded.rows());
            assertThat(List.of(header.width(), header.height())).as(name).containsExactlyInAnyOrder(decoded.cols(), decoded.rows());
        }
        // EXIF orientation 6: the header has the stored (rotated) shape, the decoded image the upright one.
        byte[] rotated = Files.readAllBytes(hard().resolve("exif_orientation6_derived_obama.jpg"));
        Mat upright = Images.decode(rotated);
        assertThat(Images.dimensions(rotated)).isEqualTo(new Images.Dimensions(upright.rows(), upright.cols()));
    }

    @Test
    void refusesHugeClaimsBeforeDecoding() {
        byte[] pngBomb = CraftedImages.pngClaiming(100_000, 100_000);
        assertThatThrownBy(() -> Images.decode(pngBomb)).isInstanceOf(ImageTooLargeException.class).hasMessageContaining("100000×100000");
        byte[] jpegBomb = CraftedImages.jpegClaiming(65_535, 65_535);
        assertThatThrownBy(() -> Images.decode(jpegBomb)).isInstanceOf(ImageTooLargeException.class).hasMessageContaining("65535×65535");
        // Just above the default: 6400 × 6400 = 40.96 MP.
        assertThatThrownBy(() -> Images.decode(CraftedImages.pngClaiming(6400, 6400))).isInstanceOf(ImageTooLargeException.class);
        assertThatThrownBy(() -> Images.decode(CraftedImages.pngClaiming(0, 100))).isNotInstanceOf(ImageTooLargeException.class).hasMessageContaining("0×100");
        assertThatThrownBy(() -> Images.decode(CraftedImages.jpegClaiming(100, 0))).hasMessageContaining("100×0");
        assertThatThrownBy(() -> Images.dimensions(CraftedImages.pngClaiming(-1, 5))).hasMessageContaining("corrupt");
    }

    @Test
    void refusesARealDecompressionBomb() throws Exception {
        // The generator makes real images: a small one decodes (black, as written) ...
        Mat small = Images.decode(CraftedImages.zeroPng(300, 200));
        assertBgr(small, 300, 200);
        assertPixel(small, 150, 100, 0, 0, 0);
        // ... and 64 megapixels, 192 MB decoded, fit in a file of some 60 KB: refused from the header alone.
        byte[] bomb = CraftedImages.zeroPng(8000, 8000);
        assertThat(bomb.length).isLessThan(100_000);
        assertThatThrownBy(() -> Images.decode(bomb)).isInstanceOf(ImageTooLargeException.class).hasMessageContaining("8000×8000");
    }

    @Test
    void appliesTheConfiguredPixelLimit() throws Exception {
        byte[] bytes = encode(".png", pattern(100, 100));
        assertThat(Images.decode(bytes, 10_000).cols()).isEqualTo(100);
        assertThatThrownBy(() -> Images.decode(bytes, 9_999)).isInstanceOf(ImageTooLargeException.class);
        byte[] jpeg = encode(".jpg", pattern(100, 100));
        assertThatThrownBy(() -> Images.decode(jpeg, 9_999)).isInstanceOf(ImageTooLargeException.class);
    }

    @Test
    void checkAcceptsAndRefusesWhatDecodeDoes() throws Exception {
        // Every awkward input and reference photo: check (reduced read, as the gateway does) agrees with a full decode.
        List<Path> files = new java.util.ArrayList<>();
        try (var hard = Files.list(hard()); var refs = Files.walk(TestData.dir().resolve("refs"))) {
            hard.filter(p -> !p.toString().endsWith(".csv")).forEach(files::add);
            refs.filter(p -> p.toString().matches(".*\\.(jpe?g|png)$")).forEach(files::add);
        }
        assertThat(files).hasSizeGreaterThan(10);
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String decoded;
            try {
                Images.decode(bytes).release();
                decoded = "ok";
            } catch (ImageDecodeException e) {
                decoded = "refused";
            }
            String checked;
            try {
                assertThat(Images.check(bytes, Images.DEFAULT_MAX_PIXELS)).isEqualTo(Images.dimensions(bytes));
                checked = "ok";
            } catch (ImageDecodeException e) {
                checked = "refused";
            }
            assertThat(checked).as(file.toString()).isEqualTo(decoded);
        }
        // Damage past the header (the entropy-coded data) and a cut file are refused by both.
        byte[] good = Files.readAllBytes(TestData.dir().resolve("refs/obama/obama.jpg"));
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        assertThatThrownBy(() -> Images.check(truncated, Images.DEFAULT_MAX_PIXELS)).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Images.check(CraftedImages.jpegClaiming(100_000, 100_000), 1_000_000)).isInstanceOf(ImageTooLargeException.class);
        assertThatThrownBy(() -> Images.check("hello, world".getBytes(), Images.DEFAULT_MAX_PIXELS)).hasMessageContaining("not a JPEG or PNG");
    }

    @Test
    void cutHeadersAreRefusedCleanly() throws Exception {
        // Every prefix of a real file's header, and random damage to it: an ImageDecodeException, never a crash.
        for (String name : List.of("refs/obama/obama.jpg", "hard/png_rgba_alpha_32bit.png", "hard/large_deepface_img26.jpg")) {
            byte[] bytes = Files.readAllBytes(TestData.dir().resolve(name));
            for (int length = 0; length < Math.min(bytes.length, 3000); length++) {
                byte[] cut = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> Images.decode(cut)).as(name + " cut at " + length).isInstanceOf(ImageDecodeException.class);
            }
            Random random = new Random(42);
            for (int round = 0; round < 300; round++) {
                byte[] damaged = Arrays.copyOf(bytes, Math.min(bytes.length, 4000));
                for (int k = 0; k < 4; k++) {
                    damaged[2 + random.nextInt(damaged.length - 2)] = (byte) random.nextInt(256);
                }
                try {
                    Images.dimensions(damaged);
                } catch (ImageDecodeException expected) {
                    // fine: refused with a reason
                }
            }
        }
    }

    // ---- pixel formats -------------------------------------------------------------------

    @Test
    void sixteenBitPngBecomesEightBit() throws Exception {
        Mat deep = new Mat(20, 30, CvType.CV_16UC3, new Scalar(10_000, 30_000, 60_000));
        Mat image = Images.decode(encode(".png", deep));
        assertBgr(image, 30, 20);
        assertPixel(image, 10, 10, 10_000 / 257.0, 30_000 / 257.0, 60_000 / 257.0);

        Mat grey = new Mat(20, 30, CvType.CV_16UC1, new Scalar(50_000));
        Mat fromGrey = Images.decode(encode(".png", grey));
        assertBgr(fromGrey, 30, 20);
        assertPixel(fromGrey, 5, 5, 50_000 / 257.0, 50_000 / 257.0, 50_000 / 257.0);
    }

    @Test
    void alphaPngIsCompositedOntoWhite() throws Exception {
        // Left: opaque red. Middle: fully transparent black. Right: half-transparent blue.
        Mat bgra = new Mat(10, 30, CvType.CV_8UC4, new Scalar(0, 0, 255, 255));
        bgra.submat(new Rect(10, 0, 10, 10)).setTo(new Scalar(0, 0, 0, 0));
        bgra.submat(new Rect(20, 0, 10, 10)).setTo(new Scalar(255, 0, 0, 128));
        Mat image = Images.decode(encode(".png", bgra));
        assertBgr(image, 30, 10);
        assertPixel(image, 5, 5, 0, 0, 255);
        assertPixel(image, 15, 5, 255, 255, 255);
        assertPixel(image, 25, 5, 255, 127, 127);

        Mat deep = new Mat(10, 20, CvType.CV_16UC4, new Scalar(0, 65_535, 0, 65_535));
        deep.submat(new Rect(10, 0, 10, 10)).setTo(new Scalar(0, 0, 0, 0));
        Mat fromDeep = Images.decode(encode(".png", deep));
        assertBgr(fromDeep, 20, 10);
        assertPixel(fromDeep, 5, 5, 0, 255, 0);
        assertPixel(fromDeep, 15, 5, 255, 255, 255);
    }

    @Test
    void grayscaleJpegAndPngBecomeBgr() throws Exception {
        Mat grey = new Mat(16, 16, CvType.CV_8UC1, new Scalar(90));
        for (String ext : List.of(".jpg", ".png")) {
            Mat image = Images.decode(encode(ext, grey));
            assertBgr(image, 16, 16);
            assertPixel(image, 8, 8, 90, 90, 90);
        }
    }

    @Test
    void cmykJpegWrittenByImageIoBecomesBgr() throws Exception {
        // javax.imageio writes a four-band Raster as a four-component JPEG without colour conversion.
        // Values are stored inverted, as Adobe (Photoshop, ImageMagick) writes CMYK: 255 - ink.
        // Left half pure red (C0 M100 Y100 K0), right half 50 % grey (K50).
        int width = 32, height = 16;
        WritableRaster raster = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] ink = x < width / 2 ? new int[] {0, 255, 255, 0} : new int[] {0, 0, 0, 128};
                raster.setPixel(x, y, new int[] {255 - ink[0], 255 - ink[1], 255 - ink[2], 255 - ink[3]});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            var param = writer.getDefaultWriteParam();
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(1.0f);
            writer.write(null, new IIOImage(raster, null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] bytes = out.toByteArray();
        assertThat(Images.dimensions(bytes)).isEqualTo(new Images.Dimensions(width, height));
        Mat image = Images.decode(bytes);
        assertBgr(image, width, height);
        assertPixel(image, 4, 8, 0, 0, 255);
        assertPixel(image, 28, 8, 127, 127, 127);
    }

    // ---- helpers -------------------------------------------------------------------------

    static Mat pattern(int width, int height) {
        Mat image = new Mat(height, width, CvType.CV_8UC3, new Scalar(40, 120, 200));
        image.submat(new Rect(0, 0, width / 2, height / 2)).setTo(new Scalar(250, 10, 10));
        return image;
    }

    static byte[] encode(String ext, Mat image, int... params) {
        MatOfByte out = new MatOfByte();
        assertThat(Imgcodecs.imencode(ext, image, out, new MatOfInt(params))).isTrue();
        return out.toArray();
    }

    static void assertBgr(Mat image, int width, int height) {
        assertThat(image.type()).isEqualTo(CvType.CV_8UC3);
        assertThat(image.cols()).isEqualTo(width);
        assertThat(image.rows()).isEqualTo(height);
    }

    static void assertPixel(Mat image, int x, int y, double b, double g, double r) {
        double[] pixel = image.get(y, x);
        assertThat(pixel[0]).as("blue at %d,%d", x, y).isCloseTo(b, within(3.0));
        assertThat(pixel[1]).as("green at %d,%d", x, y).isCloseTo(g, within(3.0));
        assertThat(pixel[2]).as("red at %d,%d", x, y).isCloseTo(r, within(3.0));
    }

    static double meanAbsDifference(Mat a, Mat b) {
        Mat diff = new Mat();
        Core.absdiff(a, b, diff);
        Scalar mean = Core.mean(diff);
        return (mean.val[0] + mean.val[1] + mean.val[2]) / 3;
    }
}
