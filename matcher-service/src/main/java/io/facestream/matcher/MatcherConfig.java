package io.facestream.matcher;

import java.util.Map;

import io.facestream.face.EmbeddingModel;
import io.facestream.face.Recognizer;
import io.facestream.matcher.gallery.Gallery;
import io.facestream.matcher.tracking.TrackerSettings;
import io.facestream.schemas.Settings;

/**
 * Everything the matcher reads from its environment.
 *
 * @param thresholds cosine similarity at or above which a face is a known person, per recognizer;
 *                   FACESTREAM_MATCH_THRESHOLD overrides all.
 * @param tracking   how camera and WebSocket faces are linked into tracks and named (FACESTREAM_TRACK_*)
 * @param stateDir   where Kafka Streams keeps the track store (FACESTREAM_STATE_DIR; null: under java.io.tmpdir); the
 *                   store is rebuilt from its changelog topic when the folder is lost
 */
public record MatcherConfig(
        String bootstrapServers,
        String applicationId,
        int streamThreads,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        String databaseSchema,
        String redisUrl,
        String redisPrefix,
        int recentFaceSeconds,
        Map<EmbeddingModel, Float> thresholds,
        TrackerSettings tracking,
        String stateDir) {

    /** With the default tracker settings and state folder. */
    public MatcherConfig(String bootstrapServers, String applicationId, int streamThreads, String databaseUrl, String databaseUser,
                         String databasePassword, String databaseSchema, String redisUrl, String redisPrefix, int recentFaceSeconds,
                         Map<EmbeddingModel, Float> thresholds) {
        this(bootstrapServers, applicationId, streamThreads, databaseUrl, databaseUser, databasePassword, databaseSchema, redisUrl,
                redisPrefix, recentFaceSeconds, thresholds, TrackerSettings.defaults(), null);
    }

    /**
     * From docs/quality.md: the similarity that 1 in 10,000 impostor pairs reaches (1.9 million pairs of
     * different people's photos), each measured with the detector of the pack that uses the recognizer
     * (arcface with scrfd-500m, dlib with yunet; mobilefacenet, in no pack, with yunet). The 1-in-1,000
     * point accepts barely more genuine pairs but, summed over a 760-person gallery, let about half of
     * all strangers through instead of 8 %.
     */
    public static final Map<EmbeddingModel, Float> CALIBRATED_THRESHOLDS = Map.of(
            new EmbeddingModel(Recognizer.ARCFACE_MBF_INT8, false), 0.289f,
            new EmbeddingModel(Recognizer.ARCFACE_MBF_INT8, true), 0.292f,
            new EmbeddingModel(Recognizer.MOBILEFACENET_128, false), 0.410f,
            new EmbeddingModel(Recognizer.MOBILEFACENET_128, true), 0.413f,
            new EmbeddingModel(Recognizer.DLIB_RESNET_128, false), 0.941f,
            new EmbeddingModel(Recognizer.DLIB_RESNET_128, true), 0.944f);

    /**
     * From docs/quality.md, "Enrolment": with several photos per person, dlib's ResNet accepted clearly more
     * probes against the mean of a person's faces than against the closest one (82 % against 76 % at its
     * threshold, with YuNet); for the other recognizers the two were within a probe or two, and the closest
     * face stays.
     */
    public Gallery.Matching matching(EmbeddingModel model) {
        return model.recognizer() == Recognizer.DLIB_RESNET_128 ? Gallery.Matching.MEAN_TEMPLATE : Gallery.Matching.BEST_OF;
    }

    public static MatcherConfig fromEnvironment() {
        String override = Settings.get("FACESTREAM_MATCH_THRESHOLD", null);
        Map<EmbeddingModel, Float> thresholds = CALIBRATED_THRESHOLDS;
        if (override != null) {
            float value = Float.parseFloat(override);
            thresholds = CALIBRATED_THRESHOLDS.keySet().stream().collect(java.util.stream.Collectors.toMap(model -> model, model -> value));
        }
        return new MatcherConfig(
                Settings.kafkaBootstrapServers(),
                Settings.get("FACESTREAM_MATCHER_APPLICATION_ID", "facestream-matcher"),
                Settings.getInt("FACESTREAM_STREAM_THREADS", 1),
                Settings.get("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                Settings.get("DATABASE_USER", "postgres"),
                Settings.get("DATABASE_PASSWORD", ""),
                Settings.get("FACESTREAM_DB_SCHEMA", "facestream"),
                Settings.get("REDIS_URL", "redis://127.0.0.1:6379"),
                Settings.get("FACESTREAM_REDIS_PREFIX", "facestream:"),
                Settings.getInt("FACESTREAM_RECENT_FACE_SECONDS", 60),
                thresholds,
                TrackerSettings.fromEnvironment(),
                Settings.get("FACESTREAM_STATE_DIR", null));
    }

    /** @param model the model name a vector travels with ({@link EmbeddingModel#name()}) */
    public float threshold(String model) {
        Float value = thresholds.get(EmbeddingModel.parse(model));
        if (value == null) {
            throw new IllegalArgumentException("no calibrated threshold for model " + model);
        }
        return value;
    }
}
