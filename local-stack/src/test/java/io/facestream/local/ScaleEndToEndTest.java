package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.facestream.face.TestData;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;
import io.facestream.schemas.TypedTopic;

/**
 * Issue 13, items 3 and 4: every service as its own JVM against one broker — 2 detectors, 2 embedders, 2 matchers and 2
 * gateways — with camera frames published straight to Kafka and REST requests through both gateways. Work spreads over
 * the instances (each one's own stage counter, scraped from its management port, moves), every camera frame is answered,
 * and then instances are killed with SIGKILL and started again, the broker is restarted, and PostgreSQL and Redis are
 * cut off (TCP proxies in front of the machine's shared servers, so only these services lose them).
 *
 * <p>The guarantee is at-least-once with idempotent answers (PipelineStreams): after a kill, the frames the dead
 * instance had handled since its last commit (at most 1 s of them, the commit interval) are handled again by its
 * successor, so a camera can see a frame answered twice — the same answer, under the same frame id. The counts are
 * printed and asserted: every frame sent is answered, duplicates only after kills, and every duplicate equal to the first.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleEndToEndTest {

    static final String SCHEMA = "scale_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static final String ADMIN_KEY = "fs_scale_admin_" + UUID.randomUUID().toString().replace("-", "");
    /** Both settings of item 3 at once: these topics exist only under the prefix and with 6 partitions. */
    static final String PREFIX = "scale.";
    static final int PARTITIONS = 6;
    static final String FRAMES = PREFIX + Topics.FRAMES.name();
    static final String MATCHES = PREFIX + Topics.MATCH_RESULTS.name();
    static final Path PHOTOS = Path.of("../face-core/src/test/resources/io/facestream/face/photos").toAbsolutePath().normalize();

    static Path home;
    static LocalKafka kafka;
    static int kafkaPort;
    static int controllerPort;
    static TcpProxy postgres;
    static TcpProxy redis;
    static final Map<String, List<ServiceProcess>> services = new HashMap<>();
    static final List<Integer> gatewayPorts = new ArrayList<>();
    static KafkaProducer<String, Frame> cameras;
    static Answers answers;
    static byte[] knownPhoto;
    static byte[] strangerPhoto;

    @BeforeAll
    static void start() throws Exception {
        TestData.dir();
        assertThat(TypedTopic.PREFIX).as("this JVM's own topics are unprefixed; the services get " + PREFIX).isEmpty();
        knownPhoto = Files.readAllBytes(PHOTOS.resolve("person-a-2.jpg"));
        strangerPhoto = Files.readAllBytes(PHOTOS.resolve("person-b-1.jpg"));
        home = Files.createTempDirectory("facestream-scale");
        kafkaPort = LocalStack.freePort();
        controllerPort = LocalStack.freePort();
        kafka = LocalKafka.start(home.resolve("kafka"), kafkaPort, controllerPort);
        postgres = new TcpProxy("127.0.0.1", 5432);
        redis = new TcpProxy("127.0.0.1", 6379);
        Path logs = Files.createDirectories(Path.of("target", "scale-logs"));

        Map<String, String> common = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "facestream.topic.prefix", PREFIX,
                "facestream.topic.partitions", String.valueOf(PARTITIONS),
                "database.url", "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/test",
                "database.user", "postgres",
                "redis.url", "redis://127.0.0.1:" + redis.port(),
                "facestream.db.schema", SCHEMA,
                "facestream.redis.prefix", "facestream-test:" + SCHEMA + ":",
                "facestream.admin.key", ADMIN_KEY));
        common.put("facestream.requests.per.minute", "0");
        common.put("facestream.gateway.kafka-bootstrap-servers", kafka.bootstrapServers());
        // Generous for a machine shared with other builds: a REST caller waits out a killed instance's rebalance (10 s
        // session timeout) plus the backlog, instead of getting 504 for a frame that is answered a little later.
        common.put("facestream.gateway.reply-timeout", "45s");

        // Topic creation turned off on an empty cluster: the service stops at once, naming what to create.
        ServiceProcess noTopics = new ServiceProcess("detector-no-topics", "io.facestream.detector.DetectorService",
                with(common, "facestream.create.topics", "false"), logs);
        noTopics.start();
        assertThat(noTopics.waitForExit(Duration.ofSeconds(90))).as("a service that may not create topics stops when they are missing").isTrue();
        assertThat(noTopics.tail()).contains("FACESTREAM_CREATE_TOPICS=false", FRAMES + " (" + PARTITIONS + " partitions");

        for (int i = 1; i <= 2; i++) {
            add("detector", new ServiceProcess("detector-" + i, "io.facestream.detector.DetectorService", common, logs));
            add("embedder", new ServiceProcess("embedder-" + i, "io.facestream.embedder.EmbedderService", common, logs));
            add("matcher", new ServiceProcess("matcher-" + i, "io.facestream.matcher.MatcherService", common, logs));
            int port = LocalStack.freePort();
            gatewayPorts.add(port);
            add("gateway", new ServiceProcess("gateway-" + i, "io.facestream.gateway.GatewayApplication", with(common, "server.port", String.valueOf(port)), logs));
        }
        for (List<ServiceProcess> group : services.values()) {
            for (ServiceProcess service : group) {
                service.start();
            }
        }
        for (List<ServiceProcess> group : services.values()) {
            for (ServiceProcess service : group) {
                service.awaitUp(group == services.get("gateway") ? "/actuator/health" : "/health", Duration.ofSeconds(240));
            }
        }

        cameras = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.ACKS_CONFIG, "all"), Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer());
        answers = new Answers(kafka.bootstrapServers());
    }

    static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    static void add(String kind, ServiceProcess service) {
        services.computeIfAbsent(kind, k -> new ArrayList<>()).add(service);
    }

    static ServiceProcess service(String kind, int index) {
        return services.get(kind).get(index);
    }

    static Gateway gateway(int index) {
        return new Gateway("http://127.0.0.1:" + gatewayPorts.get(index), ADMIN_KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        if (answers != null) {
            answers.close();
        }
        if (cameras != null) {
            cameras.close(Duration.ofSeconds(5));
        }
        for (List<ServiceProcess> group : services.values()) {
            for (ServiceProcess service : group) {
                service.close();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (redis != null) {
            redis.close();
        }
        TestSchema.drop(SCHEMA);
    }

    @Test
    @Order(1)
    void workSpreadsOverTwoInstancesOfEveryServiceAndEveryFrameGetsOneAnswer() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(FRAMES, MATCHES)).allTopicNames().get();
            assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions()).hasSize(PARTITIONS));
            assertThat(admin.listTopics().names().get()).as("no unprefixed topic").noneMatch(name -> name.startsWith("facestream."));
        }
        Gateway.Answer enrolled = gateway(0).postForm("/api/recognition/register", "name", "Person A", "file", PHOTOS.resolve("person-a-1.jpg"));
        assertThat(enrolled.status()).as(enrolled.body().toString()).isEqualTo(201);

        Map<String, Double> before = stageCounts();
        // 8 cameras, so their keys spread over the 6 partitions; REST requests through both gateways at the same time.
        List<String> sent = publish(8, 6, Duration.ofMillis(150));
        List<Gateway.Answer> rest = new CopyOnWriteArrayList<>();
        Thread[] callers = new Thread[2];
        for (int g = 0; g < 2; g++) {
            Gateway client = gateway(g);
            callers[g] = new Thread(() -> {
                for (int i = 0; i < 6; i++) {
                    rest.add(client.recognize(PHOTOS.resolve("person-a-2.jpg")));
                }
            });
            callers[g].start();
        }
        for (Thread caller : callers) {
            caller.join(120_000);
        }
        answers.awaitAll(sent, Duration.ofSeconds(120));
        Counts counts = answers.count(sent);
        Map<String, Double> after = stageCounts();
        System.out.printf("spread: %s; REST statuses %s%n", counts, rest.stream().map(Gateway.Answer::status).toList());
        System.out.printf("frames per instance: %s%n", after.entrySet().stream().map(e -> e.getKey() + "=" + (e.getValue() - before.get(e.getKey())))
                .sorted().collect(Collectors.joining(", ")));
        assertThat(counts.answered()).as("frames sent = frames answered").isEqualTo(sent.size());
        assertThat(counts.duplicates()).as("no instance died: nothing handled twice").isZero();
        assertThat(counts.named("Person A")).isEqualTo(sent.size());
        assertThat(rest).hasSize(12).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body().get("recognized_faces").get(0).get("name").asText()).isEqualTo("Person A");
        });

        for (String instance : after.keySet()) {
            assertThat(after.get(instance) - before.get(instance)).as(instance + " took part").isPositive();
        }
        // The gateway's metrics on its management port need no key (scraped above); the API port still asks for one.
        assertThat(service("gateway", 0).status("/actuator/prometheus")).isEqualTo(200);
        assertThat(new Gateway("http://127.0.0.1:" + gatewayPorts.get(0), "no-key").get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(service("detector", 0).metric("/metrics", "kafka_stream_thread_process_total")).as("Kafka Streams' own metrics are bound").isPositive();
    }

    /** Each instance's own count of frames through its stage: detectors "detected", ..., gateways "answered". */
    static Map<String, Double> stageCounts() {
        Map<String, Double> counts = new HashMap<>();
        Map<String, String> stages = Map.of("detector", "detected", "embedder", "embedded", "matcher", "matched", "gateway", "answered");
        services.forEach((kind, group) -> group.forEach(service -> counts.put(service.name,
                service.metric(kind.equals("gateway") ? "/actuator/prometheus" : "/metrics", "facestream_frames_total", "stage=\"" + stages.get(kind) + "\""))));
        return counts;
    }

    @Test
    @Order(2)
    void postgresDownRecognitionGoesOnFromMemoryAndEnrolmentAnswers503() throws Exception {
        postgres.cut();
        try {
            Gateway.Answer recognized = gateway(1).recognize(PHOTOS.resolve("person-a-2.jpg"));
            assertThat(recognized.status()).as(recognized.body().toString()).isEqualTo(200);
            assertThat(recognized.body().get("recognized_faces").get(0).get("name").asText()).isEqualTo("Person A");
            Gateway.Answer refused = gateway(1).postForm("/api/recognition/register", "name", "Person B", "file", PHOTOS.resolve("person-b-1.jpg"));
            assertThat(refused.status()).as(refused.body().toString()).isEqualTo(503);
            assertThat(refused.body().get("error").asText()).isEqualTo("unavailable");
            assertThat(refused.body().get("message").asText()).contains("PostgreSQL");
        } finally {
            postgres.restore();
        }
        Gateway.Answer enrolled = register(gateway(1), "Person B", PHOTOS.resolve("person-b-1.jpg"));
        assertThat(enrolled.status()).as("after the outage: " + enrolled.body()).isEqualTo(201);
        assertThat(peopleNamed("Person B")).isEqualTo(1);
    }

    @Test
    @Order(3)
    void redisDownDetectionGoesOnNamingAndChangesAreRefused() throws Exception {
        long personB = personId("Person B");
        redis.cut();
        try {
            Gateway.Answer detected = gateway(0).detect(PHOTOS.resolve("person-a-2.jpg"));
            assertThat(detected.status()).as(detected.body().toString()).isEqualTo(200);
            assertThat(detected.body().get("faces")).hasSize(1);
            // Naming needs the erasure marks, which are in Redis: refused, never answered without the check.
            Gateway.Answer named = gateway(0).recognize(PHOTOS.resolve("person-a-2.jpg"));
            assertThat(named.status()).as(named.body().toString()).isEqualTo(503);
            assertThat(named.body().get("message").asText()).contains("Redis");
            Gateway.Answer erase = gateway(0).delete("/api/people/" + personB);
            assertThat(erase.status()).as(erase.body().toString()).isEqualTo(503);
        } finally {
            redis.restore();
        }
        assertThat(peopleNamed("Person B")).as("the refused erasure deleted nothing").isEqualTo(1);
        // Pools reconnect on their next use: a change refused in that moment is refused whole (503, nothing stored), so retry.
        Gateway.Answer erased = gateway(0).delete("/api/people/" + personB);
        for (long deadline = System.currentTimeMillis() + 30_000; erased.status() == 503 && System.currentTimeMillis() < deadline; ) {
            Thread.sleep(500);
            erased = gateway(0).delete("/api/people/" + personB);
        }
        assertThat(erased.status()).as(erased.body().toString()).isEqualTo(204);
        Gateway.Answer stranger = gateway(1).recognize(PHOTOS.resolve("person-b-2.jpg"));
        assertThat(stranger.body().get("recognized_faces")).as("erased once Redis is back").isEmpty();
    }

    @Test
    @Order(4)
    void killedStreamServicesLoseNoFrameAndNoEnrolment() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> sent = new CopyOnWriteArrayList<>();
        // 2 cameras at 2 frames/s each: well under what 2 cores answer, so what is measured is the kills, not a backlog.
        Thread camerasThread = new Thread(() -> sent.addAll(publishWhile(running, 2, Duration.ofMillis(500))));
        camerasThread.start();
        List<Gateway.Answer> rest = new CopyOnWriteArrayList<>();
        Thread restThread = new Thread(() -> {
            while (running.get()) {
                rest.add(gateway(0).recognize(PHOTOS.resolve("person-a-2.jpg")));
                sleep(500);
            }
        });
        restThread.start();
        // Enrolments while instances die: each retried (new request, new frame) until it is answered 201 or 409.
        List<String> people = List.of("refs/kit_harington/john1.jpeg", "refs/biden/biden.jpg");
        Map<String, List<Integer>> enrolmentStatuses = new ConcurrentHashMap<>();
        Thread enrolThread = new Thread(() -> {
            for (String photo : people) {
                String name = "Killed " + photo.split("/")[1].replace('_', ' ');
                for (int attempt = 0; attempt < 4; attempt++) {
                    Gateway.Answer answer = gateway(1).postForm("/api/recognition/register", "name", name, "file", TestData.dir().resolve(photo));
                    enrolmentStatuses.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(answer.status());
                    if (answer.status() == 201 || answer.status() == 409) {
                        break;
                    }
                }
            }
        });
        enrolThread.start();

        for (String kind : List.of("detector", "embedder", "matcher")) {
            Thread.sleep(3_000);
            ServiceProcess victim = service(kind, 0);
            victim.kill();
            Thread.sleep(2_000);
            victim.start();
        }
        for (String kind : List.of("detector", "embedder", "matcher")) {
            service(kind, 0).awaitUp("/health", Duration.ofSeconds(120));
        }
        Thread.sleep(3_000);
        running.set(false);
        camerasThread.join(30_000);
        restThread.join(60_000);
        enrolThread.join(120_000);

        answers.awaitAll(sent, Duration.ofSeconds(180));
        Counts counts = answers.count(sent);
        System.out.printf("kills: %s; REST %d (statuses %s); enrolments %s%n", counts, rest.size(),
                rest.stream().collect(Collectors.groupingBy(Gateway.Answer::status, Collectors.counting())), enrolmentStatuses);
        assertThat(counts.answered()).as("every camera frame answered").isEqualTo(sent.size());
        assertThat(counts.differing()).as("a frame handled twice is answered the same").isZero();
        assertThat(counts.named("Person A")).as("no frame answered with an error or another name").isEqualTo(sent.size());
        assertThat(rest).allSatisfy(answer -> {
            if (answer.status() == 200) {
                assertThat(answer.body().get("recognized_faces").get(0).get("name").asText()).isEqualTo("Person A");
            } else {
                assertThat(answer.status()).as(answer.body().toString()).isIn(503, 504);
            }
        });
        for (String photo : people) {
            String name = "Killed " + photo.split("/")[1].replace('_', ' ');
            assertThat(enrolmentStatuses.get(name)).as(name).containsAnyOf(201, 409);
            assertThat(peopleNamed(name)).as(name + " enrolled exactly once").isEqualTo(1);
        }
    }

    @Test
    @Order(5)
    void callersOfAKilledGatewayGetAnErrorNeverAWrongAnswer() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Object> outcomes = new CopyOnWriteArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        Thread caller = new Thread(() -> {
            while (running.get()) {
                try {
                    outcomes.add(gateway(1).recognize(PHOTOS.resolve("person-a-2.jpg")));
                } catch (RuntimeException e) {
                    // connection refused or reset: the caller knows it has no answer
                    errors.incrementAndGet();
                    outcomes.add(e.getClass().getSimpleName());
                    sleep(200);
                }
            }
        });
        caller.start();
        Thread.sleep(3_000);
        ServiceProcess victim = service("gateway", 1);
        victim.kill();
        Thread.sleep(2_000);
        victim.start();
        victim.awaitUp("/actuator/health", Duration.ofSeconds(120));
        Thread.sleep(2_000);
        running.set(false);
        caller.join(30_000);
        long answered = outcomes.stream().filter(Gateway.Answer.class::isInstance).count();
        System.out.printf("gateway kill: %d calls, %d answered, %d failed (%s)%n", outcomes.size(), answered, errors.get(),
                outcomes.stream().filter(String.class::isInstance).collect(Collectors.groupingBy(o -> o, Collectors.counting())));
        assertThat(errors.get()).as("calls while it was down fail").isPositive();
        assertThat(outcomes.stream().filter(Gateway.Answer.class::isInstance).map(Gateway.Answer.class::cast)).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
            assertThat(answer.body().get("recognized_faces").get(0).get("name").asText()).isEqualTo("Person A");
        });
        assertThat(outcomes.get(outcomes.size() - 1)).as("answers again after its restart").isInstanceOf(Gateway.Answer.class);
    }

    @Test
    @Order(6)
    void brokerRestartLosesNoCameraFrame() throws Exception {
        List<String> before = publish(4, 3, Duration.ofMillis(100));
        answers.awaitAll(before, Duration.ofSeconds(60));
        kafka.close();
        Thread.sleep(2_000);
        kafka = LocalKafka.start(home.resolve("kafka"), kafkaPort, controllerPort);
        // Published right after the restart: the producers and Streams apps reconnect by themselves.
        List<String> after = publish(4, 5, Duration.ofMillis(200));
        answers.awaitAll(after, Duration.ofSeconds(120));
        Counts counts = answers.count(after);
        System.out.printf("broker restart: %s%n", counts);
        assertThat(counts.answered()).isEqualTo(after.size());
        assertThat(counts.named("Person A")).isEqualTo(after.size());
        Gateway.Answer recognized = gateway(0).recognize(PHOTOS.resolve("person-a-2.jpg"));
        assertThat(recognized.status()).as(recognized.body().toString()).isEqualTo(200);
    }

    // --- helpers

    static Gateway.Answer register(Gateway gateway, String name, Path photo) {
        return gateway.postForm("/api/recognition/register", "name", name, "file", photo);
    }

    static int peopleNamed(String name) {
        JsonNode items = gateway(0).get("/api/people?size=100").body().get("items");
        int n = 0;
        for (JsonNode item : items) {
            n += item.get("name").asText().equals(name) ? 1 : 0;
        }
        return n;
    }

    static long personId(String name) {
        for (JsonNode item : gateway(0).get("/api/people?size=100").body().get("items")) {
            if (item.get("name").asText().equals(name)) {
                return item.get("id").asLong();
            }
        }
        throw new AssertionError("no person " + name);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Frames of {@code cameras} cameras, {@code rounds} each, one round every {@code every}; returns their ids. */
    static List<String> publish(int cameras, int rounds, Duration every) {
        List<String> ids = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (int camera = 0; camera < cameras; camera++) {
                ids.add(send("cam-" + camera, round));
            }
            sleep(every.toMillis());
        }
        ScaleEndToEndTest.cameras.flush();
        return ids;
    }

    static List<String> publishWhile(AtomicBoolean running, int cameras, Duration every) {
        List<String> ids = new ArrayList<>();
        for (int round = 0; running.get(); round++) {
            for (int camera = 0; camera < cameras; camera++) {
                ids.add(send("kill-cam-" + camera, round));
            }
            sleep(every.toMillis());
        }
        ScaleEndToEndTest.cameras.flush();
        return ids;
    }

    static String send(String camera, long sequence) {
        String id = UUID.randomUUID().toString();
        FrameHeader header = FrameHeader.newBuilder().setId(id).setSourceKind(SourceKind.CAMERA).setSourceId(camera).setSequence(sequence)
                .setCaptureTime(Instant.now()).setOperation(Operation.RECOGNIZE).build();
        cameras.send(new ProducerRecord<>(FRAMES, camera, Frame.newBuilder().setHeader(header).setImage(java.nio.ByteBuffer.wrap(knownPhoto)).build()),
                (metadata, error) -> {
                    if (error != null) {
                        throw new AssertionError("camera frame not published: " + error);
                    }
                });
        return id;
    }

    /**
     * @param answered  frames with at least one answer
     * @param duplicates answers beyond the first per frame (replays after a kill)
     * @param differing frames whose answers differ from each other (must be none)
     */
    record Counts(int sent, int answered, int duplicates, int differing, Map<String, Integer> names, Map<Integer, Integer> answersPerFrame) {

        int named(String name) {
            return names.getOrDefault(name, 0);
        }

        @Override
        public String toString() {
            return "sent " + sent + ", answered " + answered + ", duplicate answers " + duplicates + ", differing " + differing + ", names " + names
                    + ", frames by number of answers " + answersPerFrame;
        }
    }

    /** Every camera answer on the (prefixed) results topic, read from the start, grouped by frame id. */
    static final class Answers implements AutoCloseable {

        private final Map<String, List<MatchResult>> byFrame = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread reader;

        Answers(String bootstrap) {
            KafkaConsumer<String, MatchResult> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    Topics.MATCH_RESULTS.keySerde().deserializer(), Topics.MATCH_RESULTS.valueSerde().deserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(MATCHES).stream().map(p -> new TopicPartition(MATCHES, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            reader = new Thread(() -> {
                try (consumer) {
                    while (running.get()) {
                        for (ConsumerRecord<String, MatchResult> record : consumer.poll(Duration.ofMillis(200))) {
                            if (record.value().getHeader().getSourceKind() == SourceKind.CAMERA) {
                                byFrame.computeIfAbsent(record.value().getHeader().getId(), id -> new CopyOnWriteArrayList<>()).add(record.value());
                            }
                        }
                    }
                }
            }, "answers");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitAll(List<String> frames, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !byFrame.keySet().containsAll(frames)) {
                Thread.sleep(250);
            }
        }

        Counts count(List<String> frames) {
            int answered = 0;
            int duplicates = 0;
            int differing = 0;
            Map<String, Integer> names = new HashMap<>();
            Map<Integer, Integer> perFrame = new java.util.TreeMap<>();
            for (String frame : frames) {
                List<MatchResult> results = byFrame.get(frame);
                if (results == null) {
                    continue;
                }
                answered++;
                duplicates += results.size() - 1;
                perFrame.merge(results.size(), 1, Integer::sum);
                Set<String> distinct = results.stream().map(Answers::summary).collect(Collectors.toSet());
                differing += distinct.size() > 1 ? 1 : 0;
                names.merge(summary(results.get(0)), 1, Integer::sum);
            }
            return new Counts(frames.size(), answered, duplicates, differing, names, perFrame);
        }

        /** What a camera learns from an answer: the names (or the error code), in face order. */
        static String summary(MatchResult result) {
            if (result.getError() != null) {
                return "error " + ErrorCode.of(result.getError()).map(Enum::name).orElse(result.getError().getCode());
            }
            return result.getFaces().stream().map(FaceMatch::getPerson).map(person -> person == null ? "unknown" : person.getName())
                    .collect(Collectors.joining(","));
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            reader.join(5_000);
        }
    }
}
