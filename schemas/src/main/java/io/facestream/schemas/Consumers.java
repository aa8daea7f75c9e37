package io.facestream.schemas;

import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** For readers that must see everything a topic gets from now on: a broadcast, not a share of a consumer group's work. */
public final class Consumers {

    private Consumers() {
    }

    /** Assigns every partition and pins its current end, so all records written after this call are read. */
    public static void assignAllFromEnd(Consumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy; asking for the position resolves it now.
        partitions.forEach(consumer::position);
    }
}
