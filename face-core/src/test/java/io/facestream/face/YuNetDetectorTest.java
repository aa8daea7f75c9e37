package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

import io.facestream.models.ModelStore;

class YuNetDetectorTest {

    static YuNetDetector detector;

    @BeforeAll
    static void load() {
        detector = YuNetDetector.create(ModelStore.fromEnvironment(), DetectorSettings.defaults());
    }

    @AfterAll
    static void close() throws Exception {
        detector.close();
    }

    static List<Face> detect(String path) throws Exception {
        Mat image = Images.decode(Files.readAllBytes(TestData.dir().resolve(path)));
        return detector.detect(image);
    }

    /** Expected counts from groups/groups.csv and hard/hard.csv. */
    @ParameterizedTest
    @CsvSource({
            "groups/fr_two_people.jpg, 2, 2",
            "groups/fr_obama_and_biden.jpg, 2, 3",
            "groups/fr_kit_with_rose.jpg, 2, 2",
            "groups/fp_multiface.jpg, 6, 6",
            "groups/pa_many_face.png, 6, 6",
            "groups/retinaface_crowd_test.jpg, 20, 35",
            "hard/noface_pilatus800.jpg, 0, 0",
            // A landscape painting behind him scored 0.63 and 0.70 as faces: the threshold keeps them out.
            "refs/biden/biden2.jpg, 1, 1",
            "hard/png_rgba_alpha_32bit.png, 1, 1",
            "hard/lowres_obama-240p.jpg, 1, 1",
            "hard/large_deepface_img26.jpg, 1, 1",
            "hard/grayscale_content_rgb_lfw_Beecher_Ray_Kirby_0001.jpg, 1, 1",
            "hard/cmyk_derived_obama.jpg, 1, 1",
            "hard/grayscale_1ch_derived_obama.jpg, 1, 1",
            "hard/exif_orientation6_derived_obama.jpg, 1, 1"})
    void findsTheLabelledNumberOfFaces(String path, int min, int max) throws Exception {
        assertThat(detect(path).size()).as(path).isBetween(min, max);
    }

    @Test
    void landmarksOfAnUprightFaceLieInsideItsBox() throws Exception {
        Face face = detect("hard/exif_orientation6_derived_obama.jpg").get(0);
        float[] l = face.landmarks();
        for (int k = 0; k < 5; k++) {
            assertThat(l[2 * k]).isBetween(face.x(), face.x() + face.width());
            assertThat(l[2 * k + 1]).isBetween(face.y(), face.y() + face.height());
        }
        // EXIF orientation honoured: eyes above the nose, the nose above the mouth; image-left eye first.
        assertThat(l[1]).isLessThan(l[5]);
        assertThat(l[5]).isLessThan(l[7]);
        assertThat(l[0]).isLessThan(l[2]);
    }

    @Test
    void everyEnrolmentPhotoHasAFace() throws Exception {
        for (String line : Files.readAllLines(TestData.dir().resolve("refs/identities.csv")).subList(1, 12)) {
            String path = "refs/" + line.split(",")[0];
            assertThat(detect(path)).as(path).isNotEmpty();
        }
    }
}
