package io.facestream.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

import io.facestream.detector.DetectorConfig;
import io.facestream.embedder.EmbedderConfig;
import io.facestream.face.Detector;
import io.facestream.face.Face;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.Images;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.face.TestData;
import io.facestream.models.ModelStore;
import io.facestream.replay.FrameReplay;
import io.facestream.replay.ReplayEnvironment;
import io.facestream.replay.ReplayRequest;
import io.facestream.schemas.Frame;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Topics;
import io.facestream.schemas.Values;

/**
 * Replay speed against the live pipeline's on the same frames (docs/replay.md). Not part of the suite: run with
 * {@code -Dfacestream.bench.replay=true}. The dev clip at its native rate (150 frames, 640×360) is published as fast as
 * possible and timed from the first frame out to the last answer in; then the same frames are replayed; the floor is the
 * bare models (detect + embed, one thread) on the same frames in this JVM.
 */
class ReplayThroughputBenchmark {

    @Test
    void replayAgainstLivePipelineOnTheDevClip() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("facestream.bench.replay"), "a benchmark: run with -Dfacestream.bench.replay=true");
        Path clip = TestData.dir().resolve("video/short_hamilton_clip_part1_0-5s.mp4");
        String schema = "replay_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String key = "fs_bench_admin_" + UUID.randomUUID().toString().replace("-", "");
        TestSchema.use(schema, key);
        try (LocalStack stack = LocalStack.start(new LocalStackConfig(Files.createTempDirectory("facestream-bench"), 0, null, TestSchema.DATABASE_URL,
                TestSchema.REDIS_URL, LocalStack.freePort()))) {
            Gateway gateway = new Gateway(stack.startGateway(0), key);
            PipelineEndToEndTest.awaitHealthy(gateway);
            gateway.register("Lin-Manuel Miranda", TestData.dir().resolve("refs/lin_manuel_miranda/lin-manuel-miranda.png"));
            String uptimeBefore = uptime();

            Instant from = Instant.now().minusSeconds(1);
            long published = System.nanoTime();
            var cli = io.facestream.cli.Facestream.commandLine();
            int exit = cli.execute("camera", "--bootstrap-servers", stack.kafkaBootstrap(), "--camera", "bench=" + clip, "--as-fast-as-possible");
            if (exit != 0) {
                throw new AssertionError("camera exit " + exit);
            }
            List<Frame> frames = new ArrayList<>();
            Map<String, Long> answeredAt = new HashMap<>();
            try (KafkaConsumer<String, MatchResult> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.kafkaBootstrap()),
                    Topics.MATCH_RESULTS.keySerde().deserializer(), Topics.MATCH_RESULTS.valueSerde().deserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.MATCH_RESULTS.name()).stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (answeredAt.size() < 150 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, MatchResult> record : consumer.poll(Duration.ofMillis(100))) {
                        if ("bench".equals(record.key())) {
                            answeredAt.putIfAbsent(record.value().getHeader().getId(), System.nanoTime());
                        }
                    }
                }
            }
            double liveSeconds = (answeredAt.values().stream().mapToLong(Long::longValue).max().orElseThrow() - published) / 1e9;
            Instant to = Instant.now().plusSeconds(1);
            try (KafkaConsumer<String, Frame> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.kafkaBootstrap()),
                    Topics.FRAMES.keySerde().deserializer(), Topics.FRAMES.valueSerde().deserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.FRAMES.name()).stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (frames.size() < 150) {
                    consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                        if ("bench".equals(record.key())) {
                            frames.add(record.value());
                        }
                    });
                }
            }

            long replayStart = System.nanoTime();
            double[] replayRate = {0};
            new FrameReplay(ReplayEnvironment.fromEnvironment(stack.kafkaBootstrap())).run(ReplayRequest.of(from, to, List.of("bench"), null),
                    null, progress -> {
                        if (progress.phase().equals("replaying") && progress.done() == progress.total()) {
                            replayRate[0] = progress.framesPerSecond();
                        }
                    }, () -> false);
            double replaySeconds = (System.nanoTime() - replayStart) / 1e9;

            ModelStore models = ModelStore.fromEnvironment();
            Detector chosen = DetectorConfig.fromEnvironment().detector();
            EmbedderConfig embedderConfig = EmbedderConfig.fromEnvironment();
            double floorSeconds;
            try (FaceDetector detector = chosen.create(models, chosen.defaultSettings());
                 FaceEmbedder embedder = OnnxFaceEmbedder.create(Recognizer.byModelName(embedderConfig.recognizer()), models, embedderConfig.flip())) {
                List<Mat> decoded = new ArrayList<>();
                for (Frame frame : frames) {
                    decoded.add(Images.decode(Values.bytes(frame.getImage())));
                }
                for (int i = 0; i < 10; i++) {
                    embedOnce(detector, embedder, decoded.get(i)); // warm-up
                }
                long start = System.nanoTime();
                for (Mat image : decoded) {
                    embedOnce(detector, embedder, image);
                }
                floorSeconds = (System.nanoTime() - start) / 1e9;
                decoded.forEach(Mat::release);
            }
            String uptimeAfter = uptime();
            System.out.printf("%n| what | frames | seconds | frames/s |%n|---|---|---|---|%n");
            System.out.printf("| bare models, one thread (decoded once, detect + embed) | %d | %.1f | %.1f |%n", frames.size(), floorSeconds, frames.size() / floorSeconds);
            System.out.printf("| live pipeline (first frame out to last answer in) | %d | %.1f | %.1f |%n", answeredAt.size(), liveSeconds, answeredAt.size() / liveSeconds);
            System.out.printf("| replay, replaying phase | %d | | %.1f |%n", frames.size(), replayRate[0]);
            System.out.printf("| replay, whole run (plan, count, load models, replay) | %d | %.1f | %.1f |%n", frames.size(), replaySeconds, frames.size() / replaySeconds);
            System.out.printf("load before: %s%nload after:  %s%n", uptimeBefore, uptimeAfter);
        } finally {
            TestSchema.drop(schema);
        }
    }

    private static void embedOnce(FaceDetector detector, FaceEmbedder embedder, Mat image) {
        for (Face face : detector.detect(image)) {
            embedder.embed(image, face);
        }
    }

    private static String uptime() throws Exception {
        Process process = new ProcessBuilder("uptime").redirectErrorStream(true).start();
        return new String(process.getInputStream().readAllBytes()).trim();
    }
}
