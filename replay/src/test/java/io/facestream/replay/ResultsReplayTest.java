package io.facestream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.facestream.face.TestPhotos;
import io.facestream.matcher.gallery.Erasures;
import io.facestream.schemas.Box;
import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.FaceQuality;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operation;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.Point;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;
import io.facestream.schemas.TrackEvent;
import io.facestream.schemas.TrackEventKind;
import io.facestream.schemas.TrackIdentity;

/**
 * Reports from the live answers alone (facestream.matches and facestream.events), through a real broker: no model runs,
 * names come from the answers, and who is enrolled now decides who is listed.
 */
class ResultsReplayTest {

    static final Instant T0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

    static ReplayFixture fixture;
    static long ada;
    static long bob;

    @BeforeAll
    static void publishAnswers() throws Exception {
        fixture = new ReplayFixture();
        ada = fixture.enrol("Ada", TestPhotos.bytes(TestPhotos.A1));
        bob = fixture.enrol("Bob", TestPhotos.bytes(TestPhotos.B1));
        List<Map.Entry<String, MatchResult>> results = new ArrayList<>();
        // gate-1 without tracks (answers from before live tracking): Ada for 0.6 s, then a stranger elsewhere in the picture.
        for (int i = 0; i < 4; i++) {
            results.add(Map.entry("gate-1", result("gate-1", i, T0.plusMillis(200L * i), face(100, new PersonMatch(ada, "Ada", 0.96f), null))));
        }
        results.add(Map.entry("gate-1", result("gate-1", 4, T0.plusSeconds(30), face(400, null, null))));
        // gate-2 with the live tracker's tracks: Bob's track t-9, named by its vote.
        TrackIdentity bobTrack = TrackIdentity.newBuilder().setTrackId("t-9").setPerson(new PersonMatch(bob, "Bob", 0.95f)).setFacesSeen(2).build();
        results.add(Map.entry("gate-2", result("gate-2", 0, T0.plusSeconds(60), face(50, null, bobTrack))));
        results.add(Map.entry("gate-2", result("gate-2", 1, T0.plusSeconds(61), face(52, new PersonMatch(bob, "Bob", 0.955f), bobTrack))));
        // A REST request's answer in the period: not a camera, not in the report.
        results.add(Map.entry("req-1", MatchResult.newBuilder(result("req-1", 0, T0.plusSeconds(5), face(100, new PersonMatch(ada, "Ada", 0.99f), null)))
                .setHeader(header("req-1", 0, T0.plusSeconds(5), SourceKind.REQUEST)).build()));
        fixture.publish(Topics.MATCH_RESULTS, results, result -> result.getHeader().getCaptureTime());
        fixture.publish(Topics.EVENTS, List.of(
                Map.entry("gate-2", event("gate-2", "t-9", TrackEventKind.STARTED, T0.plusSeconds(60), null)),
                Map.entry("gate-2", event("gate-2", "t-9", TrackEventKind.IDENTIFIED, T0.plusSeconds(61), new PersonMatch(bob, "Bob", 0.955f)))),
                TrackEvent::getTime);
    }

    @AfterAll
    static void close() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    static FrameHeader header(String source, long sequence, Instant time, SourceKind kind) {
        return FrameHeader.newBuilder().setId(UUID.randomUUID().toString()).setSourceKind(kind).setSourceId(source).setSequence(sequence)
                .setCaptureTime(time).setOperation(Operation.RECOGNIZE).build();
    }

    static MatchResult result(String camera, long sequence, Instant time, FaceMatch face) {
        return MatchResult.newBuilder().setHeader(header(camera, sequence, time, SourceKind.CAMERA)).setImageWidth(640).setImageHeight(360)
                .setFaces(List.of(face)).setThreshold(0.944f).build();
    }

