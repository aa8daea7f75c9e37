package io.facestream.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record no schema can read (say, a camera publishing garbage straight to Kafka) goes to the
 * dead-letter topic with the reason, and the pipeline goes on. The copy is written before the
 * record counts as handled, so nothing is lost silently; only if the dead-letter topic itself
 * cannot be written does the service stop rather than drop the record.
 */
public class DeadLetters implements DeserializationExceptionHandler {

    public static final String REASON = "facestream.dlq.reason";
    public static final String SOURCE_TOPIC = "facestream.dlq.topic";
    public static final String SOURCE_PARTITION = "facestream.dlq.partition";
    public static final String SOURCE_OFFSET = "facestream.dlq.offset";
    public static final String SERVICE = "facestream.dlq.service";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    // One producer per broker list for the whole JVM: every stream thread of every service shares it.
    private static final Map<String, Producer<byte[], byte[]>> PRODUCERS = new ConcurrentHashMap<>();

    private Producer<byte[], byte[]> producer;
    private String service;

    public DeadLetters() {
    }

    /** For tests: writes through the given producer. */
    DeadLetters(Producer<byte[], byte[]> producer, String service) {
        this.producer = producer;
        this.service = service;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        service = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
        String bootstrap = String.valueOf(configs.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        producer = PRODUCERS.computeIfAbsent(bootstrap, servers -> new KafkaProducer<>(KafkaClients.config(servers, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_IMAGE_MESSAGE_BYTES + 64 * 1024,
                ProducerConfig.CLIENT_ID_CONFIG, "facestream-dead-letters")), new ByteArraySerializer(), new ByteArraySerializer()));
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        String reason = describe(exception);
        log.warn("unreadable record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                Topics.DEAD_LETTERS.name(), reason);
        try {
            send(record.topic(), record.partition(), record.offset(), record.key(), record.value(), reason);
            return DeserializationHandlerResponse.CONTINUE;
        } catch (RuntimeException e) {
            log.error("cannot write the dead-letter topic; stopping rather than losing the record", e);
            return DeserializationHandlerResponse.FAIL;
        }
    }

    /** Writes one dead letter and waits for the broker's acknowledgement. */
    public void send(String topic, int partition, long offset, byte[] key, byte[] value, String reason) {
        Headers headers = new RecordHeaders()
                .add(REASON, reason.getBytes(StandardCharsets.UTF_8))
                .add(SOURCE_TOPIC, topic.getBytes(StandardCharsets.UTF_8))
                .add(SOURCE_PARTITION, String.valueOf(partition).getBytes(StandardCharsets.UTF_8))
                .add(SOURCE_OFFSET, String.valueOf(offset).getBytes(StandardCharsets.UTF_8))
                .add(SERVICE, String.valueOf(service).getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, key, value, headers)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a dead letter", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("dead letter not written: " + e, e);
        }
    }

    static String describe(Exception exception) {
        StringBuilder reason = new StringBuilder(exception.getClass().getSimpleName()).append(": ").append(exception.getMessage());
        for (Throwable cause = exception.getCause(); cause != null && reason.length() < 900; cause = cause.getCause()) {
            reason.append(" / caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return reason.length() > 1000 ? reason.substring(0, 1000) : reason.toString();
    }
}
