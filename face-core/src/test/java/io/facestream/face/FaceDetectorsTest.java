package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.facestream.models.ModelStore;

class FaceDetectorsTest {

    static List<String> names() {
        return FaceDetectors.NAMES;
    }

    /** Each detector whose model is here (a fresh clone has only YuNet; the others skip), on a committed photo. */
    @ParameterizedTest
    @MethodSource("names")
    void createsEveryNamedDetectorWithTheSettingsAsked(String name) throws Exception {
        DetectorSettings settings = FaceDetectors.defaultSettings(name).withScoreThreshold(0.42f);
        try (FaceDetector detector = FaceDetectors.create(name, TestModels.store(name), settings)) {
            assertThat(detector.name()).isEqualTo(name);
            assertThat(detector.detect(Images.decode(TestPhotos.bytes(TestPhotos.A1)))).as(name).hasSize(1);
        }
    }

    /** SCRFD never scores a face above 0.92, so a threshold of 0.95 must leave nothing: the settings reach the detector. */
    @Test
    void passesTheSettingsOn() throws Exception {
        try (FaceDetector detector = FaceDetectors.create("scrfd-500m", TestModels.store("scrfd-500m"), DetectorSettings.scrfd500m().withScoreThreshold(0.95f))) {
            assertThat(detector.detect(Images.decode(TestPhotos.bytes(TestPhotos.A1)))).isEmpty();
        }
    }

    @Test
    void eachDetectorHasItsOwnDefaults() {
        assertThat(FaceDetectors.defaultSettings("yunet")).isEqualTo(DetectorSettings.defaults());
        assertThat(FaceDetectors.defaultSettings("scrfd-500m").scoreThreshold()).isEqualTo(0.27f);
        assertThat(FaceDetectors.defaultSettings("retinaface-mnet025").scoreThreshold()).isEqualTo(0.9f);
        assertThatThrownBy(() -> FaceDetectors.create("mtcnn", ModelStore.fromEnvironment()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yunet");
    }
}
