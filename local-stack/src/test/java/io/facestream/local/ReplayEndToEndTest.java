package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.facestream.face.TestData;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;

/**
 * Issue 12's acceptance, through the whole local stack (real broker, the three services on the real models, the
 * machine's PostgreSQL and Redis): the dev clip (camera {@code stage}, by {@code facestream camera}) and dev photos
 * (camera {@code lobby}, as Frame records 5 s apart) are published and answered live while nobody is enrolled; then Lin-Manuel
 * Miranda and Joe Biden are enrolled, and a replay of that period (REST job) finds each on his camera at his times, while
 * live requests keep being answered and no record is added to the live topics. Biden is erased: the next replay
 * (the CLI) leaves him out.
 */
class ReplayEndToEndTest {

    static final String LIN = "Lin-Manuel Miranda";
    static final String BIDEN = "Joe Biden";
    /** The lobby camera shows a still every 5 s: different people, never one track (a tracker links faces up to 2 s apart). */
    static final long PHOTO_SECONDS = 5;

    static TestStack stack;
    static Gateway gateway;
    static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = TestData.dir();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(clip()), "the dev clip is not at " + clip());
        stack = TestStack.start("replay");
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
    void aPersonEnrolledAfterTheFootageIsFoundOnTheRightCameraAtTheRightTimes(@TempDir Path dir) throws Exception {
        Instant from = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        // Footage: five photos as camera "lobby" over the last minute, 5 s apart; then the clip at 5 fps as camera "stage".
        List<Path> photos = List.of(data.resolve("refs/obama/obama2.jpg"), data.resolve("refs/biden/biden2.jpg"),
                data.resolve("refs/alex_lacamoire/img1.jpg"), data.resolve("deepface/images/img1.jpg"), data.resolve("refs/kit_harington/john2.jpeg"),
                data.resolve("deepface/images/img2.jpg"), data.resolve("deepface/images/img4.jpg"));
        // deepface_person_01, a stranger passing the lobby three times (photos 3, 5, 6: three tracks): a cluster.
        List<Instant> strangerAt = List.of(3, 5, 6).stream().map(i -> from.plusSeconds(5 + PHOTO_SECONDS * i)).toList();
        Instant lobbyStart = from.plusSeconds(5);
        publishPhotos("lobby", photos, lobbyStart);
        Instant bidenAt = lobbyStart.plusSeconds(PHOTO_SECONDS);
        Cli camera = Cli.run("camera", "--bootstrap-servers", stack.kafkaBootstrap(), "--camera", "stage=" + clip(), "--fps", "5",
                "--as-fast-as-possible");
        assertThat(camera.exit()).as(camera.err()).isZero();

        // Answered live while nobody was enrolled: every frame, nobody named.
        List<MatchResult> live = read(Topics.MATCH_RESULTS, 25 + photos.size());
        assertThat(live).hasSize(25 + photos.size());
        assertThat(live).allSatisfy(result -> assertThat(result.getFaces()).allSatisfy(face -> assertThat(face.getPerson()).isNull()));
        List<Instant> stageTimes = read(Topics.FRAMES, 25 + photos.size()).stream().filter(f -> f.getHeader().getSourceId().equals("stage"))
                .map(f -> f.getHeader().getCaptureTime()).sorted().toList();
        Instant to = Instant.now().plusSeconds(1);
        long resultsBefore = count(Topics.MATCH_RESULTS);

        // Enrolled only now.
        Gateway.Answer lin = gateway.register(LIN, data.resolve("refs/lin_manuel_miranda/lin-manuel-miranda.png"));
        Gateway.Answer biden = gateway.register(BIDEN, data.resolve("refs/biden/biden.jpg"));
        assertThat(lin.status()).as(lin.body().toString()).isEqualTo(201);
        assertThat(biden.status()).as(biden.body().toString()).isEqualTo(201);
        long linId = lin.body().get("id").asLong();
        long bidenId = biden.body().get("id").asLong();

        // The replay, as an asynchronous REST job; live requests are answered while it runs.
        Gateway.Answer started = gateway.postJson("/api/replays", "{\"from\": \"" + from + "\", \"to\": \"" + to + "\"}");
        assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
        String id = started.body().get("id").asText();
        Gateway.Answer duringReplay = gateway.recognize(data.resolve("refs/biden/biden.jpg"));
        assertThat(duringReplay.status()).isEqualTo(200);
        assertThat(duringReplay.body().at("/recognized_faces/0/name").asText()).isEqualTo(BIDEN);
        Gateway.Answer second = gateway.postJson("/api/replays", "{\"from\": \"" + from + "\", \"to\": \"" + to + "\"}");
        JsonNode done = await(id);
        if (second.status() == 202) {
            await(second.body().get("id").asText()); // the first had already finished
        } else {
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.body().get("error").asText()).isEqualTo("replay_busy");
        }
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("done");
        JsonNode report = done.get("report");
        System.out.println("replay e2e: " + report.get("cameras") + " " + report.get("people"));

        JsonNode linReport = person(report, linId);
        assertThat(linReport).as(report.toString()).isNotNull();
        for (JsonNode appearance : linReport.get("appearances")) {
            assertThat(appearance.get("camera").asText()).isEqualTo("stage");
            assertThat(Instant.parse(appearance.get("first_seen").asText())).isBetween(stageTimes.get(0), stageTimes.get(stageTimes.size() - 1));
            assertThat(Instant.parse(appearance.get("last_seen").asText())).isBetween(stageTimes.get(0), stageTimes.get(stageTimes.size() - 1));
        }
        JsonNode bidenReport = person(report, bidenId);
        assertThat(bidenReport).as(report.toString()).isNotNull();
        assertThat(bidenReport.get("appearances")).hasSize(1);
        assertThat(bidenReport.at("/appearances/0/camera").asText()).isEqualTo("lobby");
        assertThat(bidenReport.at("/appearances/0/first_seen").asText()).isEqualTo(bidenAt.toString());
        Gateway.Answer html = gateway.get("/api/replays/" + id + "/report.json");
        assertThat(html.status()).isEqualTo(200);

        // The stranger's three lobby tracks form one cluster; enrolled from it in one call, he is recognized live.
        List<String> strangerTracks = new ArrayList<>();
        for (JsonNode track : report.get("unknown_tracks")) {
            if (track.get("camera").asText().equals("lobby") && strangerAt.contains(Instant.parse(track.get("first_seen").asText()))) {
                strangerTracks.add("lobby/" + track.get("track_id").asText());
            }
        }
        assertThat(strangerTracks).as(report.get("unknown_tracks").toString()).hasSize(3);
        JsonNode cluster = null;
        for (JsonNode c : report.get("clusters")) {
            List<String> ids = new ArrayList<>();
            c.get("track_ids").forEach(t -> ids.add(t.asText()));
            if (ids.containsAll(strangerTracks)) {
                cluster = c;
            }
        }
        assertThat(cluster).as(report.get("clusters").toString()).isNotNull();
        assertThat(cluster.get("tracks").asInt()).isEqualTo(3);
        assertThat(cluster.get("cameras").toString()).isEqualTo("[\"lobby\"]");
        assertThat(cluster.get("first_seen").asText()).isEqualTo(strangerAt.get(0).toString());
        assertThat(cluster.get("crops")).hasSize(3);
        assertThat(done.get("files").toString()).contains("clusters.csv");
        assertThat(gateway.postJson("/api/replays/" + id + "/clusters/99/person", "{\"name\": \"Nobody\"}").status()).isEqualTo(404);
        Gateway.Answer stranger = gateway.postJson("/api/replays/" + id + "/clusters/" + cluster.get("index").asInt() + "/person",
                "{\"name\": \"Lobby Stranger\"}");
        assertThat(stranger.status()).as(stranger.body().toString()).isEqualTo(201);
        assertThat(stranger.body().at("/person/name").asText()).isEqualTo("Lobby Stranger");
        assertThat(stranger.body().get("enrolled").size()).isGreaterThanOrEqualTo(1);
        Gateway.Answer recognized = gateway.recognize(data.resolve("deepface/images/img5.jpg"));
        assertThat(recognized.status()).isEqualTo(200);
        assertThat(recognized.body().path("recognized_faces").findValuesAsText("name")).as(recognized.body().toString()).contains("Lobby Stranger");

        // Bad requests are answered at once, and no job is left running.
        Gateway.Answer reversedJob = gateway.postJson("/api/replays", "{\"from\": \"" + to + "\", \"to\": \"" + from + "\"}");
        assertThat(reversedJob.status()).isEqualTo(400);
        assertThat(reversedJob.body().get("message").asText()).contains("reversed");
        Gateway.Answer nobody = gateway.postJson("/api/replays", "{\"from\": \"" + from + "\", \"to\": \"" + to + "\", \"people\": [987654]}");
        assertThat(nobody.status()).isEqualTo(404);
        assertThat(nobody.body().get("error").asText()).isEqualTo("person_not_found");
        assertThat(gateway.get("/api/replays/no-such-job").status()).isEqualTo(404);
        // A finished job's report is deleted with it (it holds face crops).
        assertThat(gateway.delete("/api/replays/" + id).status()).isEqualTo(204);
        assertThat(gateway.get("/api/replays/" + id).status()).isEqualTo(404);

        // The replay added nothing to the live topics: the cameras' answers are what they were, and no track event is there
        // twice (the replay runs the live tracker on the same frames: had it produced, every event would be doubled; a
        // count would not do, since live tracks may still end meanwhile).
        assertThat(count(Topics.MATCH_RESULTS)).isEqualTo(resultsBefore);
        List<String> events = readAll(Topics.EVENTS).stream().map(e -> e.getTrackId() + " " + e.getKind()).toList();
        assertThat(events).doesNotHaveDuplicates();

        // Biden erased: the next replay (the CLI this time) leaves him out; Lin is still found.
        assertThat(gateway.delete("/api/people/" + bidenId).status()).isEqualTo(204);
        Path out = dir.resolve("after-erasure");
        Cli replay = Cli.run("replay", "--bootstrap-servers", stack.kafkaBootstrap(), "--from", from.toString(), "--to", to.toString(),
                "--out", out.toString());
        assertThat(replay.exit()).as(replay.err()).isZero();
        String json = Files.readString(out.resolve("report.json"));
        assertThat(json).contains(LIN).doesNotContain(BIDEN);
        assertThat(Files.readString(out.resolve("report.html"))).contains(LIN).doesNotContain(BIDEN);

        // Bad input from the CLI: a reversed range (usage, 2), a camera with no frames (1, naming the ones that have).
        Cli reversed = Cli.run("replay", "--bootstrap-servers", stack.kafkaBootstrap(), "--from", to.toString(), "--to", from.toString(),
                "--out", dir.resolve("x").toString());
        assertThat(reversed.exit()).isEqualTo(2);
        assertThat(reversed.err()).contains("reversed");
        Cli garage = Cli.run("replay", "--bootstrap-servers", stack.kafkaBootstrap(), "--from", from.toString(), "--to", to.toString(),
                "--cameras", "garage", "--out", dir.resolve("y").toString());
        assertThat(garage.exit()).isEqualTo(1);
        assertThat(garage.err()).contains("garage").contains("lobby, stage");
        assertThat(dir.resolve("x")).doesNotExist();
        assertThat(dir.resolve("y")).doesNotExist();
    }


    static JsonNode person(JsonNode report, long id) {
        for (JsonNode person : report.get("people")) {
            if (person.get("person_id").asLong() == id) {
                return person;
            }
        }
        return null;
    }

    static JsonNode await(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            Gateway.Answer answer = gateway.get("/api/replays/" + id);
            assertThat(answer.status()).isEqualTo(200);
            if (!answer.body().get("status").asText().equals("running")) {
                return answer.body();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("replay " + id + " still running: " + gateway.get("/api/replays/" + id).body());
    }

    static void publishPhotos(String camera, List<Path> photos, Instant start) throws Exception {
        try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.kafkaBootstrap(),
                "max.request.size", 8 * 1024 * 1024), Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer())) {
            for (int i = 0; i < photos.size(); i++) {
                Instant time = start.plusSeconds(PHOTO_SECONDS * i);
                FrameHeader header = FrameHeader.newBuilder().setId(UUID.randomUUID().toString()).setSourceKind(SourceKind.CAMERA)
                        .setSourceId(camera).setSequence(i).setCaptureTime(time).setOperation(Operation.RECOGNIZE).build();
                Frame frame = Frame.newBuilder().setHeader(header).setImage(ByteBuffer.wrap(Files.readAllBytes(photos.get(i)))).build();
                producer.send(new ProducerRecord<>(Topics.FRAMES.name(), null, time.toEpochMilli(), camera, frame));
            }
            producer.flush();
        }
    }

    /** The first {@code expected} records of a topic (waiting up to two minutes for them). */
    static <V> List<V> read(io.facestream.schemas.TypedTopic<String, V> topic, int expected) {
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.kafkaBootstrap()),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(300))) {
                    if ("stage".equals(record.key()) || "lobby".equals(record.key())) {
                        out.add(record.value());
                    }
                }
            }
        }
        return out;
    }

    /** Every record of the two cameras on a topic, up to its end now. */
    static <V> List<V> readAll(io.facestream.schemas.TypedTopic<String, V> topic) {
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.kafkaBootstrap()),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(300))) {
                    if ("stage".equals(record.key()) || "lobby".equals(record.key())) {
                        out.add(record.value());
                    }
                }
            }
        }
        return out;
    }

    /** Records of the two cameras on a topic. */
    static long count(io.facestream.schemas.TypedTopic<String, ?> topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.kafkaBootstrap()),
                new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long count = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    if ("stage".equals(record.key()) || "lobby".equals(record.key())) {
                        count++;
                    }
                }
            }
            return count;
        }
    }

    static boolean names(MatchResult result, String name) {
        return result.getFaces().stream().map(FaceMatch::getPerson).anyMatch(person -> person != null && person.getName().equals(name));
    }
}
