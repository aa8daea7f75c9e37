package io.facestream.matcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.GalleryCache;
import io.facestream.matcher.gallery.PersonRepository;
import io.facestream.schemas.Box;
import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operation;
import io.facestream.schemas.PersonChange;
import io.facestream.schemas.Point;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;
import io.facestream.schemas.Values;
import redis.clients.jedis.JedisPooled;

/** The matcher topology against the machine's real PostgreSQL and Redis (each test in its own schema and key prefix). */
class MatcherTopologyTest {

    static final String MODEL = "arcface-mbf-int8";

    String schema = "matcher_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String prefix = "facestream-test:" + schema + ":";
    HikariDataSource dataSource;
    JedisPooled redis;
    TopologyTestDriver driver;
    TestInputTopic<String, EmbeddedFrame> embeddings;
    TestOutputTopic<String, MatchResult> results;
    TestOutputTopic<String, PersonChange> changes;
    MatcherConfig config;

    @BeforeEach
    void start() {
        config = new MatcherConfig("unused:9092", "matcher-test", 1, TestInfra.databaseUrl(), "postgres", "", schema,
                TestInfra.redisUrl(), prefix, 1, Map.of(MODEL, 0.5f));
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(config.databaseUrl());
        dataSource.setUsername(config.databaseUser());
        dataSource.setSchema(schema);
        Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).load().migrate();
        redis = new JedisPooled(URI.create(config.redisUrl()));
        driver = newDriver();
    }

    private TopologyTestDriver newDriver() {
        PersonRepository people = new PersonRepository(dataSource);
        GalleryCache cache = new GalleryCache(redis, prefix);
        Galleries galleries = new Galleries(people, cache, List.of(MODEL));
        FrameMatcher matcher = new FrameMatcher(galleries, people, cache, new RecentFaces(redis, prefix, config.recentFaceSeconds()), config);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "matcher-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        TopologyTestDriver d = new TopologyTestDriver(MatcherTopology.build(matcher), props);
        embeddings = d.createInputTopic(Topics.EMBEDDINGS.name(), Topics.EMBEDDINGS.keySerde().serializer(), Topics.EMBEDDINGS.valueSerde().serializer());
        results = d.createOutputTopic(Topics.MATCH_RESULTS.name(), Topics.MATCH_RESULTS.keySerde().deserializer(), Topics.MATCH_RESULTS.valueSerde().deserializer());
        changes = d.createOutputTopic(Topics.PERSON_CHANGES.name(), Topics.PERSON_CHANGES.keySerde().deserializer(), Topics.PERSON_CHANGES.valueSerde().deserializer());
        return d;
    }

    @AfterEach
    void stop() {
        driver.close();
        try (var c = dataSource.getConnection(); var st = c.createStatement()) {
            st.execute("drop schema " + schema + " cascade");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        redis.keys(prefix + "*").forEach(redis::del);
        redis.close();
        dataSource.close();
    }

    @Test
    void registeredPersonIsRecognizedAndStrangerIsUnknown() {
        embeddings.pipeInput("req-1", frame("req-1", Operation.REGISTER, "Ada Lovelace", null, unit(1, 0, 0)));
        MatchResult registered = results.readValue();
        assertThat(registered.getError()).isNull();
        assertThat(registered.getRegisteredPersonId()).isNotNull();
        assertThat(changes.readKeyValue().key).isEqualTo(MODEL + "/" + registered.getRegisteredPersonId());

        embeddings.pipeInput("req-2", frame("req-2", Operation.RECOGNIZE, null, null, unit(0.9f, 0.1f, 0), unit(0, 0, 1)));
        MatchResult recognized = results.readValue();

        assertThat(recognized.getFaces()).hasSize(2);
        assertThat(recognized.getFaces().get(0).getPerson().getName()).isEqualTo("Ada Lovelace");
        assertThat(recognized.getFaces().get(0).getPerson().getSimilarity()).isGreaterThan(0.9f);
        assertThat(recognized.getFaces().get(1).getPerson()).as("every face gets an answer: unknown").isNull();
        assertThat(recognized.getFaces().get(1).getBestSimilarity()).isLessThan(0.5f);
        assertThat(recognized.getThreshold()).isEqualTo(0.5f);
    }

    @Test
    void replayedRegistrationEnrolsNobodyTwice() throws Exception {
        EmbeddedFrame register = frame("req-1", Operation.REGISTER, "Grace", null, unit(1, 0, 0));
        embeddings.pipeInput("req-1", register);
        embeddings.pipeInput("req-1", register);
        List<MatchResult> both = results.readValuesToList();
        assertThat(both.get(0).getRegisteredPersonId()).isEqualTo(both.get(1).getRegisteredPersonId());
        try (var c = dataSource.getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("select count(*) from person")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void galleryIsRebuiltFromCacheAndDatabaseAfterRestart() {
        embeddings.pipeInput("req-1", frame("req-1", Operation.REGISTER, "Linus", null, unit(0, 1, 0)));
        results.readValue();
        driver.close();
        driver = newDriver();   // loads from the Redis cache
        embeddings.pipeInput("req-2", frame("req-2", Operation.RECOGNIZE, null, null, unit(0, 1, 0)));
        assertThat(results.readValue().getFaces().get(0).getPerson().getName()).isEqualTo("Linus");

        redis.keys(prefix + "gallery*").forEach(redis::del);
        driver.close();
        driver = newDriver();   // cache gone: loads from PostgreSQL
        embeddings.pipeInput("req-3", frame("req-3", Operation.RECOGNIZE, null, null, unit(0, 1, 0)));
        assertThat(results.readValue().getFaces().get(0).getPerson().getName()).isEqualTo("Linus");
    }

    @Test
    void registrationNeedsExactlyOneFace() {
        embeddings.pipeInput("a", frame("a", Operation.REGISTER, "Nobody", null));
        assertThat(results.readValue().getError().getCode()).isEqualTo("NO_FACE");
        embeddings.pipeInput("b", frame("b", Operation.REGISTER, "Crowd", null, unit(1, 0, 0), unit(0, 1, 0)));
        assertThat(results.readValue().getError().getCode()).isEqualTo("MULTIPLE_FACES");
        assertThat(changes.isEmpty()).isTrue();
    }

    @Test
    void detectedFaceCanBeRegisteredByIdUntilItExpires() throws Exception {
        embeddings.pipeInput("d", frame("d", Operation.DETECT, null, null, unit(0, 0, 1)));
        MatchResult detected = results.readValue();
        String faceId = detected.getFaces().get(0).getFace().getFaceId();

        embeddings.pipeInput("r", frame("r", Operation.REGISTER, "Margaret", faceId));
        assertThat(results.readValue().getRegisteredPersonId()).isNotNull();

        embeddings.pipeInput("d2", frame("d2", Operation.DETECT, null, null, unit(0, 1, 1)));
        String laterId = results.readValue().getFaces().get(0).getFace().getFaceId();
        Thread.sleep(2100); // this test keeps faces 1 s
        embeddings.pipeInput("r2", frame("r2", Operation.REGISTER, "Too late", laterId));
        assertThat(results.readValue().getError().getCode()).isEqualTo("FACE_NOT_FOUND");
    }

    @Test
    void poorFaceIsNotEnrolled() throws Exception {
        EmbeddedFrame frame = frame("q", Operation.REGISTER, "Blurry", null, unit(1, 0, 0));
        frame.getFaces().get(0).getFace().setQuality(new io.facestream.schemas.FaceQuality(40f, 8f, 0.1f,
                List.of("face too blurred (sharpness 8, at least 20 needed)")));
        embeddings.pipeInput("q", frame);
        MatchResult result = results.readValue();
        assertThat(result.getError().getCode()).isEqualTo("LOW_QUALITY");
        assertThat(result.getError().getMessage()).contains("blurred");
        assertThat(changes.isEmpty()).isTrue();
        try (var c = dataSource.getConnection(); var st = c.createStatement(); var rs = st.executeQuery("select count(*) from person")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void upstreamErrorsPassThrough() {
        EmbeddedFrame failed = frame("x", Operation.RECOGNIZE, null, null);
        failed.setError(new io.facestream.schemas.PipelineError("INVALID_IMAGE", "not a JPEG or PNG image"));
        embeddings.pipeInput("x", failed);
        assertThat(results.readValue().getError().getCode()).isEqualTo("INVALID_IMAGE");
    }

    static float[] unit(float... v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return out;
    }

    static EmbeddedFrame frame(String id, Operation operation, String name, String faceId, float[]... vectors) {
        FrameHeader header = FrameHeader.newBuilder().setId(id).setSourceKind(SourceKind.REQUEST).setSourceId(id)
                .setCaptureTime(Instant.now()).setOperation(operation).setRegistrationName(name).setFaceId(faceId).build();
        List<FaceEmbedding> faces = java.util.Arrays.stream(vectors).map(v -> FaceEmbedding.newBuilder()
                .setFace(DetectedFace.newBuilder().setFaceId(UUID.randomUUID().toString()).setBox(new Box(1f, 2f, 30f, 40f))
                        .setLandmarks(List.of(new Point(1f, 1f), new Point(2f, 1f), new Point(1.5f, 2f), new Point(1f, 3f), new Point(2f, 3f)))
                        .setScore(0.99f).build())
                .setModel(MODEL).setVector(Values.floatList(v)).build()).toList();
        return EmbeddedFrame.newBuilder().setHeader(header).setImageWidth(100).setImageHeight(100).setFaces(faces).build();
    }
}
