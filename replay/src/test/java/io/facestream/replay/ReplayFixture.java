package io.facestream.replay;

import java.nio.ByteBuffer;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.facestream.detector.DetectorConfig;
import io.facestream.detector.FrameDetector;
import io.facestream.embedder.EmbedderConfig;
import io.facestream.embedder.FrameEmbedder;
import io.facestream.face.Detector;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.face.TestModels;
import io.facestream.matcher.MatcherConfig;
import io.facestream.matcher.MatcherService;
import io.facestream.matcher.gallery.PersonRepository;
import io.facestream.models.ModelStore;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.TopicBootstrap;
import io.facestream.schemas.Topics;
import io.facestream.schemas.TypedTopic;
import io.facestream.schemas.Values;
import redis.clients.jedis.JedisPooled;

/**
 * What the replay tests share: a real embedded broker with the pipeline's topics, the machine's PostgreSQL (a schema of
 * its own) and Redis (a key prefix of its own), the real models, and people enrolled through the matcher's own
 * repository, as the live matcher would have stored them.
 */
final class ReplayFixture implements AutoCloseable {

    static final String DATABASE_URL = System.getenv().getOrDefault("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    final EmbeddedKafkaKraftBroker broker;
    final String schema = "replay_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final String prefix = "facestream-test:" + schema + ":";
    final MatcherConfig matcher;
    final ReplayEnvironment environment;
    final HikariDataSource writer;
    final JedisPooled redis;
    final ModelStore models;

    ReplayFixture() {
        DetectorConfig detector = DetectorConfig.fromEnvironment();
        EmbedderConfig embedder = EmbedderConfig.fromEnvironment();
        models = TestModels.store(detector.detector().modelName(), Recognizer.byModelName(embedder.recognizer()).modelName());
        // Retention checked every second, so a test can watch the broker expire frames instead of deleting them itself.
        broker = new EmbeddedKafkaKraftBroker(1, 2);
        broker.brokerProperties(Map.of("log.retention.check.interval.ms", "1000"));
        broker.afterPropertiesSet();
        TopicBootstrap.ensureTopics(broker.getBrokersAsString());
        MatcherConfig base = MatcherConfig.fromEnvironment();
        matcher = new MatcherConfig(broker.getBrokersAsString(), base.applicationId(), 1, DATABASE_URL, "postgres", "", schema, REDIS_URL, prefix,
                base.recentFaceSeconds(), base.thresholds());
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(DATABASE_URL);
        hikari.setUsername("postgres");
        hikari.setSchema(schema);
        hikari.setMaximumPoolSize(2);
        writer = new HikariDataSource(hikari);
        MatcherService.migrate(writer, schema);
        redis = new JedisPooled(java.net.URI.create(REDIS_URL));
        environment = new ReplayEnvironment(broker.getBrokersAsString(), matcher, detector, embedder, () -> models);
    }

    String bootstrap() {
        return broker.getBrokersAsString();
    }

    static Frame cameraFrame(String camera, long sequence, Instant time, byte[] jpeg) {
        return frame(camera, SourceKind.CAMERA, Operation.RECOGNIZE, sequence, time, jpeg);
    }

    static Frame frame(String source, SourceKind kind, Operation operation, long sequence, Instant time, byte[] jpeg) {
        FrameHeader header = FrameHeader.newBuilder().setId(UUID.randomUUID().toString()).setSourceKind(kind).setSourceId(source)
                .setSequence(sequence).setCaptureTime(time).setOperation(operation).build();
        return Frame.newBuilder().setHeader(header).setImage(ByteBuffer.wrap(jpeg)).build();
    }

    /** Records with their capture time as the Kafka timestamp, as cameras write them. */
    <V> void publish(TypedTopic<String, V> topic, List<Map.Entry<String, V>> records, java.util.function.Function<V, Instant> time) {
        Serializer<String> keys = topic.keySerde().serializer();
        Serializer<V> values = topic.valueSerde().serializer();
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(), "max.request.size", 8 * 1024 * 1024),
                keys, values)) {
            for (Map.Entry<String, V> record : records) {
                producer.send(new ProducerRecord<>(topic.name(), null, time.apply(record.getValue()).toEpochMilli(), record.getKey(), record.getValue()));
            }
            producer.flush();
        }
    }

    /** Enrols a person from a photo with one face, through the models and the matcher's repository. */
    long enrol(String name, byte[] photo) throws Exception {
        String frameId = "enrol-" + name;
        FaceEmbedding face = embedOne(frameId, photo);
        return new PersonRepository(writer).register(frameId, name, face.getModel(), Values.floats(face.getVector())).person().getPersonId();
    }

    /** Stores the photo's face as a negative example of the person ("this is not them"), as the matcher's people writer does. */
    long addNegative(long personId, byte[] photo) throws Exception {
        String frameId = "negative-" + personId + "-" + java.util.UUID.randomUUID();
        FaceEmbedding face = embedOne(frameId, photo);
        return new PersonRepository(writer).addNegative(frameId, personId, face.getModel(), Values.floats(face.getVector())).orElseThrow().storedFaceId();
    }

    void removeNegative(long personId, long negativeId) {
        new PersonRepository(writer).removeNegative(personId, negativeId).orElseThrow();
    }

    /** The single face of a photo, embedded through the models. */
    private FaceEmbedding embedOne(String frameId, byte[] photo) throws Exception {
        Detector chosen = environment.detector().detector();
        try (FaceDetector detector = chosen.create(models, chosen.defaultSettings());
             FaceEmbedder embedder = OnnxFaceEmbedder.create(Recognizer.byModelName(environment.embedder().recognizer()), models,
                     environment.embedder().flip())) {
            Frame frame = frame(frameId, SourceKind.REQUEST, Operation.REGISTER, 0, Instant.now(), photo);
            EmbeddedFrame embedded = new FrameEmbedder(embedder).embed(new FrameDetector(detector, chosen.enrolmentRules(), embedder.recognizer()).detect(frame));
            if (embedded.getFaces().size() != 1) {
                throw new IllegalStateException(frameId + ": the photo has " + embedded.getFaces().size() + " faces");
            }
            return embedded.getFaces().get(0);
        }
    }

    /** End offsets of every pipeline topic: what "nothing was produced" is checked against. */
    Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> query = new HashMap<>();
            for (var description : admin.describeTopics(Topics.ALL.stream().map(TypedTopic::name).toList()).allTopicNames().get().values()) {
                description.partitions().forEach(p -> query.put(new TopicPartition(description.name(), p.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest()));
            }
            admin.listOffsets(query).all().get().forEach((partition, info) -> out.put(partition, info.offset()));
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        writer.close();
        try (var connection = DriverManager.getConnection(DATABASE_URL, "postgres", "");
             var statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        }
        for (String key : redis.keys(prefix + "*")) {
            redis.del(key);
        }
        redis.close();
        broker.destroy();
    }
}
