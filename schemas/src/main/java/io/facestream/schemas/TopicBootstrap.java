package io.facestream.schemas;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics if they are missing, so every service can start first. On a managed cluster where
 * services may not create topics ({@code FACESTREAM_CREATE_TOPICS=false}) it only checks that they exist, and stops the
 * service naming each missing topic with the partitions and settings it needs.
 */
public final class TopicBootstrap {

    private static final Logger log = LoggerFactory.getLogger(TopicBootstrap.class);

    /** Read once: whether services create missing topics (default) or only check them. */
    public static final boolean CREATE_TOPICS = Boolean.parseBoolean(Settings.get("FACESTREAM_CREATE_TOPICS", "true"));

    private TopicBootstrap() {
    }

    public static void ensureTopics(String bootstrapServers) {
        ensureTopics(bootstrapServers, CREATE_TOPICS);
    }

    static void ensureTopics(String bootstrapServers, boolean create) {
        try (Admin admin = Admin.create(KafkaClients.config(bootstrapServers, Map.of()))) {
            Set<String> existing = admin.listTopics().names().get();
            List<TypedTopic<?, ?>> missing = Topics.ALL.stream().filter(topic -> !existing.contains(topic.name())).toList();
            if (!create) {
                if (!missing.isEmpty()) {
                    throw new IllegalStateException("FACESTREAM_CREATE_TOPICS=false and these topics do not exist at " + bootstrapServers
                            + "; create them (replication as your cluster requires): " + String.join("; ", missing.stream().map(TopicBootstrap::describe).toList()));
                }
            } else {
                int brokers = admin.describeCluster().nodes().get().size();
                short replication = (short) Math.min(3, brokers);
                for (TypedTopic<?, ?> topic : missing) {
                    NewTopic newTopic = topic.newTopic(replication);
                    try {
                        admin.createTopics(List.of(newTopic)).all().get();
                    } catch (ExecutionException e) {
                        // Another service created it at the same moment.
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
            }
            warnAboutPartitions(admin, existing);
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

    /**
     * A topic made earlier with another partition count keeps it: Kafka can add partitions but not remove them, and adding
     * them moves keys to other partitions, which breaks the per-source order in flight. So it is said, not changed.
     */
    private static void warnAboutPartitions(Admin admin, Set<String> existedBefore) throws InterruptedException, ExecutionException {
        List<String> names = Topics.ALL.stream().map(TypedTopic::name).filter(existedBefore::contains).toList();
        if (names.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        for (TypedTopic<?, ?> topic : Topics.ALL) {
            TopicDescription description = described.get(topic.name());
            if (description != null && description.partitions().size() != topic.partitions()) {
                log.warn("topic {} has {} partitions, not the {} configured (FACESTREAM_TOPIC_PARTITIONS): it keeps them; at most {} instances"
                        + " of the stage reading it share its work", topic.name(), description.partitions().size(), topic.partitions(),
                        description.partitions().size());
            }
        }
    }

    static String describe(TypedTopic<?, ?> topic) {
        return topic.name() + " (" + topic.partitions() + " partitions" + (topic.config().isEmpty() ? "" : ", " + new java.util.TreeMap<>(topic.config())) + ")";
    }
}
