package io.facestream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.facestream.face.TestPhotos;
import io.facestream.matcher.gallery.Erasures;
import io.facestream.schemas.Frame;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;

/**
 * Replays of the frames topic through a real broker, the real models, the machine's PostgreSQL and Redis. The footage
 * (the committed test photos as camera frames, captured two hours ago) is published first; the people are enrolled only
 * afterwards, as an investigator would, and the replay still finds them on the right cameras at the right times.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FrameReplayTest {

    /** Two hours ago: inside the frames' 24 h retention (older frames the broker deletes at once). */
    static final Instant T0 = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    static final ObjectMapper JSON = new ObjectMapper();

    static ReplayFixture fixture;
    static long personA;
    static long personB;
    static Map<TopicPartition, Long> endsBefore;

    @BeforeAll
    static void publishFootageThenEnrol() throws Exception {
        fixture = new ReplayFixture();
        byte[] a = TestPhotos.bytes(TestPhotos.A2);
        byte[] b = TestPhotos.bytes(TestPhotos.B2);
        List<Map.Entry<String, Frame>> frames = new ArrayList<>();
        // lobby: A for 0.8 s (5 frames at 5 fps), then B 10 s later for 0.4 s; door: B at +60 s, A alone at +120 s.
        for (int i = 0; i < 5; i++) {
            frames.add(Map.entry("lobby", ReplayFixture.cameraFrame("lobby", i, T0.plusMillis(200L * i), a)));
        }
        for (int i = 0; i < 3; i++) {
            frames.add(Map.entry("lobby", ReplayFixture.cameraFrame("lobby", 5 + i, T0.plusSeconds(10).plusMillis(200L * i), b)));
        }
        frames.add(Map.entry("door", ReplayFixture.cameraFrame("door", 0, T0.plusSeconds(60), b)));
        frames.add(Map.entry("door", ReplayFixture.cameraFrame("door", 1, T0.plusSeconds(60).plusMillis(200), b)));
        frames.add(Map.entry("door", ReplayFixture.cameraFrame("door", 2, T0.plusSeconds(120), a)));
        // An enrolment upload in the same period: not footage, never replayed.
        frames.add(Map.entry("req-1", ReplayFixture.frame("req-1", SourceKind.REQUEST, Operation.REGISTER, 0, T0.plusSeconds(1), a)));
        fixture.publish(Topics.FRAMES, frames, frame -> frame.getHeader().getCaptureTime());
        personA = fixture.enrol("Person A", TestPhotos.bytes(TestPhotos.A1));
        personB = fixture.enrol("Person B", TestPhotos.bytes(TestPhotos.B1));
        endsBefore = fixture.endOffsets();
    }

    @AfterAll
    static void close() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    static ReplayRequest range(Set<String> cameras, Set<Long> people) {
        return ReplayRequest.of(T0.minusSeconds(60), T0.plusSeconds(3600), cameras, people);
    }

    static TimelineReport replay(ReplayRequest request, Path out) {
        List<String> lines = new ArrayList<>();
        TimelineReport report = new FrameReplay(fixture.environment).run(request, out, progress -> lines.add(progress.line()), () -> false);
        lines.forEach(line -> System.out.println("replay progress: " + line));
        return report;
    }

    @Test
    @Order(1)
    void peopleEnrolledAfterTheFootageAreFoundOnTheRightCamerasAtTheRightTimes(@TempDir Path dir) throws Exception {
        TimelineReport report = replay(range(Set.of(), Set.of()), dir.resolve("all"));

        assertThat(report.cameras()).extracting(TimelineReport.CameraSummary::camera).containsExactly("door", "lobby");
        assertThat(report.cameras()).extracting(TimelineReport.CameraSummary::frames).containsExactly(3L, 8L);
        assertThat(report.people()).extracting(TimelineReport.PersonTimeline::personId).containsExactly(personA, personB);

        List<TimelineReport.Appearance> a = report.people().get(0).appearances();
        assertThat(a).extracting(TimelineReport.Appearance::camera).containsExactly("door", "lobby");
        assertThat(a.get(0).firstSeen()).isEqualTo(T0.plusSeconds(120));
        assertThat(a.get(0).frames()).isEqualTo(1);
        assertThat(a.get(1).firstSeen()).isEqualTo(T0);
        assertThat(a.get(1).lastSeen()).isEqualTo(T0.plusMillis(800));
        assertThat(a.get(1).durationMs()).isEqualTo(800);
        assertThat(a.get(1).frames()).isEqualTo(5);
        assertThat(a.get(1).bestSimilarity()).isGreaterThanOrEqualTo(0.944f);
        assertThat(a).allSatisfy(appearance -> assertThat(appearance.crop()).isNotEmpty());

        List<TimelineReport.Appearance> b = report.people().get(1).appearances();
        assertThat(b).extracting(TimelineReport.Appearance::camera).containsExactly("door", "lobby");
        assertThat(b.get(0).firstSeen()).isEqualTo(T0.plusSeconds(60));
        assertThat(b.get(0).lastSeen()).isEqualTo(T0.plusSeconds(60).plusMillis(200));
        assertThat(b.get(1).firstSeen()).isEqualTo(T0.plusSeconds(10));
        assertThat(b.get(1).frames()).isEqualTo(3);

        Path out = dir.resolve("all");
        assertThat(out.resolve("report.json")).isRegularFile();
        assertThat(Files.readAllLines(out.resolve("appearances.csv"))).hasSize(5)
                .anyMatch(line -> line.startsWith("%d,Person A,lobby,%s,%s,800,%s,5,lobby/".formatted(personA, T0, T0.plusMillis(800),
                        ReportWriter.round(a.get(1).bestSimilarity()))));
        // The live tracker ran: its events are in the report, Person A named on the lobby track.
        assertThat(report.events()).anyMatch(e -> e.kind().equals("IDENTIFIED") && e.camera().equals("lobby") && Long.valueOf(personA).equals(e.personId()));
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("<svg", "data:image/jpeg;base64,", "Person A", "Person B").doesNotContain("<script", "src=\"http", "href=\"http");
        try (var crops = Files.list(out.resolve("crops"))) {
            assertThat(crops.count()).isEqualTo(4);
        }
    }

    @Test
    @Order(2)
    void aSearchForOnePersonTwiceGivesTheSameReport(@TempDir Path dir) throws Exception {
        ReplayRequest search = range(Set.of("lobby"), Set.of(personA));
        TimelineReport first = replay(search, dir.resolve("one"));
        replay(search, dir.resolve("two"));

        assertThat(first.people()).hasSize(1);
        assertThat(first.people().get(0).appearances()).extracting(TimelineReport.Appearance::camera).containsExactly("lobby");
        assertThat(first.unknownTracks()).isEmpty();
        for (String file : List.of("appearances.csv", "unknown-tracks.csv", "crops/" + personA + "-1.jpg")) {
            assertThat(Files.readAllBytes(dir.resolve("one").resolve(file))).as(file).isEqualTo(Files.readAllBytes(dir.resolve("two").resolve(file)));
        }
        JsonNode one = JSON.readTree(dir.resolve("one/report.json").toFile());
        JsonNode two = JSON.readTree(dir.resolve("two/report.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) one).remove("generated_at");
        ((com.fasterxml.jackson.databind.node.ObjectNode) two).remove("generated_at");
        assertThat(one).isEqualTo(two);
        assertThat(one.at("/people/0/appearances/0/crop").asText()).isEqualTo("crops/" + personA + "-1.jpg");
    }

    @Test
    @Order(3)
    void someoneErasedSinceIsLeftOutOfTheReportCropsIncluded(@TempDir Path dir) throws Exception {
        Erasures erasures = new Erasures(fixture.redis, fixture.prefix);
        erasures.mark(personB);
        try {
            TimelineReport report = replay(range(Set.of(), Set.of()), dir.resolve("r"));
            assertThat(report.people()).extracting(TimelineReport.PersonTimeline::personId).containsExactly(personA);
            assertThat(Files.readString(dir.resolve("r/report.json"))).doesNotContain("Person B");
            assertThat(Files.readString(dir.resolve("r/report.html"))).doesNotContain("Person B");
            try (var crops = Files.list(dir.resolve("r/crops"))) {
                assertThat(crops.map(p -> p.getFileName().toString())).allMatch(name -> name.startsWith(personA + "-"));
            }
            // Asking for them by id is refused: they are not enrolled any more.
            assertThatThrownBy(() -> replay(range(Set.of(), Set.of(personB)), dir.resolve("b")))
                    .isInstanceOfSatisfying(ReplayException.class, e -> assertThat(e.reason()).isEqualTo(ReplayException.Reason.UNKNOWN_PERSON));
        } finally {
            fixture.redis.del(fixture.prefix + "erased:" + personB);
        }
    }

    @Test
    @Order(4)
    void aNegativeExampleKeepsThePersonUnnamedAsTheLiveMatcherWould(@TempDir Path dir) throws Exception {
        // "This is not Person A", said of the very photo the lobby and door cameras recorded: the replay names faces by the
        // live matcher's rule (Lookup), which skips a person for a face this close to one of their negatives.
        long negative = fixture.addNegative(personA, TestPhotos.bytes(TestPhotos.A2));
        try {
            TimelineReport report = replay(range(Set.of(), Set.of()), dir.resolve("r"));
            assertThat(report.people()).extracting(TimelineReport.PersonTimeline::personId).containsExactly(personB);
            assertThat(report.unknownTracks()).isNotEmpty();
        } finally {
            fixture.removeNegative(personA, negative);
        }
        assertThat(replay(range(Set.of(), Set.of()), dir.resolve("after")).people()).extracting(TimelineReport.PersonTimeline::personId)
                .containsExactly(personA, personB);
    }

    @Test
    @Order(5)
    void badInputIsRefusedWithTheReasonAndNothingWritten(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("never");
        assertThatThrownBy(() -> ReplayRequest.of(T0, T0, null, null)).hasMessageContaining("empty");
        assertThatThrownBy(() -> ReplayRequest.of(T0.plusSeconds(1), T0, null, null)).hasMessageContaining("reversed");
        assertThatThrownBy(() -> ReplayRequest.parseTime("tuesday", java.time.ZoneOffset.UTC, "--from")).hasMessageContaining("--from 'tuesday'");

        assertThatThrownBy(() -> replay(range(Set.of("lobby", "garage"), Set.of()), out))
                .isInstanceOfSatisfying(ReplayException.class, e -> assertThat(e.reason()).isEqualTo(ReplayException.Reason.UNKNOWN_CAMERA))
                .hasMessageContaining("garage").hasMessageContaining("cameras with frames in the range: door, lobby");
        assertThatThrownBy(() -> replay(range(Set.of(), Set.of(987654321L)), out))
                .isInstanceOfSatisfying(ReplayException.class, e -> assertThat(e.reason()).isEqualTo(ReplayException.Reason.UNKNOWN_PERSON))
                .hasMessageContaining("987654321");
        assertThatThrownBy(() -> replay(ReplayRequest.of(T0.minusSeconds(7200), T0.minusSeconds(3600), null, null), out))
                .isInstanceOfSatisfying(ReplayException.class, e -> assertThat(e.reason()).isEqualTo(ReplayException.Reason.NO_FRAMES));
        Path occupied = Files.createDirectories(dir.resolve("occupied"));
        Files.writeString(occupied.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> replay(range(Set.of(), Set.of()), occupied))
                .isInstanceOfSatisfying(ReplayException.class, e -> assertThat(e.reason()).isEqualTo(ReplayException.Reason.OUTPUT));
        assertThat(out).doesNotExist();
        assertThat(Files.readString(occupied.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    @Order(6)
    void aReplayStoppedMidwayLeavesNoReportAndARerunWritesItWhole(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        // Stopped once the frames were counted and the models loaded: as Ctrl-C or DELETE /api/replays/{id} do.
        AtomicBoolean replaying = new AtomicBoolean();
        assertThatThrownBy(() -> new FrameReplay(fixture.environment).run(range(Set.of(), Set.of()), out,
                progress -> replaying.compareAndSet(false, progress.phase().equals("replaying")), replaying::get))
                .isInstanceOfSatisfying(ReplayException.class, e -> assertThat(e.reason()).isEqualTo(ReplayException.Reason.CANCELLED));
        assertThat(out).doesNotExist();
        // What a replay killed while writing leaves behind: a partial directory beside the report's place.
        Path partial = Files.createDirectories(dir.resolve(".report.partial-deadbeef/crops"));
        Files.writeString(partial.resolve("half.jpg"), "half");

        replay(range(Set.of(), Set.of()), out);

        assertThat(out.resolve("report.json")).isRegularFile();
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("report");
        }
    }

    @Test
    @Order(7)
    void replaysJoinNoConsumerGroupAndProduceNothing() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", fixture.bootstrap()))) {
            assertThat(admin.listConsumerGroups().all().get()).isEmpty();
        }
        assertThat(fixture.endOffsets()).isEqualTo(endsBefore);
    }

    @Test
    @Order(8)
    void aRangeWhoseFramesHaveExpiredIsRefused() throws Exception {
        // The operator shortens the frames' retention to an hour: the broker deletes the footage of two hours ago.
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", fixture.bootstrap()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.FRAMES.name());
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"),
                    AlterConfigOp.OpType.SET)))).all().get();
            try (var consumer = TopicRange.consumer(fixture.bootstrap())) {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.FRAMES.name()).stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (consumer.beginningOffsets(partitions).values().stream().allMatch(offset -> offset == 0) && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
            }
        }
        assertThatThrownBy(() -> replay(range(Set.of(), Set.of()), null))
                .isInstanceOfSatisfying(ReplayException.class, e -> assertThat(e.reason()).isEqualTo(ReplayException.Reason.EXPIRED))
                .hasMessageContaining("have expired").hasMessageContaining("retention 1 h");
        // Footage inside the new retention replays.
        Instant recent = Instant.now().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        fixture.publish(Topics.FRAMES, List.of(Map.entry("door", ReplayFixture.cameraFrame("door", 3, recent, TestPhotos.bytes(TestPhotos.A2)))),
                frame -> frame.getHeader().getCaptureTime());
        TimelineReport report = replay(ReplayRequest.of(recent.minusSeconds(60), recent.plusSeconds(60), null, null), null);
        assertThat(report.people()).hasSize(1);
        assertThat(report.people().get(0).personId()).isEqualTo(personA);
        assertThat(report.people().get(0).appearances()).extracting(TimelineReport.Appearance::firstSeen).containsExactly(recent);
    }
}
