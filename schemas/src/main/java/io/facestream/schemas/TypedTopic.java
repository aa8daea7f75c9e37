package io.facestream.schemas;

import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/** A Kafka topic with everything needed to read or write it, so no service spells a topic name or picks a serde itself. */
public record TypedTopic<K, V>(String name, int partitions, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> config) {

    public NewTopic newTopic(short replicationFactor) {
        return new NewTopic(name, partitions, replicationFactor).configs(config);
    }
}
