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
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.facestream.cli.Facestream;
import io.facestream.face.TestData;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Topics;
import io.facestream.schemas.TrackEvent;
import io.facestream.schemas.TrackEventKind;
import io.facestream.schemas.TypedTopic;
import io.facestream.schemas.Values;
import picocli.CommandLine;

/**
 * Tracks and events end to end: {@code facestream camera} publishes the dev clip through a real broker to the whole
 * local stack (real models, the machine's PostgreSQL and Redis) with Lin-Manuel Miranda enrolled from his reference
 * photo. Every frame is answered once; his tracks are named him, Alex Lacamoire's (a small face at the piano, not
 * enrolled) nobody; identity switches, fragmentation and the events are printed ({@link ClipTracks}).
 *
 * <p>At 5 fps in every run; at the clip's native 29.97 fps only with {@code -Dfacestream.tracking.native=true} (150
 * frames take minutes on 2 shared cores).
 */
class TrackingEndToEndTest {

    static final String LIN = "Lin-Manuel Miranda";
    /** Tracks of a camera that stops sending end after this long (wall clock): short, so the test need not wait 10 s. */
    static final String IDLE_MS = "3000";

    static TestStack stack;
    static Gateway gateway;
    static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = TestData.dir();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(clip()), "the dev clip is not at " + clip());
        stack = TestStack.start("tracking", java.util.Map.of("facestream.track.idle.ms", IDLE_MS));
        gateway = stack.gateway;
        assertThat(gateway.register(LIN, data.resolve("refs/lin_manuel_miranda/lin-manuel-miranda.png")).status()).isEqualTo(201);
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
    void atFiveFramesASecondLinsTracksAreNamedHimAndNobodyElseIsNamed() {
        ClipTracks tracks = run("hamilton-5fps", 5, 25);
        check(tracks);
    }

    @Test
    @EnabledIfSystemProperty(named = "facestream.tracking.native", matches = "true")
    void atTheClipsNativeRate() {
        ClipTracks tracks = run("hamilton-native", 0, 150);
        check(tracks);
    }

    private static void check(ClipTracks tracks) {
        ClipTracks.Summary lin = tracks.summary(ClipTracks.Who.LIN);
        ClipTracks.Summary alex = tracks.summary(ClipTracks.Who.ALEX);
        assertThat(lin.faces()).as("Lin-Manuel's faces detected").isPositive();
        assertThat(lin.identitySwitches()).as("no track changes its name").isZero();
        assertThat(lin.facesInTracksNamed(LIN)).as("most of his faces are in tracks named him").isGreaterThan(lin.faces() / 2);
        assertThat(lin.facesInTracksNamedOther(LIN)).as("none in a track named anyone else").isZero();
        assertThat(alex.facesInTracksNamedAnyone()).as("Alex Lacamoire's tracks stay unknown").isZero();
        assertThat(tracks.mixedTracks()).as("no track holds both men").isZero();
        tracks.checkEvents(LIN);
    }

    private static ClipTracks run(String camera, int fps, int expectedFrames) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = Facestream.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute("camera", "--bootstrap-servers", stack.kafkaBootstrap(), "--camera", camera + "=" + clip(),
                "--fps", String.valueOf(fps), "--as-fast-as-possible");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains(camera + ": " + expectedFrames + " frames published");

        Map<String, Integer> answers = new HashMap<>();
        List<MatchResult> results = new ArrayList<>();
        // Then 3 s more, so that a second answer to any frame would be seen.
        read(camera, Topics.MATCH_RESULTS, Duration.ofSeconds(3), record -> record.value().getHeader().getSourceId().equals(camera) ? 1 : 0,
                expectedFrames, record -> {
                    results.add(record.value());
                    answers.merge(record.value().getHeader().getId(), 1, Integer::sum);
                });
        assertThat(answers).as("every frame answered").hasSize(expectedFrames);
        assertThat(answers.values()).as("exactly once").containsOnly(1);
        assertThat(results).allSatisfy(result -> assertThat(result.getError()).isNull());

        // The camera stopped: its last tracks end after the idle time (3 s here), by the matcher's wall clock.
        List<TrackEvent> events = new ArrayList<>();
        Map<String, List<float[]>> vectors = new HashMap<>();
        read(camera, Topics.EMBEDDINGS, Duration.ZERO, record -> 1, expectedFrames, record -> vectors.put(record.value().getHeader().getId(),
                record.value().getFaces().stream().map(face -> Values.floats(face.getVector())).toList()));
        ClipTracks tracks = new ClipTracks(results, events, vectors, fps == 0 ? 29.97 : fps);
        read(camera, Topics.EVENTS, Duration.ofSeconds(1), record -> record.value().getKind() == TrackEventKind.ENDED ? 1 : 0,
                tracks.trackCount(), record -> events.add(record.value()));
        tracks.print(System.out, camera);
        return tracks;
    }

    /**
     * Records of the camera's key on {@code topic}: waits until {@code expected} counted ones (by {@code count}) arrived,
     * then {@code linger} longer; at most two minutes.
     */
    static <V extends SpecificRecord> void read(String camera, TypedTopic<String, V> topic, Duration linger,
                                               java.util.function.ToIntFunction<ConsumerRecord<String, V>> count, int expected,
                                               Consumer<ConsumerRecord<String, V>> sink) {
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.kafkaBootstrap()),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(120, 3L * expected)).toNanos();
            long lingerUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, lingerUntil)) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(300))) {
                    if (camera.equals(record.key())) {
                        sink.accept(record);
                        seen += count.applyAsInt(record);
                    }
                }
                if (seen >= expected && lingerUntil == Long.MAX_VALUE) {
                    lingerUntil = System.nanoTime() + linger.toNanos();
                }
            }
        }
    }
}
