package io.facestream.replay;

import java.util.function.Supplier;

import io.facestream.detector.DetectorConfig;
import io.facestream.embedder.EmbedderConfig;
import io.facestream.matcher.MatcherConfig;
import io.facestream.models.ModelStore;
import io.facestream.schemas.Settings;

/**
 * The settings a replay runs with: the same variables the services read (KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL,
 * FACESTREAM_DB_SCHEMA, REDIS_URL, FACESTREAM_REDIS_PREFIX, FACESTREAM_MODEL_PACK, ...), so a replay sees the live
 * gallery and runs the models the live pipeline runs. Models are opened only when a replay gets to its frames.
 */
public record ReplayEnvironment(String bootstrapServers, MatcherConfig matcher, DetectorConfig detector, EmbedderConfig embedder,
                                Supplier<ModelStore> models) {

    public static ReplayEnvironment fromEnvironment() {
        return fromEnvironment(Settings.kafkaBootstrapServers());
    }

    public static ReplayEnvironment fromEnvironment(String bootstrapServers) {
        return new ReplayEnvironment(bootstrapServers, MatcherConfig.fromEnvironment(), DetectorConfig.fromEnvironment(),
                EmbedderConfig.fromEnvironment(), ModelStore::fromEnvironment);
    }
}
