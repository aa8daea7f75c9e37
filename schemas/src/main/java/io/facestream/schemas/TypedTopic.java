package io.facestream.schemas;

import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with everything needed to read or write it, so no service spells a topic name or picks a serde itself.
 *
 * <p>Every name gets the operator's prefix ({@code FACESTREAM_TOPIC_PREFIX}, read once, default none): a managed cluster
 * shared by several teams or environments usually grants rights by topic-name prefix ({@code team-a.}), and two stacks
 * on one cluster stay apart. Applied here, so a topic added to {@link Topics} gets it without further code.
 */
public record TypedTopic<K, V>(String name, int partitions, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> config) {

    /** The prefix every facestream topic name starts with; empty unless set. */
    public static final String PREFIX = Settings.get("FACESTREAM_TOPIC_PREFIX", "");

    public TypedTopic {
        name = PREFIX + name;
    }

    public NewTopic newTopic(short replicationFactor) {
        return new NewTopic(name, partitions, replicationFactor).configs(config);
    }
}
