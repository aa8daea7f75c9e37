package io.facestream.detector;

import io.facestream.face.DetectorSettings;
import io.facestream.schemas.Settings;

/**
 * @param detector       manifest name of the detection model
 * @param scoreThreshold minimum detector score; the default is explained in {@link DetectorSettings}
 */
public record DetectorConfig(String bootstrapServers, String applicationId, int streamThreads, String detector, float scoreThreshold) {

    public static DetectorConfig fromEnvironment() {
        return new DetectorConfig(
                Settings.kafkaBootstrapServers(),
                Settings.get("FACESTREAM_DETECTOR_APPLICATION_ID", "facestream-detector"),
                Settings.getInt("FACESTREAM_STREAM_THREADS", 1),
                Settings.get("FACESTREAM_DETECTOR", "yunet"),
                Settings.getFloat("FACESTREAM_DETECTION_SCORE_THRESHOLD", DetectorSettings.defaults().scoreThreshold()));
    }
}
