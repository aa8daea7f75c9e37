package io.facestream.detector;

import java.time.Duration;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;

import io.facestream.face.FaceDetector;
import io.facestream.face.Detector;
import io.facestream.models.ModelStore;
import io.facestream.schemas.PipelineStreams;
import io.facestream.schemas.TopicBootstrap;

/** The detector as a running service. */
public final class DetectorService implements AutoCloseable {

    private final FaceDetector detector;
    private final KafkaStreams streams;

    private DetectorService(DetectorConfig config, ModelStore models) {
        Detector chosen = config.detector();
        detector = chosen.create(models, chosen.defaultSettings().withScoreThreshold(config.scoreThreshold()));
        TopicBootstrap.ensureTopics(config.bootstrapServers());
        streams = PipelineStreams.start(DetectorTopology.build(new FrameDetector(detector, chosen.enrolmentRules(), config.alignFor())),
                PipelineStreams.properties(config.applicationId(), config.bootstrapServers(), config.streamThreads()), Duration.ofSeconds(60));
    }

    public static DetectorService start(DetectorConfig config, ModelStore models) {
        return new DetectorService(config, models);
    }

    @Override
    public void close() throws Exception {
        // Kafka 4's close(Duration) keeps the member in its group: leave it, so a restart gets partitions at once.
        streams.close(CloseOptions.timeout(Duration.ofSeconds(10)).withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
        detector.close();
    }

    public static void main(String[] args) {
        PipelineStreams.closeOnShutdown(start(DetectorConfig.fromEnvironment(), ModelStore.fromEnvironment()));
    }
}
