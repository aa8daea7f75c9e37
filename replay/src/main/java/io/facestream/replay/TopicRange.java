package io.facestream.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.facestream.schemas.KafkaClients;

/**
 * The records of one topic whose timestamps fall in [from, to), found by timestamp (the admin client's {@code listOffsets}, as {@code offsetsForTimes}) and read with a
 * plain consumer that is assigned its partitions: no consumer group, nothing committed, nothing produced. Live
 * services' groups, offsets and topics cannot be touched by a replay, whatever it does.
 *
 * <p>Partitions are read one after another, each in offset order, so two replays of one range see the records in
 * the same order (a camera's frames all sit on one partition: they are keyed by camera id).
 */
public final class TopicRange {

    /** One partition's share: offsets [start, end). */
    public record Slice(TopicPartition partition, long start, long end) {
        public long size() {
            return Math.max(0, end - start);
        }
    }

    private final String bootstrapServers;
    private final String topic;
    private final Instant from;
    private final Instant to;
    private final List<Slice> slices;

    private TopicRange(String bootstrapServers, String topic, Instant from, Instant to, List<Slice> slices) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.from = from;
        this.to = to;
        this.slices = slices;
    }

    /**
     * Pins the range's offsets now: a range reaching into the future stops at what the topic holds at this moment,
     * so the replay ends by itself. Refuses ({@link ReplayException.Reason#EXPIRED}) a range that starts before the
     * oldest record retention has kept, when retention has deleted records that could have been in the range.
     */
    public static TopicRange plan(String bootstrapServers, String topic, Instant from, Instant to) {
        try (Admin admin = Admin.create(KafkaClients.config(bootstrapServers, Map.of()))) {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            List<TopicPartition> partitions = description.partitions().stream().map(info -> new TopicPartition(topic, info.partition()))
                    .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
            Map<TopicPartition, Long> beginning = offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> end = offsets(admin, partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> starts = offsets(admin, partitions, OffsetSpec.forTimestamp(from.toEpochMilli()));
            Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.forTimestamp(to.toEpochMilli()));
            // The oldest record each partition still holds, and its timestamp.
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> oldest = admin.listOffsets(spec(partitions, OffsetSpec.forTimestamp(0L)))
                    .all().get();
            checkRetained(retentionMs(admin, topic), topic, from, partitions, beginning, oldest);
            List<Slice> slices = new ArrayList<>();
            for (TopicPartition partition : partitions) {
                long last = end.get(partition);
                // -1: no record at or after that time.
                long start = starts.get(partition) < 0 ? last : starts.get(partition);
                long stop = ends.get(partition) < 0 ? last : ends.get(partition);
                slices.add(new Slice(partition, start, Math.max(start, stop)));
            }
            return new TopicRange(bootstrapServers, topic, from, to, List.copyOf(slices));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayException(ReplayException.Reason.CANCELLED, "interrupted while reading the offsets of " + topic, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new ReplayException(ReplayException.Reason.NO_FRAMES, "topic " + topic + " does not exist: nothing was ever published");
            }
            throw new IllegalStateException("cannot read the offsets of " + topic + " at " + bootstrapServers + ": " + e.getCause().getMessage(), e);
        }
    }

    private static Map<TopicPartition, OffsetSpec> spec(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, spec));
        return query;
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(spec(partitions, spec)).all().get().forEach((partition, info) -> out.put(partition, info.offset()));
        return out;
    }

    /**
     * Retention deletes whole segments from the start of a partition. When it has deleted something (the log starts
     * after offset 0), the oldest record left is later than {@code from}, and {@code from} is older than the
     * retention time, frames of the range may be gone: a report over what is left would look complete and be wrong.
     */
    private static void checkRetained(Long retentionMs, String topic, Instant from, List<TopicPartition> partitions,
                                      Map<TopicPartition, Long> beginning, Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> oldest) {
        boolean beyondRetention = retentionMs == null || retentionMs < 0
                || from.isBefore(Instant.now().minusMillis(retentionMs));
        Instant earliest = null;
        boolean deleted = false;
        for (TopicPartition partition : partitions) {
            ListOffsetsResult.ListOffsetsResultInfo first = oldest.get(partition);
            boolean empty = first == null || first.offset() < 0;
            if (beginning.get(partition) > 0) {
                deleted = deleted || empty || first.timestamp() > from.toEpochMilli();
            }
            if (!empty && (earliest == null || first.timestamp() > earliest.toEpochMilli())) {
                earliest = Instant.ofEpochMilli(first.timestamp());
            }
        }
        if (deleted && beyondRetention) {
            String keep = retentionMs == null || retentionMs < 0 ? "" : " (retention " + Duration.ofMillis(retentionMs).toHours() + " h)";
            throw new ReplayException(ReplayException.Reason.EXPIRED, "frames from " + from + " have expired from " + topic + keep
                    + (earliest == null ? "; nothing is kept any more" : "; the earliest time every partition still holds is " + earliest));
        }
    }

    private static Long retentionMs(Admin admin, String topic) {
        try {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            var entry = config == null ? null : config.get("retention.ms");
            return entry == null || entry.value() == null ? null : Long.parseLong(entry.value());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | RuntimeException e) {
            return null; // no right to describe configs: judge by the offsets alone
        }
    }

    static Consumer<byte[], byte[]> consumer(String bootstrapServers) {
        // No group.id: the consumer cannot join a group or commit offsets, so live groups never see it.
        return new KafkaConsumer<>(KafkaClients.config(bootstrapServers, Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "facestream-replay-" + UUID.randomUUID().toString().substring(0, 8),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50,
                // A full-HD frame is up to 4 MB (Topics.MAX_IMAGE_MESSAGE_BYTES).
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024)), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public String topic() {
        return topic;
    }

    public List<Slice> slices() {
        return slices;
    }

    /** Records in the offset range, before filtering by timestamp. */
    public long records() {
        return slices.stream().mapToLong(Slice::size).sum();
    }

    /** One record of the range: key as a string, value still encoded, so records of other cameras are never decoded. */
    public record Record(String key, byte[] value, long timestamp, int partition, long offset) {
    }

    public interface Sink {
        void accept(Record record);
    }

    /**
     * Hands every record of the range whose timestamp is in [from, to) to {@code sink}, partition by partition in
     * offset order; stops early, throwing {@link ReplayException.Reason#CANCELLED}, when {@code cancelled} says so.
     */
    public void read(Sink sink, BooleanSupplier cancelled) {
        StringDeserializer keys = new StringDeserializer();
        for (Slice slice : slices) {
            if (slice.size() == 0) {
                continue;
            }
            // A consumer per partition: reassigning one makes it warn about fetches still in flight for the last.
            try (Consumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
                consumer.assign(List.of(slice.partition()));
                consumer.seek(slice.partition(), slice.start());
                long position = slice.start();
                while (position < slice.end()) {
                    if (cancelled.getAsBoolean()) {
                        throw new ReplayException(ReplayException.Reason.CANCELLED, "replay cancelled");
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.offset() >= slice.end()) {
                            break;
                        }
                        position = record.offset() + 1;
                        if (record.timestamp() >= from.toEpochMilli() && record.timestamp() < to.toEpochMilli() && record.value() != null) {
                            sink.accept(new Record(record.key() == null ? null : keys.deserialize(topic, record.key()), record.value(),
                                    record.timestamp(), record.partition(), record.offset()));
                        }
                        if (cancelled.getAsBoolean()) {
                            throw new ReplayException(ReplayException.Reason.CANCELLED, "replay cancelled");
                        }
                    }
                    // Offsets can skip (transaction markers, compaction): trust the consumer's position.
                    position = Math.max(position, consumer.position(slice.partition()));
                }
            }
        }
    }
}
