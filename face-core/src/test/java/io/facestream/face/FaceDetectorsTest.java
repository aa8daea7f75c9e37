package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.facestream.models.ModelStore;

class FaceDetectorsTest {

    @Test
    void createsEveryNamedDetectorWithTheSettingsAsked() throws Exception {
        for (String name : FaceDetectors.NAMES) {
            DetectorSettings settings = FaceDetectors.defaultSettings(name).withScoreThreshold(0.42f);
            try (FaceDetector detector = FaceDetectors.create(name, ModelStore.fromEnvironment(), settings)) {
                assertThat(detector.name()).isEqualTo(name);
                assertThat(detector.detect(SharedModels.image("refs/obama/obama.jpg"))).as(name).hasSize(1);
            }
        }
    }

    /** SCRFD never scores a face above 0.92, so a threshold of 0.95 must leave nothing: the settings reach the detector. */
    @Test
    void passesTheSettingsOn() throws Exception {
        try (FaceDetector detector = FaceDetectors.create("scrfd-500m", ModelStore.fromEnvironment(), DetectorSettings.scrfd500m().withScoreThreshold(0.95f))) {
            assertThat(detector.detect(SharedModels.image("refs/obama/obama.jpg"))).isEmpty();
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
