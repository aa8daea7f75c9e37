package io.facestream.camera;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.KafkaClients;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;
import io.facestream.schemas.TypedTopic;

/**
 * Publishes camera frames as {@code Frame} records (operation RECOGNIZE, source kind CAMERA) to
 * {@code facestream.frames}, keyed by camera id, with the capture time as the record's timestamp. Client settings
 * come from {@link KafkaClients}, so a SASL or TLS cluster needs only {@code FACESTREAM_KAFKA_PROPERTIES}.
 */
public final class KafkaFramePublisher implements FramePublisher, AutoCloseable {

    private static final TypedTopic<String, Frame> TOPIC = Topics.FRAMES;

    private final KafkaProducer<String, Frame> producer;
    private final String bootstrapServers;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public KafkaFramePublisher(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Map<String, Object> config = KafkaClients.config(bootstrapServers, Map.of(
                // Frames of one camera must stay in order: idempotence keeps them so across retries.
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // The producer's 1 MB default would refuse a full-HD frame that the topic (4 MB) accepts.
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_IMAGE_MESSAGE_BYTES,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // A camera whose cluster is gone should say so within a minute, not block forever.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.CLIENT_ID_CONFIG, "facestream-camera-" + UUID.randomUUID().toString().substring(0, 8)));
        this.producer = new KafkaProducer<>(config, TOPIC.keySerde().serializer(), TOPIC.valueSerde().serializer());
    }

    /** The record a frame becomes; public so that tests and other producers build exactly the same one. */
    public static Frame frame(CapturedFrame frame) {
        FrameHeader header = FrameHeader.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setSourceKind(SourceKind.CAMERA)
                .setSourceId(frame.cameraId())
                .setSequence(frame.sequence())
                .setCaptureTime(Instant.ofEpochMilli(frame.captureTime()))
                .setOperation(Operation.RECOGNIZE)
                .build();
        return Frame.newBuilder().setHeader(header).setImage(ByteBuffer.wrap(frame.jpeg())).build();
    }

    @Override
    public void publish(CapturedFrame frame) {
        Exception earlier = failure.get();
        if (earlier != null) {
            throw failed(earlier);
        }
        try {
            producer.send(new ProducerRecord<>(TOPIC.name(), null, frame.captureTime(), frame.cameraId(), frame(frame)),
                    (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
        } catch (org.apache.kafka.common.KafkaException e) {
            throw failed(e);
        }
    }

    /** Waits until every frame sent so far is acknowledged; fails when any was refused. */
    public void flush() {
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            throw failed(e);
        }
    }

    private CameraException failed(Exception e) {
        return new CameraException("cannot publish frames to Kafka at " + bootstrapServers + ": " + e.getMessage()
                + " (client settings: " + KafkaClients.describe() + ")", e);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
