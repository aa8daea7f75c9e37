package io.facestream.face.clusters;

import java.util.Map;

import io.facestream.face.EmbeddingModel;
import io.facestream.face.Recognizer;

/**
 * The default {@link ClusterSettings} per recognizer, from docs/clustering.md (CelebA's 408 photos of 105 people, alone and
 * with LFW's 1,549 photos of 1,468 people, treated as strangers).
 *
 * <p>The matcher's thresholds (MatcherConfig.CALIBRATED_THRESHOLDS, 1 impostor pair in 10,000 accepted) are too loose to
 * link faces: DBSCAN chains links, so one false link merges two strangers, and at those thresholds half the claimed pairs
 * were wrong (ArcFace 0.289: 49 % pairwise precision on CelebA, 39 % with LFW; dlib 0.944: 70 % and 18 %). Both defaults sit
 * where about 3 impostor pairs in a million link (of the 1.9 million pairs of different people in CelebA + LFW), 30 times
 * stricter than the matcher, and keep pairwise precision at 98 % or more with the 1,468 LFW distractors: ArcFace 0.40
 * (98.8 % precision, 79 % recall), dlib+flip 0.96 (98.3 %, 40 %). Three faces make a core: two
 * gained little recall and merged more clusters, four lost a fifth of the recall for no precision. Precision comes first
 * because a merged cluster, once enrolled, is two people under one name; a split one only shows the same stranger twice.
 * The variants in no pack (no flip for dlib, flip for ArcFace, MobileFaceNet) were not measured: they take their pack
 * sibling's value, and MobileFaceNet ArcFace's margin over its matcher threshold (0.410 + 0.11).
 */
final class ClusterDefaults {

    private ClusterDefaults() {
    }

    private static final Map<EmbeddingModel, ClusterSettings> DEFAULTS = Map.of(
            new EmbeddingModel(Recognizer.ARCFACE_MBF_INT8, false), new ClusterSettings(0.40f, 3),
            new EmbeddingModel(Recognizer.ARCFACE_MBF_INT8, true), new ClusterSettings(0.40f, 3),
            new EmbeddingModel(Recognizer.MOBILEFACENET_128, false), new ClusterSettings(0.52f, 3),
            new EmbeddingModel(Recognizer.MOBILEFACENET_128, true), new ClusterSettings(0.52f, 3),
            new EmbeddingModel(Recognizer.DLIB_RESNET_128, false), new ClusterSettings(0.96f, 3),
            new EmbeddingModel(Recognizer.DLIB_RESNET_128, true), new ClusterSettings(0.96f, 3));

    static ClusterSettings of(EmbeddingModel model) {
        ClusterSettings settings = DEFAULTS.get(model);
        if (settings == null) {
            throw new IllegalArgumentException("no clustering defaults for model " + model);
        }
        return settings;
    }
}
