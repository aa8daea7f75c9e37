package io.facestream.face;

import static io.facestream.face.SharedModels.detect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencv.core.Mat;

import io.facestream.models.ModelStore;

class YuNetDetectorTest {

    /** Counts from groups/groups.csv (min, max) and hard/hard.csv. */
    @ParameterizedTest
    @CsvSource({
            "groups/fr_two_people.jpg, 2, 2",
            "groups/fr_obama_and_biden.jpg, 2, 3",
            "groups/fr_kit_with_rose.jpg, 2, 2",
            "groups/fp_multiface.jpg, 6, 6",
            "groups/pa_many_face.png, 6, 6",
            "groups/retinaface_crowd_test.jpg, 20, 35",
            "hard/noface_pilatus800.jpg, 0, 0",
            "hard/png_rgba_alpha_32bit.png, 1, 1",
            "hard/lowres_obama-240p.jpg, 1, 1",
            "hard/large_deepface_img26.jpg, 1, 1",
            "hard/grayscale_content_rgb_lfw_Beecher_Ray_Kirby_0001.jpg, 1, 1",
            "hard/cmyk_derived_obama.jpg, 1, 1",
            "hard/grayscale_1ch_derived_obama.jpg, 1, 1",
            "hard/exif_orientation6_derived_obama.jpg, 1, 1"})
    void findsTheLabelledNumberOfFaces(String path, int min, int max) {
        List<Face> faces = detect(path);
        assertThat(faces.size()).as(path).isBetween(min, max);
        for (int i = 1; i < faces.size(); i++) {
            assertThat(faces.get(i).score()).as("sorted best first").isLessThanOrEqualTo(faces.get(i - 1).score());
        }
    }

    /** Coordinates are mapped back through the letterbox: wrong scale or padding would push points out of their box. */
    @ParameterizedTest
    @ValueSource(strings = {"groups/fr_two_people.jpg", "groups/fp_multiface.jpg", "groups/pa_many_face.png",
            "groups/fr_kit_with_rose.jpg", "groups/retinaface_crowd_test.jpg", "hard/large_deepface_img26.jpg",
            "hard/lowres_obama-240p.jpg", "refs/biden/biden.jpg"})
    void landmarksLieInsideTheirBox(String path) {
        Mat image = SharedModels.image(path);
        for (Face face : SharedModels.detector().detect(image)) {
            float marginX = 0.1f * face.width(), marginY = 0.1f * face.height();
            float[] l = face.landmarks();
            for (int k = 0; k < 5; k++) {
                assertThat(l[2 * k]).as(path).isBetween(face.x() - marginX, face.x() + face.width() + marginX);
                assertThat(l[2 * k + 1]).as(path).isBetween(face.y() - marginY, face.y() + face.height() + marginY);
            }
            // Boxes lie in the image, not in the padding of the letterbox.
            assertThat(face.x() + face.width() / 2).isBetween(0f, (float) image.cols());
            assertThat(face.y() + face.height() / 2).isBetween(0f, (float) image.rows());
        }
    }

    @Test
    void exifRotatedPhotoGivesAnUprightFace() {
        Face face = detect("hard/exif_orientation6_derived_obama.jpg").get(0);
        float[] l = face.landmarks();
        float eyesY = (l[1] + l[3]) / 2, mouthY = (l[7] + l[9]) / 2;
        assertThat(eyesY).isLessThan(l[5]);
        assertThat(l[5]).isLessThan(mouthY);
        // Image-left eye first, image-left mouth corner first.
        assertThat(l[0]).isLessThan(l[2]);
        assertThat(l[6]).isLessThan(l[8]);
    }

    /** Enrolment photos show one person; biden2.jpg's painted background scores 0.63–0.70, below the default threshold. */
    @Test
    void everyEnrolmentPhotoHasExactlyOneFace() throws Exception {
        List<String> lines = Files.readAllLines(TestData.dir().resolve("refs/identities.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String path = "refs/" + line.split(",")[0];
            assertThat(detect(path)).as(path).hasSize(1);
        }
    }

    @Test
    void refusesAnInputSizeTheFixedModelCannotTake() {
        assertThatThrownBy(() -> YuNetDetector.create(ModelStore.fromEnvironment(), new DetectorSettings(0.8f, 0.3f, 320)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("320");
        assertThatThrownBy(() -> new DetectorSettings(0.8f, 0.3f, 600)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        DetectorChecks.assertSafeToShare(SharedModels.detector());
    }
}
