package io.facestream.embedder;

import io.facestream.face.ModelPack;
import io.facestream.schemas.PipelineStreams;
import io.facestream.schemas.Settings;

/**
 * @param recognizer manifest name of the recognition model; the matcher keeps one gallery per recognizer
 * @param flip       average each face's vector with its mirror image's; each {@link ModelPack} sets it from
 *                   docs/quality.md (for arcface-mbf-int8 it doubled the time and did not raise accuracy)
 */
public record EmbedderConfig(String bootstrapServers, String applicationId, int streamThreads, String recognizer, boolean flip) {

    public static EmbedderConfig fromEnvironment() {
        ModelPack pack = ModelPack.named(Settings.get("FACESTREAM_MODEL_PACK", null));
        return new EmbedderConfig(
                Settings.kafkaBootstrapServers(),
                Settings.get("FACESTREAM_EMBEDDER_APPLICATION_ID", "facestream-embedder"),
                PipelineStreams.streamThreads(),
                pack.recognizer(Settings.get("FACESTREAM_RECOGNIZER", null)).modelName(),
                Boolean.parseBoolean(Settings.get("FACESTREAM_FLIP", String.valueOf(pack.flip()))));
    }
}
