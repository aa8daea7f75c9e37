package io.facestream.embedder;

import java.time.Duration;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;

import io.facestream.face.FaceEmbedder;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.models.ModelStore;
import io.facestream.schemas.PipelineStreams;
import io.facestream.schemas.TopicBootstrap;

/** The embedder as a running service. */
public final class EmbedderService implements AutoCloseable {

    private final FaceEmbedder embedder;
    private final KafkaStreams streams;

    private EmbedderService(EmbedderConfig config, ModelStore models) {
        embedder = OnnxFaceEmbedder.create(Recognizer.byModelName(config.recognizer()), models, config.flip());
        TopicBootstrap.ensureTopics(config.bootstrapServers());
        streams = PipelineStreams.start(EmbedderTopology.build(new FrameEmbedder(embedder)),
                PipelineStreams.properties(config.applicationId(), config.bootstrapServers(), config.streamThreads()), Duration.ofSeconds(60));
    }

    public static EmbedderService start(EmbedderConfig config, ModelStore models) {
        return new EmbedderService(config, models);
    }

    @Override
    public void close() throws Exception {
        // Kafka 4's close(Duration) keeps the member in its group: leave it, so a restart gets partitions at once.
        streams.close(CloseOptions.timeout(Duration.ofSeconds(10)).withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
        embedder.close();
    }

    public static void main(String[] args) {
        PipelineStreams.closeOnShutdown(start(EmbedderConfig.fromEnvironment(), ModelStore.fromEnvironment()));
    }
}