    static FaceMatch face(float x, PersonMatch person, TrackIdentity track) {
        List<Point> landmarks = List.of(new Point(x + 10, 60f), new Point(x + 30, 60f), new Point(x + 20, 70f), new Point(x + 12, 80f), new Point(x + 28, 80f));
        DetectedFace detected = DetectedFace.newBuilder().setFaceId(UUID.randomUUID().toString()).setBox(new Box(x, 50f, 40f, 40f))
                .setLandmarks(landmarks).setScore(0.9f).setQuality(new FaceQuality(20f, 300f, 0f, List.of())).build();
        return FaceMatch.newBuilder().setFace(detected).setPerson(person).setBestSimilarity(person == null ? 0.8f : person.getSimilarity())
                .setTrack(track).build();
    }

    static TrackEvent event(String camera, String track, TrackEventKind kind, Instant time, PersonMatch person) {
        return TrackEvent.newBuilder().setSourceId(camera).setSourceKind(SourceKind.CAMERA).setTrackId(track).setKind(kind).setTime(time)
                .setPerson(person).setConfidence(person == null ? 0f : 1f).setFirstSeen(T0.plusSeconds(60)).setLastSeen(time).build();
    }

    static ReplayRequest range(Set<String> cameras, Set<Long> people) {
        return ReplayRequest.of(T0.minusSeconds(10), T0.plusSeconds(600), cameras, people);
    }

    @Test
    void appearancesAndEventsComeFromTheLiveAnswersWithoutModels(@TempDir Path dir) throws Exception {
        TimelineReport report = new ResultsReplay(fixture.environment).run(range(Set.of(), Set.of()), dir.resolve("r"), p -> { }, () -> false);

        assertThat(report.source()).isEqualTo("results");
        assertThat(report.cameras()).extracting(TimelineReport.CameraSummary::camera).containsExactly("gate-1", "gate-2");
        assertThat(report.people()).extracting(TimelineReport.PersonTimeline::name).containsExactly("Ada", "Bob");
        TimelineReport.Appearance adaAt = report.people().get(0).appearances().get(0);
        assertThat(adaAt.camera()).isEqualTo("gate-1");
        assertThat(adaAt.firstSeen()).isEqualTo(T0);
        assertThat(adaAt.lastSeen()).isEqualTo(T0.plusMillis(600));
        assertThat(adaAt.frames()).isEqualTo(4);
        assertThat(adaAt.crop()).isNull();
        TimelineReport.Appearance bobAt = report.people().get(1).appearances().get(0);
        assertThat(bobAt.tracks()).containsExactly("t-9");
        assertThat(bobAt.frames()).isEqualTo(2);
        assertThat(bobAt.bestSimilarity()).isEqualTo(0.955f);
        assertThat(report.unknownTracks()).extracting(TimelineReport.UnknownTrack::camera).containsExactly("gate-1");
        assertThat(report.events()).extracting(TimelineReport.Event::kind).containsExactly("STARTED", "IDENTIFIED");
        assertThat(Files.readAllLines(dir.resolve("r/events.csv"))).hasSize(3).last().asString().contains("IDENTIFIED", "Bob");
    }

    @Test
    void anErasedPersonIsLeftOutOfAppearancesAndEventsAndUnknownCamerasAreRefused(@TempDir Path dir) throws Exception {
        new Erasures(fixture.redis, fixture.prefix).mark(bob);
        try {
            TimelineReport report = new ResultsReplay(fixture.environment).run(range(Set.of("gate-2"), Set.of()), dir.resolve("r"), p -> { }, () -> false);
            assertThat(report.people()).isEmpty();
            assertThat(report.events()).extracting(TimelineReport.Event::personId).containsOnlyNulls();
            assertThat(Files.readString(dir.resolve("r/report.json"))).doesNotContain("Bob");
        } finally {
            fixture.redis.del(fixture.prefix + "erased:" + bob);
        }
        assertThatThrownBy(() -> new ResultsReplay(fixture.environment).run(range(Set.of("gate-9"), Set.of()), null, p -> { }, () -> false))
                .isInstanceOfSatisfying(ReplayException.class, e -> assertThat(e.reason()).isEqualTo(ReplayException.Reason.UNKNOWN_CAMERA))
                .hasMessageContaining("gate-1, gate-2");
    }
}
