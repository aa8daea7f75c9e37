package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencv.core.Mat;

import io.facestream.models.ModelStore;

class ScrfdDetectorTest {

    static Stream<Arguments> singleFacePhotos() {
        return Stream.of("scrfd-500m", "scrfd-2.5g").flatMap(m -> DetectorChecks.SINGLE_FACE.stream().map(p -> Arguments.of(m, p)));
    }

    static Stream<Arguments> lfwPhotos() throws Exception {
        List<String> photos = DetectorChecks.someLfwPhotos();
        return Stream.of("scrfd-500m", "scrfd-2.5g").flatMap(m -> photos.stream().map(p -> Arguments.of(m, p)));
    }

    @ParameterizedTest
    @MethodSource("singleFacePhotos")
    void findsOneFaceWithLandmarksInOrder(String model, String path) {
        DetectorChecks.assertOneFace(model, path);
    }

    /** Counts from groups/groups.csv (min, max) and hard/hard.csv. */
    @ParameterizedTest
    @CsvSource({
            "scrfd-500m, groups/fr_two_people.jpg, 2, 2",
            "scrfd-500m, groups/fr_obama_and_biden.jpg, 2, 3",
            "scrfd-500m, groups/fr_kit_with_rose.jpg, 2, 2",
            "scrfd-500m, groups/fp_multiface.jpg, 6, 6",
            "scrfd-500m, groups/pa_many_face.png, 6, 6",
            "scrfd-500m, groups/retinaface_crowd_test.jpg, 20, 35",
            "scrfd-500m, hard/noface_pilatus800.jpg, 0, 0",
            "scrfd-2.5g, groups/fr_two_people.jpg, 2, 2",
            "scrfd-2.5g, groups/fr_obama_and_biden.jpg, 2, 3",
            "scrfd-2.5g, groups/fr_kit_with_rose.jpg, 2, 2",
            "scrfd-2.5g, groups/fp_multiface.jpg, 6, 6",
            "scrfd-2.5g, groups/pa_many_face.png, 6, 6",
            "scrfd-2.5g, groups/retinaface_crowd_test.jpg, 20, 35",
            "scrfd-2.5g, hard/noface_pilatus800.jpg, 0, 0"})
    void findsTheLabelledNumberOfFaces(String model, String path, int min, int max) {
        DetectorChecks.assertFaceCount(model, path, min, max);
    }

    @ParameterizedTest
    @MethodSource("lfwPhotos")
    void agreesWithYuNetOnLfw(String model, String path) {
        DetectorChecks.assertAgreesWithYuNet(model, path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scrfd-500m", "scrfd-2.5g"})
    void landmarksOfEveryFaceInAGroupAreInOrder(String model) {
        List<Face> faces = DetectorChecks.detect(model, "groups/fp_multiface.jpg");
        assertThat(faces).hasSize(6);
        for (Face face : faces) {
            DetectorChecks.assertPlausibleLandmarks(face, model);
        }
    }

    /** The SCRFD exports take any input size; outputs are told apart by shape, so a smaller input decodes as well. */
    @ParameterizedTest
    @ValueSource(strings = {"scrfd-500m", "scrfd-2.5g"})
    void runsAtOtherInputSizes(String model) throws Exception {
        Mat image = SharedModels.image("groups/fr_two_people.jpg");
        List<Face> at640 = SharedModels.detector(model).detect(image);
        try (FaceDetector small = Detector.named(model).create(TestModels.store(model), Detector.named(model).defaultSettings().withInputSize(320))) {
            List<Face> at320 = small.detect(image);
            assertThat(at320).hasSize(2);
            for (Face face : at320) {
                assertThat(at640.stream().mapToDouble(f -> Detections.iou(f, face)).max().orElse(0)).isGreaterThan(0.7);
            }
        }
    }

    @Test
    void refusesAModelThatIsNotScrfd() {
        assertThatThrownBy(() -> ScrfdDetector.create("yunet", ModelStore.fromEnvironment(), Detector.SCRFD_500M.defaultSettings()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not an SCRFD model");
    }

}
