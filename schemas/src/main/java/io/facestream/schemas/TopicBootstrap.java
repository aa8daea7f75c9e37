package io.facestream.schemas;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the pipeline's topics if they are missing, so every service can start first. */
public final class TopicBootstrap {

    private TopicBootstrap() {
    }

    public static void ensureTopics(String bootstrapServers) {
        try (Admin admin = Admin.create(KafkaClients.config(bootstrapServers, Map.of()))) {
            Set<String> existing = admin.listTopics().names().get();
            int brokers = admin.describeCluster().nodes().get().size();
            short replication = (short) Math.min(3, brokers);
            var missing = Topics.ALL.stream()
                    .filter(topic -> !existing.contains(topic.name()))
                    .map(topic -> topic.newTopic(replication))
                    .toList();
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(java.util.List.of(topic)).all().get();
                } catch (ExecutionException e) {
                    // Another service created it at the same moment.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            // The usual cause is a secured cluster reached without its client settings: a plaintext client gets no answer
            // from a SASL or TLS listener, only a timeout, so say which settings were used and where they come from.
            throw new IllegalStateException("cannot create Kafka topics at " + bootstrapServers + ": " + e.getCause().getMessage()
                    + "; Kafka client settings in use: " + KafkaClients.describe() + ". A secured cluster needs its client settings"
                    + " in a file named by " + KafkaClients.PROPERTIES_FILE + " or in FACESTREAM_KAFKA_* variables (README, \"Secured Kafka clusters\")", e);
        }
    }
}
