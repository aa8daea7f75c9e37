package io.facestream.schemas;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** For readers that must see everything a topic gets from now on: a broadcast, not a share of a consumer group's work. */
public final class Consumers {

    /** A reader that starts beside the topic's creation (a fresh broker) waits this long for its metadata. */
    static final Duration METADATA_WAIT = Duration.ofSeconds(60);

    private Consumers() {
    }

    /**
     * Assigns every partition and pins its current end, so all records written after this call are read. A topic
     * whose metadata is not there yet (just created, or the broker still starting) is asked again until it is: an
     * empty assignment would leave the reader polling nothing for ever ("Consumer is not subscribed").
     */
    public static void assignAllFromEnd(Consumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = partitions(consumer, topic, METADATA_WAIT);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy; asking for the position resolves it now.
        partitions.forEach(consumer::position);
    }

    static List<TopicPartition> partitions(Consumer<?, ?> consumer, String topic, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = 50;
        while (true) {
            var infos = consumer.partitionsFor(topic);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " has no partitions after " + wait.toSeconds() + " s: is it created?");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
            pause = Math.min(pause * 2, 1000);
        }
    }
}
