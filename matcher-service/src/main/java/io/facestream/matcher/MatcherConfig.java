package io.facestream.matcher;

import java.util.Map;

import io.facestream.matcher.gallery.Gallery;
import io.facestream.schemas.Settings;

/**
 * Everything the matcher reads from its environment.
 *
 * @param thresholds cosine similarity at or above which a face is a known person, per recognizer;
 *                   FACESTREAM_MATCH_THRESHOLD overrides all.
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
        Map<String, Float> thresholds) {

    /**
     * From docs/quality.md: the similarity that 1 in 10,000 impostor pairs reaches (1.9 million pairs of
     * different people's photos), each measured with the detector of the pack that uses the recognizer
     * (arcface with scrfd-500m, dlib with yunet; mobilefacenet, in no pack, with yunet). The 1-in-1,000
     * point accepts barely more genuine pairs but, summed over a 760-person gallery, let about half of
     * all strangers through instead of 8 %.
     */
    public static final Map<String, Float> CALIBRATED_THRESHOLDS = Map.of(
            "arcface-mbf-int8", 0.289f,
            "arcface-mbf-int8+flip", 0.292f,
            "mobilefacenet-128", 0.410f,
            "mobilefacenet-128+flip", 0.413f,
            "dlib-resnet-128", 0.941f,
            "dlib-resnet-128+flip", 0.944f);

    /**
     * From docs/quality.md, "Enrolment": with several photos per person, dlib's ResNet accepted clearly more
     * probes against the mean of a person's faces than against the closest one (82 % against 76 % at its
     * threshold, with YuNet); for the other recognizers the two were within a probe or two, and the closest
     * face stays.
     */
    public Gallery.Matching matching(String model) {
        return model.startsWith("dlib-resnet-128") ? Gallery.Matching.MEAN_TEMPLATE : Gallery.Matching.BEST_OF;
    }

    public static MatcherConfig fromEnvironment() {
        String override = Settings.get("FACESTREAM_MATCH_THRESHOLD", null);
        Map<String, Float> thresholds = CALIBRATED_THRESHOLDS;
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
                thresholds);
    }

    public float threshold(String model) {
        Float value = thresholds.get(model);
        if (value == null) {
            throw new IllegalArgumentException("no calibrated threshold for model " + model);
        }
        return value;
    }

    public MatcherConfig withRecentFaceSeconds(int seconds) {
        return new MatcherConfig(bootstrapServers, applicationId, streamThreads, databaseUrl, databaseUser, databasePassword,
                databaseSchema, redisUrl, redisPrefix, seconds, thresholds);
    }
}
