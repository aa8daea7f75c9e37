package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.facestream.face.TestData;

/**
 * The whole path, as a user sees it: photos through two gateways, a real KRaft broker, the
 * three Streams services on the real models, and the machine's PostgreSQL and Redis.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {

    static final Path DATA = Path.of(System.getProperty("facestream.data.dir", "../../shared/data")).toAbsolutePath().normalize();
    static final String SCHEMA = "e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static final String DATABASE_URL = TestSchema.DATABASE_URL;

    static final String ADMIN_KEY = "fs_e2e_admin_" + UUID.randomUUID().toString().replace("-", "");

    static LocalStack stack;
    static long obamaId;
    static Gateway first;
    static Gateway second;
    static String secondUrl;

    @BeforeAll
    static void start() throws Exception {
        // Every test here reads the shared photos: without them the class is skipped (EmbeddedInfrastructureTest runs on the committed ones).
        TestData.dir();
        TestSchema.use(SCHEMA, ADMIN_KEY);
        // Faces are kept 60 s in production; the expiry test should not wait a minute.
        System.setProperty("facestream.recent.face.seconds", "4");
        stack = LocalStack.start(new LocalStackConfig(Files.createTempDirectory("facestream-e2e"), 0, null, DATABASE_URL,
                TestSchema.REDIS_URL, LocalStack.freePort()));
        first = new Gateway(stack.startGateway(0), ADMIN_KEY);
        secondUrl = stack.startGateway(0);
        second = new Gateway(secondUrl, ADMIN_KEY);
        awaitHealthy(first);
        awaitHealthy(second);
    }

    static void awaitHealthy(Gateway gateway) throws InterruptedException {
        for (int i = 0; i < 60; i++) {
            if (gateway.get("/actuator/health").status() == 200) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("gateway not healthy: " + gateway.get("/actuator/health").body());
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        TestSchema.drop(SCHEMA, "facestream.recent.face.seconds");
    }

    static Path photo(String relative) {
        return DATA.resolve(relative);
    }

    @Test
    @Order(1)
    void registeredPersonIsRecognizedFromAnotherPhotoAndAStrangerIsUnknown() {
        Gateway.Answer registered = first.register("Barack Obama", photo("refs/obama/obama.jpg"));
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
        long id = registered.body().get("id").asLong();
        obamaId = id;

        Gateway.Answer same = second.recognize(photo("refs/obama/obama2.jpg"));
        assertThat(same.status()).isEqualTo(200);
        JsonNode match = same.body().get("recognized_faces").get(0);
        assertThat(match.get("name").asText()).isEqualTo("Barack Obama");
        assertThat(match.get("id").asLong()).isEqualTo(id);
        assertThat(match.get("similarity").asDouble()).isGreaterThan(same.body().get("threshold").asDouble());

        Gateway.Answer stranger = first.recognize(photo("refs/biden/biden.jpg"));
        assertThat(stranger.status()).isEqualTo(200);
        assertThat(stranger.body().get("recognized_faces")).isEmpty();
        assertThat(stranger.body().get("unknown_faces")).hasSize(1);
    }

    @Test
    @Order(2)
    void groupPhotosYieldEveryFace() {
        Gateway.Answer two = first.detect(photo("groups/fr_two_people.jpg"));
        assertThat(two.body().get("faces")).hasSize(2);
        Gateway.Answer six = second.detect(photo("groups/fp_multiface.jpg"));
        assertThat(six.body().get("faces")).hasSize(6);

        // Obama is enrolled, Biden is not: one known, one unknown, each with its own box.
        Gateway.Answer pair = first.recognize(photo("groups/fr_two_people.jpg"));
        assertThat(pair.body().get("recognized_faces")).hasSize(1);
        assertThat(pair.body().get("recognized_faces").get(0).get("name").asText()).isEqualTo("Barack Obama");
        assertThat(pair.body().get("unknown_faces")).hasSize(1);
    }

    @Test
    @Order(3)
    void detectedFaceRegistersByIdWithinItsLifetimeAndNotAfter() throws Exception {
        Gateway.Answer detected = first.detect(photo("refs/kit_harington/john1.jpeg"));
        String faceId = detected.body().get("detections").get(0).get("face_id").asText();

        Gateway.Answer registered = second.registerFace("Kit Harington", faceId);
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
        Gateway.Answer recognized = first.recognize(photo("refs/kit_harington/john2.jpeg"));
        assertThat(recognized.body().get("recognized_faces").get(0).get("name").asText()).isEqualTo("Kit Harington");

        String laterFaceId = first.detect(photo("refs/rose_leslie/img1.jpg")).body().get("detections").get(0).get("face_id").asText();
        Thread.sleep(5_000);
        Gateway.Answer expired = first.registerFace("Rose Leslie", laterFaceId);
        assertThat(expired.status()).isEqualTo(404);
        assertThat(expired.body().get("message").asText()).contains("expired");
    }

    @Test
    @Order(4)
    void webSocketAnswersEveryFrameInOrder() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        String[] photos = {"refs/obama/obama2.jpg", "refs/biden/biden2.jpg", "hard/noface_pilatus800.jpg", "refs/kit_harington/john2.jpeg"};
        for (int i = 0; i < 12; i++) {
            frames.add(Files.readAllBytes(photo(photos[i % photos.length])));
        }
        List<JsonNode> replies = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(frames.size());
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(secondUrl.replace("http", "ws") + "/ws/recognize?api_key=" + ADMIN_KEY), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            try {
                                replies.add(Gateway.JSON.readTree(text.toString()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            text.setLength(0);
                            all.countDown();
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        for (byte[] frame : frames) {
            socket.sendBinary(ByteBuffer.wrap(frame), true).get(10, TimeUnit.SECONDS);
        }
        assertThat(all.await(60, TimeUnit.SECONDS)).as("replies: " + replies.size()).isTrue();
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");

        assertThat(replies.stream().map(r -> r.get("sequence").asInt()).toList())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(replies.get(0).get("recognized_faces").get(0).get("name").asText()).isEqualTo("Barack Obama");
        assertThat(replies.get(1).get("unknown_faces")).hasSize(1);
        assertThat(replies.get(2).get("recognized_faces")).isEmpty();
        assertThat(replies.get(2).get("unknown_faces")).isEmpty();
    }

    @Test
    @Order(5)
    void badInputGetsAClearErrorAndStoresNothing() throws Exception {
        int before = people();
        byte[] jpeg = Files.readAllBytes(photo("refs/obama/obama.jpg"));
        List<Gateway.Answer> answers = List.of(
                first.upload("/api/recognition/register", "notes.txt", "just some text".getBytes(), "Text File"),
                first.upload("/api/recognition/register", "empty.jpg", new byte[0], "Empty"),
                first.upload("/api/recognition/register", "half.jpg", Arrays.copyOf(jpeg, jpeg.length / 2), "Half"),
                first.upload("/api/recognition/register", "broken.jpg", Files.readAllBytes(photo("hard/broken_jpeg_app1.jpg")), "Broken"),
                first.register("Aircraft", photo("hard/noface_pilatus800.jpg")),
                first.register("Two People", photo("groups/fr_two_people.jpg")),
                first.upload("/api/recognition/recognize", "notes.txt", "just some text".getBytes(), null));
        for (Gateway.Answer answer : answers) {
            assertThat(answer.status()).as(answer.body().toString()).isBetween(400, 499);
            assertThat(answer.body().get("message").asText()).isNotBlank();
        }
        assertThat(people()).isEqualTo(before);
        // A photo without a face is no error for detect and recognize: empty lists.
        Gateway.Answer noFace = first.recognize(photo("hard/noface_pilatus800.jpg"));
        assertThat(noFace.status()).as(noFace.body().toString()).isEqualTo(200);
        assertThat(noFace.body().get("recognized_faces")).isEmpty();
        assertThat(noFace.body().get("unknown_faces")).isEmpty();
        Gateway.Answer nothingDetected = second.detect(photo("hard/noface_pilatus800.jpg"));
        assertThat(nothingDetected.status()).as(nothingDetected.body().toString()).isEqualTo(200);
        assertThat(nothingDetected.body().get("faces")).isEmpty();
        assertThat(nothingDetected.body().get("detections")).isEmpty();
        // Still answers a good request afterwards.
        assertThat(first.recognize(photo("refs/obama/obama2.jpg")).status()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void blurredEnrolmentPhotoIsRefusedWithItsReasonAndStillRecognizedWithAWarning() throws Exception {
        // 52 px between the eyes: a 4 px blur is over 2 px once the face is scaled to the recognizer's 112 px.
        org.opencv.core.Mat image = io.facestream.face.Images.decode(Files.readAllBytes(photo("refs/kit_harington/john1.jpeg")));
        org.opencv.imgproc.Imgproc.GaussianBlur(image, image, new org.opencv.core.Size(0, 0), 4);
        byte[] blurred = io.facestream.face.Images.encodeJpeg(image, 92);
        int before = people();

        Gateway.Answer refused = first.upload("/api/recognition/register", "blurred.jpg", blurred, "Kit Harington");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().get("error").asText()).isEqualTo("low_quality");
        assertThat(refused.body().get("message").asText()).contains("blurred");
        assertThat(people()).isEqualTo(before);

        Gateway.Answer recognized = first.upload("/api/recognition/recognize", "blurred.jpg", blurred, null);
        assertThat(recognized.status()).isEqualTo(200);
        JsonNode face = recognized.body().get("recognized_faces").size() > 0
                ? recognized.body().get("recognized_faces").get(0) : recognized.body().get("unknown_faces").get(0);
        assertThat(face.get("low_quality").asBoolean()).isTrue();
        assertThat(face.get("quality_issues").get(0).asText()).contains("blurred");
    }

    @Test
    @Order(6)
    void phonePhotoLargerThanKafkaDefaultLimitWorks() throws Exception {
        Path large = photo("hard/large_deepface_img26.jpg");
        assertThat(Files.size(large)).isGreaterThan(1_048_576);
        Gateway.Answer answer = second.detect(large);
        assertThat(answer.status()).isEqualTo(200);
        JsonNode box = answer.body().get("faces").get(0);
        // Answered in the original photo's pixels (1449×2173), not the shrunk copy's.
        assertThat(box.get(0).asInt() + box.get(2).asInt()).isLessThanOrEqualTo(1449);
        assertThat(box.get(2).asInt()).isGreaterThan(150);
    }

    @Test
    @Order(7)
    void twoGatewaysEachGetTheirOwnReplies() throws Exception {
        List<CompletableFuture<Gateway.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Gateway gateway = i % 2 == 0 ? first : second;
            String photo = i % 2 == 0 ? "refs/obama/obama2.jpg" : "refs/kit_harington/john2.jpeg";
            answers.add(CompletableFuture.supplyAsync(() -> gateway.recognize(photo(photo))));
        }
        for (int i = 0; i < answers.size(); i++) {
            Gateway.Answer answer = answers.get(i).get(60, TimeUnit.SECONDS);
            String expected = i % 2 == 0 ? "Barack Obama" : "Kit Harington";
            assertThat(answer.body().get("recognized_faces").get(0).get("name").asText()).isEqualTo(expected);
        }
    }

    @Test
    @Order(8)
    void aFaceAlreadyEnrolledIsRefusedWith409UnlessTheCallerSaysItIsThatPerson() throws Exception {
        int before = people();
        Gateway.Answer refused = first.register("Someone Else", photo("refs/obama/obama2.jpg"));
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(409);
        assertThat(refused.body().get("error").asText()).isEqualTo("already_enrolled");
        assertThat(refused.body().get("existing_person_id").asLong()).isEqualTo(obamaId);
        assertThat(people()).isEqualTo(before);

        Gateway.Answer added = second.postForm("/api/recognition/register", "name", "Barack Obama", "same_person", true,
                "file", photo("refs/obama/obama2.jpg"));
        assertThat(added.status()).as(added.body().toString()).isEqualTo(201);
        assertThat(added.body().get("id").asLong()).isEqualTo(obamaId);
        assertThat(people()).isEqualTo(before);
        assertThat(first.get("/api/people/" + obamaId).body().get("face_count").asInt()).isEqualTo(2);
    }

    @Test
    @Order(9)
    void peopleAreListedRenamedAndTheirFacesManaged() {
        Gateway.Answer page = first.get("/api/people?name=OBAMA&size=5");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body().get("items")).singleElement().satisfies(p -> assertThat(p.get("id").asLong()).isEqualTo(obamaId));
        assertThat(page.body().toString()).doesNotContain("vector", "embedding");
        assertThat(first.get("/api/people?size=1000").status()).isEqualTo(400);
        assertThat(first.get("/api/people/999999999").status()).isEqualTo(404);

        Gateway.Answer renamed = first.patchJson("/api/people/" + obamaId, "{\"name\": \"Barack H. Obama\"}");
        assertThat(renamed.status()).as(renamed.body().toString()).isEqualTo(200);
        assertThat(renamed.body().get("name").asText()).isEqualTo("Barack H. Obama");
        // Through the other gateway and whichever matcher instance answers.
        assertThat(second.recognize(photo("refs/obama/obama2.jpg")).body().get("recognized_faces").get(0).get("name").asText())
                .isEqualTo("Barack H. Obama");
        assertThat(first.patchJson("/api/people/" + obamaId, "{\"name\": \"\u0000\"}").status()).isEqualTo(400);

        JsonNode faces = first.get("/api/people/" + obamaId).body().get("faces");
        long secondFace = faces.get(1).get("id").asLong();
        assertThat(first.delete("/api/people/" + obamaId + "/faces/" + secondFace).status()).isEqualTo(204);
        assertThat(first.get("/api/people/" + obamaId).body().get("face_count").asInt()).isEqualTo(1);
        assertThat(first.delete("/api/people/" + obamaId + "/faces/" + secondFace).status()).isEqualTo(404);

        Gateway.Answer addedAgain = second.postForm("/api/people/" + obamaId + "/faces", "file", photo("refs/obama/obama2.jpg"));
        assertThat(addedAgain.status()).as(addedAgain.body().toString()).isEqualTo(201);
        assertThat(addedAgain.body().get("face_id").asLong()).isPositive();
        assertThat(first.get("/api/people/" + obamaId).body().get("face_count").asInt()).isEqualTo(2);
        assertThat(second.postForm("/api/people/999999999/faces", "file", photo("refs/obama/obama2.jpg")).status()).isEqualTo(404);
    }

    @Test
    @Order(10)
    void verifyComparesTwoPhotosOrAPhotoWithAPerson() {
        Gateway.Answer same = first.postForm("/api/recognition/verify", "file", photo("refs/kit_harington/john1.jpeg"),
                "other_file", photo("refs/kit_harington/john2.jpeg"));
        assertThat(same.status()).as(same.body().toString()).isEqualTo(200);
        assertThat(same.body().get("same_person").asBoolean()).isTrue();
        assertThat(same.body().get("similarity").asDouble()).isGreaterThan(same.body().get("threshold").asDouble());

        Gateway.Answer different = first.postForm("/api/recognition/verify", "file", photo("refs/biden/biden.jpg"),
                "other_file", photo("refs/kit_harington/john2.jpeg"));
        assertThat(different.body().get("same_person").asBoolean()).isFalse();

        Gateway.Answer person = second.postForm("/api/recognition/verify", "file", photo("refs/obama/obama.jpg"), "person_id", obamaId);
        assertThat(person.body().get("same_person").asBoolean()).isTrue();
        assertThat(person.body().get("person").get("id").asLong()).isEqualTo(obamaId);
        Gateway.Answer notHim = second.postForm("/api/recognition/verify", "file", photo("refs/biden/biden2.jpg"), "person_id", obamaId);
        assertThat(notHim.body().get("same_person").asBoolean()).isFalse();

        assertThat(first.postForm("/api/recognition/verify", "file", photo("refs/obama/obama.jpg"), "person_id", 999999999).status()).isEqualTo(404);
        assertThat(first.postForm("/api/recognition/verify", "file", photo("refs/obama/obama.jpg")).status()).isEqualTo(400);
    }

    @Test
    @Order(11)
    void afterAnErasureReturnsNoGatewayOrMatcherNamesThePersonAndNoTraceIsLeft() throws Exception {
        Gateway.Answer registered = first.register("Rose Leslie", photo("refs/rose_leslie/img1.jpg"));
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
        long rose = registered.body().get("id").asLong();
        assertThat(second.recognize(photo("refs/rose_leslie/img2.jpg")).body().get("recognized_faces").get(0).get("id").asLong()).isEqualTo(rose);

        assertThat(second.delete("/api/people/" + rose).status()).isEqualTo(204);

        // At once, through the other gateway, on several requests that spread over the partitions.
        List<CompletableFuture<Gateway.Answer>> after = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Gateway gateway = i % 2 == 0 ? first : second;
            after.add(CompletableFuture.supplyAsync(() -> gateway.recognize(photo("refs/rose_leslie/img2.jpg"))));
        }
        for (CompletableFuture<Gateway.Answer> answer : after) {
            JsonNode body = answer.get(60, TimeUnit.SECONDS).body();
            assertThat(body.get("recognized_faces")).as(body.toString()).isEmpty();
            assertThat(body.get("unknown_faces")).hasSize(1);
        }
        assertThat(first.get("/api/people/" + rose).status()).isEqualTo(404);
        assertThat(count("select count(*) from " + SCHEMA + ".person where id = " + rose)).isZero();
        assertThat(count("select count(*) from " + SCHEMA + ".face_embedding where person_id = " + rose)).isZero();
        try (var redis = new redis.clients.jedis.JedisPooled(URI.create(TestSchema.REDIS_URL))) {
            for (String key : redis.keys("facestream-test:" + SCHEMA + ":gallery:*")) {
                if (!key.endsWith(":complete")) {
                    assertThat(redis.hexists(key.getBytes(), String.valueOf(rose).getBytes())).as(key).isFalse();
                }
            }
        }
        assertThat(first.delete("/api/people/" + rose).status()).isEqualTo(404);
    }

    @Test
    @Order(12)
    void anUnreadableCameraRecordGoesToTheDeadLetterTopicAndThePipelineGoesOn() throws Exception {
        byte[] garbage = "{\"camera\": \"lobby\", \"image\": \"base64...\"}".getBytes();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(java.util.Map.of(
                "bootstrap.servers", stack.kafkaBootstrap()), new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(io.facestream.schemas.Topics.FRAMES.name(),
                    "lobby".getBytes(), garbage)).get(10, TimeUnit.SECONDS);
        }
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(java.util.Map.of(
                "bootstrap.servers", stack.kafkaBootstrap()), new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var partition = new org.apache.kafka.common.TopicPartition(io.facestream.schemas.Topics.DEAD_LETTERS.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> letter = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (letter == null && System.currentTimeMillis() < deadline) {
                for (var record : consumer.poll(java.time.Duration.ofMillis(500))) {
                    if (Arrays.equals(record.value(), garbage)) {
                        letter = record;
                    }
                }
            }
            assertThat(letter).as("dead letter").isNotNull();
            assertThat(new String(letter.headers().lastHeader(io.facestream.schemas.DeadLetters.SOURCE_TOPIC).value()))
                    .isEqualTo(io.facestream.schemas.Topics.FRAMES.name());
            assertThat(new String(letter.headers().lastHeader(io.facestream.schemas.DeadLetters.MESSAGE).value())).isNotBlank();
        }
        assertThat(first.recognize(photo("refs/obama/obama2.jpg")).body().get("recognized_faces")).hasSize(1);
    }

    static int count(String sql) throws Exception {
        try (var connection = DriverManager.getConnection(DATABASE_URL, "postgres", "");
             var statement = connection.createStatement();
             var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static int people() throws Exception {
        try (var connection = DriverManager.getConnection(DATABASE_URL, "postgres", "");
             var statement = connection.createStatement();
             var rs = statement.executeQuery("select count(*) from " + SCHEMA + ".person")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
