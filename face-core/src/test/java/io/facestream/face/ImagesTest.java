package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

class ImagesTest {

    static final Path HARD = TestData.dir().resolve("hard");

    @Test
    void appliesExifOrientation() throws Exception {
        Mat rotated = Images.decode(Files.readAllBytes(HARD.resolve("exif_orientation6_derived_obama.jpg")));
        Mat upright = Images.decode(Files.readAllBytes(TestData.dir().resolve("refs/obama/obama.jpg")));
        // Pixels were rotated 90° and tagged Orientation=6: honouring the tag restores the original shape.
        assertThat(rotated.cols()).isEqualTo(upright.cols());
        assertThat(rotated.rows()).isEqualTo(upright.rows());
    }

    @Test
    void readsGrayscaleCmykAndAlphaAsBgr() throws Exception {
        for (String name : new String[] {"grayscale_1ch_derived_obama.jpg", "cmyk_derived_obama.jpg", "png_rgba_alpha_32bit.png"}) {
            Mat image = Images.decode(Files.readAllBytes(HARD.resolve(name)));
            assertThat(image.channels()).as(name).isEqualTo(3);
            assertThat(image.depth()).as(name).isEqualTo(org.opencv.core.CvType.CV_8U);
        }
    }

    @Test
    void rejectsBrokenEmptyAndForeignInput() throws Exception {
        byte[] broken = Files.readAllBytes(HARD.resolve("broken_jpeg_app1.jpg"));
        assertThatThrownBy(() -> Images.decode(broken)).isInstanceOf(ImageDecodeException.class);
        assertThatThrownBy(() -> Images.decode(new byte[0])).hasMessageContaining("empty");
        assertThatThrownBy(() -> Images.decode("hello, world".getBytes())).hasMessageContaining("not a JPEG or PNG");
        byte[] good = Files.readAllBytes(TestData.dir().resolve("refs/obama/obama.jpg"));
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        assertThatThrownBy(() -> Images.decode(truncated)).hasMessageContaining("truncated");
    }

    @Test
    void shrinksLargePhotosToFit() throws Exception {
        Mat large = Images.decode(Files.readAllBytes(HARD.resolve("large_deepface_img26.jpg")));
        double scale = Images.fitScale(large, 1280);
        Mat small = Images.resize(large, scale);
        assertThat(Math.max(small.cols(), small.rows())).isEqualTo(1280);
        assertThat(Images.decode(Images.encodeJpeg(small, 92)).cols()).isEqualTo(small.cols());
    }
}
