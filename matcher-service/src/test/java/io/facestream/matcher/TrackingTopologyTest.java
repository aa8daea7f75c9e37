package io.facestream.matcher;

import static io.facestream.matcher.TestInfra.unit;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.facestream.face.EmbeddingModel;
import io.facestream.matcher.gallery.Erasures;
import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.GalleryCache;
import io.facestream.matcher.gallery.PersonRepository;
import io.facestream.matcher.tracking.Tracker;
import io.facestream.matcher.tracking.TrackerSettings;
import io.facestream.schemas.AvroSerde;
import io.facestream.schemas.Box;
import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.FaceQuality;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operation;
import io.facestream.schemas.Point;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.SourceTrackState;
import io.facestream.schemas.Topics;
import io.facestream.schemas.TrackEvent;
import io.facestream.schemas.TrackEventKind;
import io.facestream.schemas.Values;
import redis.clients.jedis.JedisPooled;

/**
 * Tracking inside the matcher topology (real PostgreSQL and Redis for the gallery, each test in its own schema and key
 * prefix): camera frames in, answers with tracks and events on facestream.events out, the store changelogged.
 */
class TrackingTopologyTest {

    static final String MODEL = MatcherTopologyTest.MODEL;
    static final String CAM = "lobby-2";
    static final long T0 = 1_700_000_000_000L;
    static final long STEP = 200;
    static final String CHANGELOG = "matcher-test-" + MatcherTopology.TRACK_STORE + "-changelog";

    String schema = "tracking_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String prefix = "facestream-test:" + schema + ":";   // TestInfra.config's
    HikariDataSource dataSource;
    JedisPooled redis;
    MatcherConfig config;
    TopologyTestDriver driver;
    TestInputTopic<String, EmbeddedFrame> embeddings;
    TestOutputTopic<String, MatchResult> results;
    TestOutputTopic<String, TrackEvent> events;
    TestOutputTopic<String, SourceTrackState> changelog;

    @BeforeEach
    void start() {
        config = TestInfra.config(schema, MODEL);
        dataSource = TestInfra.migrated(config);
        redis = new JedisPooled(URI.create(config.redisUrl()));
        driver = newDriver();
    }

    private TopologyTestDriver newDriver() {
        FrameMatcher matcher = TestInfra.matcher(dataSource, redis, config);
        Properties props = TestInfra.driverProperties();
        TopologyTestDriver d = new TopologyTestDriver(MatcherTopology.build(matcher, new Tracker(TrackerSettings.defaults())), props,
                Instant.ofEpochMilli(T0));
        embeddings = d.createInputTopic(Topics.EMBEDDINGS.name(), Topics.EMBEDDINGS.keySerde().serializer(), Topics.EMBEDDINGS.valueSerde().serializer());
        results = d.createOutputTopic(Topics.MATCH_RESULTS.name(), Topics.MATCH_RESULTS.keySerde().deserializer(), Topics.MATCH_RESULTS.valueSerde().deserializer());
        events = d.createOutputTopic(Topics.EVENTS.name(), Topics.EVENTS.keySerde().deserializer(), Topics.EVENTS.valueSerde().deserializer());
        changelog = d.createOutputTopic(CHANGELOG, Serdes.String().deserializer(), AvroSerde.of(SourceTrackState.class).deserializer());
        return d;
    }

    @AfterEach
    void stop() {
        driver.close();
        TestInfra.drop(config, dataSource, redis);
    }

    record Face(float x, float y, float[] vector) {
    }

    static Face face(float x, float y, float... direction) {
        return new Face(x, y, unit(direction));
    }

    /** One camera frame, answered: its result (the frame's only one). */
    MatchResult camera(long sequence, long time, Face... faces) {
        FrameHeader header = FrameHeader.newBuilder().setId(CAM + "-" + sequence + "-" + time).setSourceKind(SourceKind.CAMERA)
                .setSourceId(CAM).setSequence(sequence).setCaptureTime(Instant.ofEpochMilli(time)).setOperation(Operation.RECOGNIZE).build();
        List<FaceEmbedding> list = new ArrayList<>();
        for (Face f : faces) {
            list.add(FaceEmbedding.newBuilder()
                    .setFace(DetectedFace.newBuilder().setFaceId(UUID.randomUUID().toString()).setBox(new Box(f.x(), f.y(), 60f, 70f))
                            .setLandmarks(List.of(new Point(1f, 1f), new Point(2f, 1f), new Point(1.5f, 2f), new Point(1f, 3f), new Point(2f, 3f)))
                            .setScore(0.95f).setQuality(new FaceQuality(30f, 60f, 0f, List.of())).build())
                    .setModel(MODEL).setVector(Values.floatList(f.vector())).build());
        }
        embeddings.pipeInput(CAM, EmbeddedFrame.newBuilder().setHeader(header).setImageWidth(640).setImageHeight(360).setFaces(list).build(),
                Instant.ofEpochMilli(time));
        List<MatchResult> answers = results.readValuesToList();
        assertThat(answers).as("exactly one answer to frame %d", sequence).hasSize(1);
        assertThat(answers.get(0).getFaces()).hasSize(faces.length);
        return answers.get(0);
    }

