package io.facestream.embedder;

import io.facestream.schemas.Settings;

/** @param recognizer manifest name of the recognition model; the matcher keeps one gallery per recognizer */
public record EmbedderConfig(String bootstrapServers, String applicationId, int streamThreads, String recognizer) {

    public static EmbedderConfig fromEnvironment() {
        return new EmbedderConfig(
                Settings.kafkaBootstrapServers(),
                Settings.get("FACESTREAM_EMBEDDER_APPLICATION_ID", "facestream-embedder"),
                Settings.getInt("FACESTREAM_STREAM_THREADS", 1),
                Settings.get("FACESTREAM_RECOGNIZER", "arcface-mbf-int8"));
    }
}
