package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.apache.avro.specific.SpecificRecord;

import io.facestream.cli.Facestream;
import io.facestream.face.TestData;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.Frame;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Topics;
import io.facestream.schemas.TypedTopic;
import picocli.CommandLine;

/**
 * {@code facestream camera} against the whole local stack (real broker, the three services on the real models, the
 * machine's PostgreSQL and Redis): the dev clip at 5 fps with Lin-Manuel Miranda enrolled from his reference photo.
 * Every frame the camera published gets exactly one answer on the results topic, under the camera's id.
 */
class CameraEndToEndTest {

    static final String LIN = "Lin-Manuel Miranda";
    static final String CAMERA = "hamilton-stage";

    static TestStack stack;
    static Gateway gateway;
    static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = TestData.dir();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(clip()), "the dev clip is not at " + clip());
        stack = TestStack.start("camera");
        gateway = stack.gateway;
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    static Path clip() {
        return data.resolve("video/short_hamilton_clip_part1_0-5s.mp4");
    }

    @Test
    void everyFrameOfTheClipGetsExactlyOneAnswerAndSomeNameTheEnrolledActor() throws Exception {
        assertThat(gateway.register(LIN, data.resolve("refs/lin_manuel_miranda/lin-manuel-miranda.png")).status()).isEqualTo(201);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Facestream.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute("camera", "--bootstrap-servers", stack.kafkaBootstrap(), "--camera", CAMERA + "=" + clip(),
                "--fps", "5", "--as-fast-as-possible");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains(CAMERA + ": 25 frames published");

        List<Frame> frames = new ArrayList<>();
        read(Topics.FRAMES, Duration.ZERO, 25, record -> frames.add(record.value()));
        assertThat(frames).hasSize(25);
        Map<String, Long> sequenceById = new HashMap<>();
        frames.forEach(frame -> sequenceById.put(frame.getHeader().getId(), frame.getHeader().getSequence()));

        // Wait for one answer per frame, then 3 s more so that a second answer to any frame would be seen.
        Map<String, Integer> answers = new HashMap<>();
        List<MatchResult> results = new ArrayList<>();
        read(Topics.MATCH_RESULTS, Duration.ofSeconds(3), frames.size(), record -> {
            results.add(record.value());
            answers.merge(record.value().getHeader().getId(), 1, Integer::sum);
        });
        assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(sequenceById.keySet());
        assertThat(answers.values()).containsOnly(1);
        assertThat(results).allSatisfy(result -> {
            assertThat(result.getError()).isNull();
            assertThat(result.getHeader().getSourceId()).isEqualTo(CAMERA);
            assertThat(result.getImageWidth()).isEqualTo(640);
        });
        long naming = results.stream().filter(result -> result.getFaces().stream().map(FaceMatch::getPerson)
                .anyMatch(person -> person != null && person.getName().equals(LIN))).count();
        long withFaces = results.stream().filter(result -> !result.getFaces().isEmpty()).count();
        System.out.printf("camera e2e: %d frames, %d answers, %d with faces, %d naming %s%n", frames.size(), results.size(), withFaces, naming, LIN);
        assertThat(naming).isPositive();
    }

    /** Records of the camera's key on {@code topic}: waits until {@code expected} arrived, then {@code linger} longer. */
    static <V extends SpecificRecord> void read(TypedTopic<String, V> topic, Duration linger, int expected,
                                               java.util.function.Consumer<ConsumerRecord<String, V>> sink) {
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.kafkaBootstrap()),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            long lingerUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, lingerUntil)) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(300))) {
                    if (CAMERA.equals(record.key())) {
                        sink.accept(record);
                        seen++;
                    }
                }
                if (seen >= expected && lingerUntil == Long.MAX_VALUE) {
                    lingerUntil = System.nanoTime() + linger.toNanos();
                }
            }
        }
    }
}
