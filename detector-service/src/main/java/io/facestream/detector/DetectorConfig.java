package io.facestream.detector;

import io.facestream.face.Detector;
import io.facestream.face.ModelPack;
import io.facestream.schemas.Settings;

/**
 * @param detector       the detection model
 * @param scoreThreshold minimum detector score; each detector's default is explained in {@link Detector}
 */
public record DetectorConfig(String bootstrapServers, String applicationId, int streamThreads, Detector detector, float scoreThreshold) {

    public static DetectorConfig fromEnvironment() {
        String named = Settings.get("FACESTREAM_DETECTOR", null);
        Detector detector = named != null ? Detector.named(named) : ModelPack.named(Settings.get("FACESTREAM_MODEL_PACK", null)).detector();
        return new DetectorConfig(
                Settings.kafkaBootstrapServers(),
                Settings.get("FACESTREAM_DETECTOR_APPLICATION_ID", "facestream-detector"),
                Settings.getInt("FACESTREAM_STREAM_THREADS", 1),
                detector,
                // Scores are on each detector's own scale, so its own default applies unless set.
                Settings.getFloat("FACESTREAM_DETECTION_SCORE_THRESHOLD", detector.defaultSettings().scoreThreshold()));
    }
}
