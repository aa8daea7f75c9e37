package io.facestream.schemas;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.facestream.management.ManagementServer;

/** How every facestream Streams service talks to Kafka: one place for the settings that matter for latency and safety. */
public final class PipelineStreams {

    private static final Logger log = LoggerFactory.getLogger(PipelineStreams.class);

    private PipelineStreams() {
    }

    /**
     * Stream threads per instance ({@code FACESTREAM_STREAM_THREADS}): by default one per core the JVM may use, but no
     * more than a topic's partitions (a thread beyond them gets no work). With one thread a stage used one core at
     * most, so an instance on a larger machine left its other cores idle, and the slowest stage capped the pipeline:
     * the research embedder takes about 50 ms for a 3-face frame, 20 frames/s on one thread, where the two cores here
     * reach 27 frames/s of models (docs/performance.md). The models' sessions are shared by the threads (ONNX Runtime
     * runs a session from several threads; each keeps its own input buffer).
     */
    public static int streamThreads() {
        return Settings.getInt("FACESTREAM_STREAM_THREADS", Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), Topics.PIPELINE_PARTITIONS)));
    }

    public static Properties properties(String applicationId, String bootstrapServers, int streamThreads) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        // Stateless topologies, but several services may share a JVM (local run): keep their state dirs apart.
        p.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(System.getProperty("java.io.tmpdir"), "facestream-streams", applicationId).toString());
        // Streams' producer defaults to linger.ms=100, which would add 100 ms per stage to every answer.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        // Dead letters go out through this producer too: the largest frame plus Kafka's headers.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topics.MAX_IMAGE_MESSAGE_BYTES + DeadLetters.HEADER_BYTES);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), Topics.MAX_IMAGE_MESSAGE_BYTES);
        // Model inference is slow per record; fetch few so a rebalance never waits on a long batch.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 50);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // A record no schema can read (say, a camera publishing garbage) goes to the dead-letter topic rather than stopping the pipeline.
        DeadLetters.configure(p);
        guarantee(p);
        // A restarted instance otherwise waits out its predecessor's membership (45 s) before it gets partitions:
        // leave the group on a clean close (the services close with LEAVE_GROUP: Kafka 4 dropped the consumer's
        // internal.leave.group.on.close), and notice a crashed member within 10 s.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        // Un-prefixed client settings reach every client Streams makes (producer, consumers, admin): security settings too.
        p.putAll(KafkaClients.config(bootstrapServers, java.util.Map.of()));
        return p;
    }

    /**
     * At-least-once (default) or exactly-once v2 ({@code FACESTREAM_PROCESSING_GUARANTEE}). At-least-once because every
     * answer is idempotent (a replayed frame gets the same answer under the same frame id, an enrolment is stored once by
     * its frame id, and the gateway takes the first answer per frame), and exactly-once costs latency: its consumers see a
     * record only once the transaction that wrote it commits, every {@code commit.interval.ms} (100 ms) at each of three
     * stages (README, "Faults", for the measured cost). The commit interval ({@code FACESTREAM_COMMIT_INTERVAL_MS}) is how
     * much work a crashed instance's successor does again under at-least-once (default 1 s), and the per-stage delay under
     * exactly-once (default 100 ms, Streams' own).
     */
    static void guarantee(Properties p) {
        String guarantee = Settings.get("FACESTREAM_PROCESSING_GUARANTEE", StreamsConfig.AT_LEAST_ONCE);
        if (!guarantee.equals(StreamsConfig.AT_LEAST_ONCE) && !guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
            throw new IllegalArgumentException("FACESTREAM_PROCESSING_GUARANTEE must be " + StreamsConfig.AT_LEAST_ONCE + " or "
                    + StreamsConfig.EXACTLY_ONCE_V2 + ", not " + guarantee);
        }
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                Settings.getInt("FACESTREAM_COMMIT_INTERVAL_MS", guarantee.equals(StreamsConfig.AT_LEAST_ONCE) ? 1000 : 100));
    }

    /** Closes the service when the JVM is asked to stop, so its consumers leave their groups cleanly. */
    public static void closeOnShutdown(AutoCloseable service) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
        }, "shutdown"));
    }

    /** Starts the topology and waits until it is RUNNING, so callers know the service can answer. */
    public static KafkaStreams start(Topology topology, Properties properties, Duration timeout) {
        KafkaStreams streams = new KafkaStreams(topology, properties);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (now == KafkaStreams.State.NOT_RUNNING) {
                ManagementServer.unregister(streams);
            }
            log.info("{}: {} -> {}", properties.get(StreamsConfig.APPLICATION_ID_CONFIG), before, now);
        });
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        // Health and Prometheus metrics of this service (and Kafka Streams' own), on the JVM's management port.
        ManagementServer.register(String.valueOf(properties.get(StreamsConfig.APPLICATION_ID_CONFIG)), streams);
        streams.start();
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} not RUNNING after {}", properties.get(StreamsConfig.APPLICATION_ID_CONFIG), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return streams;
    }
}
