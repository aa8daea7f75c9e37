package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;


class RetinaFaceDetectorTest {

    private static final String NAME = "retinaface-mnet025";

    static Stream<String> singleFacePhotos() {
        return DetectorChecks.SINGLE_FACE.stream();
    }

    static List<String> lfwPhotos() throws Exception {
        return DetectorChecks.someLfwPhotos();
    }

    @ParameterizedTest
    @MethodSource("singleFacePhotos")
    void findsOneFaceWithLandmarksInOrder(String path) {
        DetectorChecks.assertOneFace(NAME, path);
    }

    /** Counts from groups/groups.csv (min, max) and hard/hard.csv. */
    @ParameterizedTest
    @CsvSource({
            "groups/fr_two_people.jpg, 2, 2",
            "groups/fr_obama_and_biden.jpg, 2, 3",
            "groups/fr_kit_with_rose.jpg, 2, 2",
            "groups/fp_multiface.jpg, 6, 6",
            "groups/pa_many_face.png, 6, 6",
            "groups/retinaface_crowd_test.jpg, 20, 35",
            "hard/noface_pilatus800.jpg, 0, 0"})
    void findsTheLabelledNumberOfFaces(String path, int min, int max) {
        DetectorChecks.assertFaceCount(NAME, path, min, max);
    }

    @ParameterizedTest
    @MethodSource("lfwPhotos")
    void agreesWithYuNetOnLfw(String path) {
        DetectorChecks.assertAgreesWithYuNet(NAME, path);
    }

    @Test
    void landmarksOfEveryFaceInAGroupAreInOrder() {
        List<Face> faces = DetectorChecks.detect(NAME, "groups/fp_multiface.jpg");
        assertThat(faces).hasSize(6);
        for (Face face : faces) {
            DetectorChecks.assertPlausibleLandmarks(face, NAME);
        }
    }

    /** biubug6's PriorBox at 640: 80², 40², 20² cells with two sizes each, centred in their cells. */
    @Test
    void priorsFollowTheExport() {
        float[] priors = RetinaFaceDetector.priors(640);
        assertThat(priors.length / 4).isEqualTo(16800);
        assertThat(priors).startsWith(4f, 4f, 16f, 16f, 4f, 4f, 32f, 32f, 12f, 4f, 16f, 16f);
        int firstOfStride16 = 2 * 80 * 80;
        assertThat(priors[4 * firstOfStride16]).isEqualTo(8f);
        assertThat(priors[4 * firstOfStride16 + 2]).isEqualTo(64f);
        int last = priors.length / 4 - 1;
        assertThat(priors[4 * last]).isEqualTo(624f);
        assertThat(priors[4 * last + 1]).isEqualTo(624f);
        assertThat(priors[4 * last + 2]).isEqualTo(512f);
    }

    @Test
    void refusesAnInputSizeTheFixedModelCannotTake() {
        var models = TestModels.store(NAME);
        assertThatThrownBy(() -> RetinaFaceDetector.create(models, Detector.RETINAFACE_MNET025.defaultSettings().withInputSize(320)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("320");
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        DetectorChecks.assertSafeToShare(SharedModels.detector(NAME));
    }
}