    void enrol(String name, float... direction) {
        embeddings.pipeInput("req-" + name, MatcherTopologyTest.frame("req-" + name, Operation.REGISTER, name, null, unit(direction)));
        assertThat(results.readValue().getRegisteredPersonId()).isNotNull();
    }

    static String track(MatchResult result, int face) {
        FaceMatch match = result.getFaces().get(face);
        return match.getTrack() == null ? null : match.getTrack().getTrackId();
    }

    @Test
    void aMovingFaceKeepsOneTrackIsIdentifiedAndEndsWhenTheCameraStops() {
        enrol("Ada Lovelace", 1, 0, 0);
        String id = null;
        for (int i = 0; i < 6; i++) {
            // Every other face is too far from her photo to be named; the track's vote is not fooled by that.
            float[] look = i % 2 == 0 ? new float[] {1, 0.3f, 0} : new float[] {1, 2f, 0};
            MatchResult r = camera(i, T0 + i * STEP, face(50 + 35 * i, 100, look));
            id = id == null ? track(r, 0) : id;
            assertThat(track(r, 0)).as("frame %d", i).isEqualTo(id);
            if (i == 5) {
                assertThat(r.getFaces().get(0).getPerson()).as("the face itself: unknown").isNull();
                assertThat(r.getFaces().get(0).getTrack().getPerson().getName()).as("its track: Ada").isEqualTo("Ada Lovelace");
            }
        }
        List<TrackEvent> so = events.readValuesToList();
        assertThat(so).extracting(TrackEvent::getKind).containsExactly(TrackEventKind.STARTED, TrackEventKind.IDENTIFIED);
        assertThat(so.get(1).getTime().toEpochMilli()).as("third named face").isEqualTo(T0 + 4 * STEP);
        assertThat(so.get(1).getPerson().getName()).isEqualTo("Ada Lovelace");

        // The camera stops sending: the wall clock ends the track (after the 10 s idle time, not the 2 s timeout).
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertThat(events.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofSeconds(6));
        List<KeyValueEvent> ended = new ArrayList<>();
        events.readKeyValuesToList().forEach(kv -> ended.add(new KeyValueEvent(kv.key, kv.value)));
        assertThat(ended).hasSize(1);
        assertThat(ended.get(0).key()).isEqualTo(CAM);
        TrackEvent end = ended.get(0).event();
        assertThat(end.getKind()).isEqualTo(TrackEventKind.ENDED);
        assertThat(end.getTrackId()).isEqualTo(id);
        assertThat(end.getFirstSeen().toEpochMilli()).isEqualTo(T0);
        assertThat(end.getLastSeen().toEpochMilli()).isEqualTo(T0 + 5 * STEP);
        assertThat(end.getFacesSeen()).isEqualTo(6);
        assertThat(end.getPerson().getName()).isEqualTo("Ada Lovelace");
        assertThat(end.getBestSimilarity()).isGreaterThan(0.9f);
        assertThat(end.getBestFaceBox()).isNotNull();
        driver.advanceWallClockTime(Duration.ofSeconds(11));
        assertThat(events.isEmpty()).as("ended once").isTrue();
    }

    record KeyValueEvent(String key, TrackEvent event) {
    }

