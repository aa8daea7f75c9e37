package io.facestream.bench.performance;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.KafkaClients;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;

/**
 * Camera-style load: frames published straight to Kafka at a fixed rate by several cameras (as a fleet's producers
 * would), each answer's lag measured from the frame's capture time, the rate raised until the lag passes 1 s.
 */
final class CameraLoad implements AutoCloseable {

    /** Cameras the frames are spread over: Kafka keys, so the frames reach every partition (4 per topic) and instance. */
    static final int CAMERAS = 8;
    static final double KNEE_LAG_MS = 1000;

    record Step(double offeredPerSecond, int sent, int answered, double answeredPerSecond, double lagP50, double lagP99, String load,
                java.util.Map<String, Double> cpuMsPerFrame) {
        boolean sustained() {
            return answered == sent && lagP99 < KNEE_LAG_MS;
        }
    }

    private final KafkaProducer<String, Frame> producer;
    private final AnswerWatch answers;

    CameraLoad(String bootstrapServers, AnswerWatch answers) {
        this.answers = answers;
        producer = new KafkaProducer<>(KafkaClients.config(bootstrapServers, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_IMAGE_MESSAGE_BYTES,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-cameras")),
                Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer());
    }

    /** Publishes at {@code rate} frames/s for {@code seconds}, then waits up to {@code drainSeconds} for the last answers. */
    Step run(String label, byte[] jpeg, double rate, double seconds, double drainSeconds) throws InterruptedException {
        Map<String, Boolean> ours = new ConcurrentHashMap<>();
        List<Double> lags = new ArrayList<>();
        long[] firstLast = {Long.MAX_VALUE, 0};
        Consumer<AnswerWatch.Answer> listener = answer -> {
            if (ours.remove(answer.frameId()) != null) {
                synchronized (lags) {
                    lags.add((double) answer.lagMillis());
                    firstLast[0] = Math.min(firstLast[0], answer.receivedMillis());
                    firstLast[1] = Math.max(firstLast[1], answer.receivedMillis());
                }
            }
        };
        answers.listen(listener);
        int total = (int) Math.round(rate * seconds);
        CpuProfile before = CpuProfile.now();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String camera = label + "-" + (i % CAMERAS);
            String id = UUID.randomUUID().toString();
            ours.put(id, Boolean.TRUE);
            Frame frame = Frame.newBuilder()
                    .setHeader(FrameHeader.newBuilder().setId(id).setSourceKind(SourceKind.CAMERA).setSourceId(camera)
                            .setSequence(i / CAMERAS).setCaptureTime(Instant.now()).setOperation(Operation.RECOGNIZE).build())
                    .setImage(ByteBuffer.wrap(jpeg)).build();
            producer.send(new ProducerRecord<>(Topics.FRAMES.name(), null, frame.getHeader().getCaptureTime().toEpochMilli(), camera, frame));
        }
        long deadline = System.nanoTime() + (long) (drainSeconds * 1e9);
        while (!ours.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        answers.unlisten(listener);
        synchronized (lags) {
            double span = (firstLast[1] - firstLast[0]) / 1000.0;
            return new Step(rate, total, lags.size(), span > 0 ? (lags.size() - 1) / span : Double.NaN,
                    Stats.percentile(lags, 50), Stats.percentile(lags, 99), Stats.load(),
                    CpuProfile.now().since(before, lags.size()));
        }
    }

    /** Waits until answers stop arriving for a moment (a backlog left by an overloaded step is worked off). */
    void drain(double maxSeconds) throws InterruptedException {
        long[] last = {System.nanoTime()};
        Consumer<AnswerWatch.Answer> listener = a -> last[0] = System.nanoTime();
        answers.listen(listener);
        long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
        while (System.nanoTime() < deadline && System.nanoTime() - last[0] < 1_500_000_000L) {
            Thread.sleep(100);
        }
        answers.unlisten(listener);
    }

    @Override
    public void close() {
        producer.close();
    }
}
