package io.facestream.gateway.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import io.facestream.gateway.GatewayProperties;
import io.facestream.schemas.Consumers;
import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameLog;
import io.facestream.schemas.KafkaClients;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.TopicBootstrap;
import io.facestream.schemas.Topics;
import jakarta.annotation.PreDestroy;

/**
 * Sends frames into the pipeline and hands each its result. Every gateway instance reads all
 * partitions of the results topic itself (no consumer group) and keeps only the results of
 * its own frames, so any number of instances can run side by side.
 * <p>
 * Most of that topic is other sources' answers: cameras' and other gateways' frames. A result's key is its frame's
 * source id (every stage keeps the key the gateway sent), so the value is decoded only for a source with a frame
 * waiting here; the rest are skipped as bytes.
 */
@Component
public class PipelineClient {

    private static final Logger log = LoggerFactory.getLogger(PipelineClient.class);

    private final KafkaProducer<String, Frame> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<MatchResult> results = Topics.MATCH_RESULTS.valueSerde().deserializer();
    private final Map<String, CompletableFuture<MatchResult>> pending = new ConcurrentHashMap<>();
    /** How many frames of each source wait for a result here: the keys whose results are decoded. */
    private final Map<String, Integer> waitingSources = new ConcurrentHashMap<>();
    private final Duration timeout;
    private final Thread reader;
    private volatile boolean running = true;

    public PipelineClient(GatewayProperties properties) {
        this.timeout = properties.replyTimeout();
        TopicBootstrap.ensureTopics(properties.kafkaBootstrapServers());
        producer = new KafkaProducer<>(KafkaClients.config(properties.kafkaBootstrapServers(), Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_IMAGE_MESSAGE_BYTES,
                ProducerConfig.CLIENT_ID_CONFIG, "gateway-" + properties.instanceId())),
                Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer());
        consumer = new KafkaConsumer<>(KafkaClients.config(properties.kafkaBootstrapServers(), Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "gateway-results-" + properties.instanceId())),
                Topics.MATCH_RESULTS.keySerde().deserializer(), new ByteArrayDeserializer());
        // Pinned now: every frame sent from here on has its result after this position.
        Consumers.assignAllFromEnd(consumer, Topics.MATCH_RESULTS.name());
        reader = new Thread(this::readResults, "gateway-results");
        reader.setDaemon(true);
        reader.start();
    }

    /** The frame's result (frames come from {@link RequestFrames}); fails with a {@link PipelineTimeoutException} after the reply timeout. */
    public CompletableFuture<MatchResult> submit(Frame frame) {
        return submit(frame, timeout);
    }

    public CompletableFuture<MatchResult> submit(Frame frame, Duration wait) {
        String id = frame.getHeader().getId();
        String source = frame.getHeader().getSourceId();
        CompletableFuture<MatchResult> result = new CompletableFuture<>();
        waitingSources.merge(source, 1, Integer::sum);
        pending.put(id, result);
        FrameLog.handle(log, "sent", frame.getHeader(), () -> producer.send(
                new ProducerRecord<>(Topics.FRAMES.name(), frame.getHeader().getSourceId(), frame), (metadata, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    }
                }));
        return result.orTimeout(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(unwrap(e) instanceof TimeoutException ? new PipelineTimeoutException(wait) : e))
                .whenComplete((r, e) -> {
                    pending.remove(id);
                    waitingSources.computeIfPresent(source, (key, count) -> count == 1 ? null : count - 1);
                });
    }

    /**
     * Sends a request's frame and waits for its result: what every REST route does. A pipeline that does not answer in
     * time throws {@link PipelineTimeoutException}, with nothing half-done that a retry could not repeat (frames are idempotent).
     */
    public MatchResult request(Frame frame) {
        // Stays set for the rest of the request (what the controller and error handler log); FrameLogFilter clears it.
        MDC.put(FrameLog.FRAME_ID, frame.getHeader().getId());
        try {
            return submit(frame).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof PipelineTimeoutException timeout) {
                throw timeout;
            }
            throw e;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private void answer(ConsumerRecord<String, byte[]> record) {
        MatchResult result;
        try {
            result = results.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            log.warn("skipping unreadable result at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        CompletableFuture<MatchResult> waiting = result == null ? null : pending.get(result.getHeader().getId());
        if (waiting != null) {
            // What runs on completion (a WebSocket answer, say) logs with the frame's id too.
            FrameLog.handle(log, "answered", result.getHeader(), () -> waiting.complete(result));
        }
    }

    private void readResults() {
        while (running) {
            try {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && waitingSources.containsKey(record.key())) {
                        answer(record);
                    }
                }
            } catch (RecordDeserializationException e) {
                log.warn("skipping unreadable result at {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
                consumer.seek(e.topicPartition(), e.offset() + 1);
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                // A failure that repeats (broker gone, lost assignment) must not spin a core and flood the log.
                log.error("reading results failed; retrying in 1 s", e);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
        }
        consumer.close();
    }

    @PreDestroy
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(5000);
        producer.close(Duration.ofSeconds(5));
    }
}
