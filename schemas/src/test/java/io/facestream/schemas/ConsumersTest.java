package io.facestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ConsumersTest {

    /** A broker whose metadata for the topic shows up only on the given call, as on a freshly started broker. */
    static final class LateMetadata extends MockConsumer<String, String> {
        final AtomicInteger asked = new AtomicInteger();
        final int readyOnCall;

        @SuppressWarnings("deprecation")
        LateMetadata(int readyOnCall) {
            super(OffsetResetStrategy.LATEST);
            this.readyOnCall = readyOnCall;
        }

        @Override
        public synchronized List<PartitionInfo> partitionsFor(String topic) {
            if (asked.incrementAndGet() < readyOnCall) {
                return List.of();
            }
            return List.of(new PartitionInfo(topic, 0, null, null, null), new PartitionInfo(topic, 1, null, null, null));
        }
    }

    @Test
    void waitsForTheTopicsMetadataInsteadOfAssigningNothing() {
        LateMetadata consumer = new LateMetadata(4);
        consumer.updateEndOffsets(Map.of(new TopicPartition("t", 0), 7L, new TopicPartition("t", 1), 3L));

        Consumers.assignAllFromEnd(consumer, "t");

        assertThat(consumer.asked.get()).isEqualTo(4);
        assertThat(consumer.assignment()).containsExactlyInAnyOrder(new TopicPartition("t", 0), new TopicPartition("t", 1));
        assertThat(consumer.position(new TopicPartition("t", 0))).isEqualTo(7L);
        assertThat(consumer.position(new TopicPartition("t", 1))).isEqualTo(3L);
    }

    @Test
    void aTopicThatNeverAppearsFailsWithItsName() {
        LateMetadata consumer = new LateMetadata(Integer.MAX_VALUE);

        assertThatThrownBy(() -> Consumers.partitions(consumer, "missing-topic", Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing-topic");
    }
}
