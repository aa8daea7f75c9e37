package io.facestream.detector;

import io.facestream.face.Detector;
import io.facestream.face.ModelPack;
import io.facestream.face.Recognizer;
import io.facestream.schemas.PipelineStreams;
import io.facestream.schemas.Settings;

/**
 * @param detector       the detection model
 * @param scoreThreshold minimum detector score; each detector's default is explained in {@link Detector}
 * @param alignFor       the recognizer the embedders run, read as the embedder reads it (FACESTREAM_MODEL_PACK,
 *                       FACESTREAM_RECOGNIZER): each face is sent aligned to its template, so the embedder needs no image
 */
public record DetectorConfig(String bootstrapServers, String applicationId, int streamThreads, Detector detector, float scoreThreshold,
                             Recognizer alignFor) {

    public static DetectorConfig fromEnvironment() {
        ModelPack pack = ModelPack.named(Settings.get("FACESTREAM_MODEL_PACK", null));
        String named = Settings.get("FACESTREAM_DETECTOR", null);
        Detector detector = named != null ? Detector.named(named) : pack.detector();
        return new DetectorConfig(
                Settings.kafkaBootstrapServers(),
                Settings.get("FACESTREAM_DETECTOR_APPLICATION_ID", "facestream-detector"),
                PipelineStreams.streamThreads(),
                detector,
                // Scores are on each detector's own scale, so its own default applies unless set.
                Settings.getFloat("FACESTREAM_DETECTION_SCORE_THRESHOLD", detector.defaultSettings().scoreThreshold()),
                pack.recognizer(Settings.get("FACESTREAM_RECOGNIZER", null)));
    }
}
