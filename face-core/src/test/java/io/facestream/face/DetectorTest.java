package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.facestream.models.ModelManifest;

class DetectorTest {

    /** Each detector whose model is here (a fresh clone has only YuNet; the others skip), on a committed photo. */
    @ParameterizedTest
    @EnumSource(Detector.class)
    void createsEveryNamedDetectorWithTheSettingsAsked(Detector known) throws Exception {
        String name = known.modelName();
        DetectorSettings settings = known.defaultSettings().withScoreThreshold(0.42f);
        try (FaceDetector detector = known.create(TestModels.store(name), settings)) {
            assertThat(detector.name()).isEqualTo(name);
            assertThat(detector.detect(Images.decode(TestPhotos.bytes(TestPhotos.A1)))).as(name).hasSize(1);
        }
    }

    /** SCRFD never scores a face above 0.92, so a threshold of 0.95 must leave nothing: the settings reach the detector. */
    @Test
    void passesTheSettingsOn() throws Exception {
        try (FaceDetector detector = Detector.SCRFD_500M.create(TestModels.store("scrfd-500m"), Detector.SCRFD_500M.defaultSettings().withScoreThreshold(0.95f))) {
            assertThat(detector.detect(Images.decode(TestPhotos.bytes(TestPhotos.A1)))).isEmpty();
        }
    }

    @Test
    void eachDetectorHasItsOwnDefaults() {
        assertThat(Detector.named("yunet").defaultSettings()).isEqualTo(new DetectorSettings(0.8f, 0.3f, 640));
        assertThat(Detector.named("scrfd-500m").defaultSettings().scoreThreshold()).isEqualTo(0.27f);
        assertThat(Detector.named("retinaface-mnet025").defaultSettings().scoreThreshold()).isEqualTo(0.9f);
        assertThatThrownBy(() -> Detector.named("mtcnn"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yunet");
    }

    @Test
    void eachDetectorHasItsManifestEntryAndEnrolmentScoreLimit() {
        ModelManifest manifest = ModelManifest.load();
        for (Detector detector : Detector.values()) {
            assertThat(detector.model(manifest).role()).as(detector.modelName()).isEqualTo("detector");
            assertThat(detector.model(manifest).licence()).as(detector.modelName()).isNotBlank();
        }
        assertThat(Detector.YUNET.enrolmentRules()).isEqualTo(FaceQuality.Rules.defaults());
        assertThat(Detector.SCRFD_500M.enrolmentRules().minScore()).isEqualTo(0.6f);
        assertThat(Detector.RETINAFACE_MNET025.enrolmentRules().minScore()).isEqualTo(0.95f);
    }
}