    @Test
    void twoFacesCrossingKeepTheirTracks() {
        String a = null, b = null;
        for (int i = 0; i < 10; i++) {
            MatchResult r = camera(i, T0 + i * STEP, face(40 + 50 * i, 120, 1, 0.1f, 0), face(490 - 50 * i, 125, 0, 0.1f, 1));
            a = a == null ? track(r, 0) : a;
            b = b == null ? track(r, 1) : b;
            assertThat(track(r, 0)).as("left-to-right in frame %d", i).isEqualTo(a);
            assertThat(track(r, 1)).as("right-to-left in frame %d", i).isEqualTo(b);
        }
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void aFaceMissingForAFewFramesKeepsItsTrack() {
        String id = track(camera(0, T0, face(100, 100, 1, 0, 0)), 0);
        for (int i = 1; i < 6; i++) {
            camera(i, T0 + i * STEP);
        }
        assertThat(track(camera(6, T0 + 6 * STEP, face(104, 101, 1, 0.05f, 0)), 0)).isEqualTo(id);
        assertThat(events.readValuesToList()).extracting(TrackEvent::getKind).containsExactly(TrackEventKind.STARTED);
    }

    @Test
    void outOfOrderAndDuplicatedFramesAreAnsweredWithoutMovingTracks() {
        String id = track(camera(0, T0, face(100, 100, 1, 0, 0)), 0);
        camera(2, T0 + 2 * STEP, face(120, 100, 1, 0, 0));
        MatchResult late = camera(1, T0 + STEP, face(110, 100, 1, 0, 0));
        MatchResult again = camera(2, T0 + 2 * STEP, face(120, 100, 1, 0, 0));
        assertThat(track(late, 0)).isEqualTo(id);
        assertThat(track(again, 0)).isEqualTo(id);
        assertThat(again.getFaces().get(0).getTrack().getFacesSeen()).as("not counted twice").isEqualTo(2);
        SourceTrackState state = store().get(CAM);
        assertThat(state.getLastSequence()).isEqualTo(2);
        assertThat(state.getTracks().get(0).getFacesSeen()).isEqualTo(2);
        assertThat(camera(3, T0 + 3 * STEP, face(130, 100, 1, 0, 0)).getFaces().get(0).getTrack().getFacesSeen()).isEqualTo(3);
    }

    @Test
    void aCameraThatRestartsOrWhoseClockJumpsGetsNewTracks() {
        String first = track(camera(0, T0, face(100, 100, 1, 0, 0)), 0);
        camera(1, T0 + STEP, face(100, 100, 1, 0, 0));
        String second = track(camera(0, T0 + 2 * STEP, face(100, 100, 1, 0, 0)), 0);   // sequence starts over
        assertThat(second).isNotEqualTo(first);
        String third = track(camera(1, T0 - 3_600_000, face(100, 100, 1, 0, 0)), 0);  // clock an hour back
        assertThat(third).isNotIn(first, second);
        assertThat(events.readValuesToList()).extracting(TrackEvent::getKind).containsExactly(
                TrackEventKind.STARTED, TrackEventKind.ENDED, TrackEventKind.STARTED, TrackEventKind.ENDED, TrackEventKind.STARTED);
    }

    @Test
    void aRestartedMatcherResumesItsTracksFromTheChangelog() {
        enrol("Ada Lovelace", 1, 0, 0);
        String id = null;
        for (int i = 0; i < 4; i++) {
            id = track(camera(i, T0 + i * STEP, face(100 + 10 * i, 100, 1, 0.2f, 0)), 0);
        }
        assertThat(events.readValuesToList()).extracting(TrackEvent::getKind).containsExactly(TrackEventKind.STARTED, TrackEventKind.IDENTIFIED);
        Map<String, SourceTrackState> latest = new LinkedHashMap<>();
        changelog.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
        assertThat(latest).containsOnlyKeys(CAM);

        // The instance dies with its state folder; a new one restores the store from the changelog, as Streams does.
        driver.close();
        driver = newDriver();
        KeyValueStore<String, SourceTrackState> restored = store();
        assertThat(restored.get(CAM)).as("a fresh store").isNull();
        latest.forEach(restored::put);

        MatchResult next = camera(4, T0 + 4 * STEP, face(140, 100, 1, 0.2f, 0));
        assertThat(track(next, 0)).isEqualTo(id);
        assertThat(next.getFaces().get(0).getTrack().getFacesSeen()).isEqualTo(5);
        assertThat(next.getFaces().get(0).getTrack().getPerson().getName()).isEqualTo("Ada Lovelace");
        assertThat(events.isEmpty()).as("no second STARTED or IDENTIFIED").isTrue();
        // The frame processed again after the restart (its offset was not committed) is a duplicate, not a new face.
        MatchResult replayed = camera(4, T0 + 4 * STEP, face(140, 100, 1, 0.2f, 0));
        assertThat(replayed.getFaces().get(0).getTrack().getFacesSeen()).isEqualTo(5);
    }

    @Test
    void requestsAreNotTracked() {
        enrol("Ada Lovelace", 1, 0, 0);
        embeddings.pipeInput("req-2", MatcherTopologyTest.frame("req-2", Operation.RECOGNIZE, null, null, unit(1, 0, 0)));
        assertThat(results.readValue().getFaces().get(0).getTrack()).isNull();
        assertThat(events.isEmpty()).isTrue();
        assertThat(store().get("req-2")).isNull();
    }

    private KeyValueStore<String, SourceTrackState> store() {
        return driver.getKeyValueStore(MatcherTopology.TRACK_STORE);
    }
}
