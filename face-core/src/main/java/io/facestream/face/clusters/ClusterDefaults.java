package io.facestream.face.clusters;

import java.util.Map;

import io.facestream.face.EmbeddingModel;
import io.facestream.face.Recognizer;

/** The default {@link ClusterSettings} per recognizer (docs/clustering.md). */
final class ClusterDefaults {

    private ClusterDefaults() {
    }

    // PROVISIONAL: the matcher's calibrated thresholds (FAR 1e-4), until docs/clustering.md measures better ones.
    private static final Map<EmbeddingModel, ClusterSettings> DEFAULTS = Map.of(
            new EmbeddingModel(Recognizer.ARCFACE_MBF_INT8, false), new ClusterSettings(0.289f, 3),
            new EmbeddingModel(Recognizer.ARCFACE_MBF_INT8, true), new ClusterSettings(0.292f, 3),
            new EmbeddingModel(Recognizer.MOBILEFACENET_128, false), new ClusterSettings(0.410f, 3),
            new EmbeddingModel(Recognizer.MOBILEFACENET_128, true), new ClusterSettings(0.413f, 3),
            new EmbeddingModel(Recognizer.DLIB_RESNET_128, false), new ClusterSettings(0.941f, 3),
            new EmbeddingModel(Recognizer.DLIB_RESNET_128, true), new ClusterSettings(0.944f, 3));

    static ClusterSettings of(EmbeddingModel model) {
        ClusterSettings settings = DEFAULTS.get(model);
        if (settings == null) {
            throw new IllegalArgumentException("no clustering defaults for model " + model);
        }
        return settings;
    }
}
