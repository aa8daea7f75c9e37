package io.facestream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.facestream.face.TestPhotos;
import io.facestream.schemas.Topics;

/**
 * The gateway on a real broker with nothing behind it: what it refuses never reaches Kafka,
 * what it accepts times out cleanly, and health says the pipeline cannot answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "facestream.gateway.kafka-bootstrap-servers=${spring.embedded.kafka.brokers}",
        "facestream.gateway.reply-timeout=1s",
        "facestream.db.schema=" + TestKeys.SCHEMA,
        "facestream.gateway.admin-key=" + TestKeys.ADMIN})
@EmbeddedKafka(partitions = 1)
class GatewayWithoutPipelineTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    record Answer(int status, JsonNode body) {
    }

    Answer post(String route, MultiValueMap<String, Object> form) {
        return RestClient.create("http://127.0.0.1:" + port).post().uri(route).header("X-API-Key", TestKeys.ADMIN)
                .contentType(MediaType.MULTIPART_FORM_DATA).body(form)
                .exchange((request, response) -> new Answer(response.getStatusCode().value(), JSON.readTree(response.getBody().readAllBytes())));
    }

    static MultiValueMap<String, Object> form(byte[] file, String name, String faceId) {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        if (file != null) {
            form.add("file", new ByteArrayResource(file) {
                @Override
                public String getFilename() {
                    return "upload.jpg";
                }
            });
        }
        if (name != null) {
            form.add("name", name);
        }
        if (faceId != null) {
            form.add("face_id", faceId);
        }
        return form;
    }

    long framesInKafka() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.FRAMES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Test
    void refusedInputNeverReachesKafka() throws Exception {
        long before = framesInKafka();
        byte[] jpeg = TestPhotos.bytes(TestPhotos.A1);
        List<Answer> answers = List.of(
                post("/api/recognition/recognize", form("plain text".getBytes(), null, null)),
                post("/api/recognition/recognize", form(new byte[0], null, null)),
                post("/api/recognition/detect", form(Arrays.copyOf(jpeg, jpeg.length / 2), null, null)),
                post("/api/recognition/detect", form(null, null, null)),
                post("/api/recognition/register", form(jpeg, null, null)),
                post("/api/recognition/register", form(jpeg, "   ", null)),
                post("/api/recognition/register", form(jpeg, "x".repeat(101), null)),
                post("/api/recognition/register", form(jpeg, "Bell\u0007", null)),
                post("/api/recognition/register", form(jpeg, "Both", "3f1c2d4e-0000-0000-0000-000000000000")),
                post("/api/recognition/register", form(null, "Neither", null)),
                post("/api/recognition/register", form(null, "Bad id", "'; drop table person; --")));
        for (Answer answer : answers) {
            assertThat(answer.status()).as(answer.body().toString()).isEqualTo(400);
            assertThat(answer.body().get("error").asText()).isNotBlank();
            assertThat(answer.body().get("message").asText()).isNotBlank();
        }
        assertThat(framesInKafka()).isEqualTo(before);
    }

    @Test
    void unansweredRequestTimesOutWith504() throws Exception {
        long start = System.nanoTime();
        Answer answer = post("/api/recognition/recognize", form(TestPhotos.bytes(TestPhotos.A1), null, null));
        assertThat(answer.status()).isEqualTo(504);
        assertThat(answer.body().get("error").asText()).isEqualTo("timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Autowired
    jakarta.servlet.ServletContext servletContext;

    /** A face photo is biometric data: while a request waits for its answer, no copy of the upload sits in a temp file. */
    @Test
    void uploadsAreNotWrittenToDisk() throws Exception {
        java.io.File tempDir = (java.io.File) servletContext.getAttribute(jakarta.servlet.ServletContext.TEMPDIR);
        assertThat(tempDir).isNotNull();
        java.util.concurrent.CompletableFuture<Answer> pending = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> post("/api/recognition/recognize", form(TestPhotos.bytes(TestPhotos.A1), null, null)));
        int looks = 0;
        List<String> seen = new java.util.ArrayList<>();
        // The pipeline never answers here, so the request stays open for the 1 s reply timeout: look while it does.
        while (!pending.isDone()) {
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(tempDir.toPath())) {
                files.filter(java.nio.file.Files::isRegularFile).map(java.nio.file.Path::toString).forEach(seen::add);
            }
            looks++;
            Thread.sleep(20);
        }
        assertThat(pending.get().status()).isEqualTo(504);
        assertThat(looks).as("looked while the request was open").isGreaterThan(5);
        assertThat(seen).as("files in the servlet temp dir " + tempDir).isEmpty();
    }

    @Test
    void enrollingAClusterOfAnUnknownReplayIs404AndNeedsTheAdminScope() {
        Answer unknown = RestClient.create("http://127.0.0.1:" + port).post().uri("/api/replays/no-such-job/clusters/1/person")
                .header("X-API-Key", TestKeys.ADMIN).contentType(MediaType.APPLICATION_JSON).body("{\"name\": \"Someone\"}")
                .exchange((request, response) -> new Answer(response.getStatusCode().value(), JSON.readTree(response.getBody().readAllBytes())));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").asText()).isEqualTo("replay_not_found");
        int anonymous = RestClient.create("http://127.0.0.1:" + port).post().uri("/api/replays/no-such-job/clusters/1/person")
                .contentType(MediaType.APPLICATION_JSON).body("{\"name\": \"Someone\"}")
                .exchange((request, response) -> response.getStatusCode().value());
        assertThat(anonymous).isEqualTo(401);
    }

    @Test
    void healthIsDownWhenNothingAnswers() {
        int status = RestClient.create("http://127.0.0.1:" + port).get().uri("/actuator/health")
                .exchange((request, response) -> response.getStatusCode().value());
        assertThat(status).isEqualTo(503);
    }

    @Test
    void docsAreServed() {
        String openapi = RestClient.create("http://127.0.0.1:" + port).get().uri("/docs/openapi.json").retrieve().body(String.class);
        assertThat(openapi).contains("/api/recognition/recognize", "/api/recognition/register", "/api/recognition/detect");
        // Enrolment from several faces: its own 422 body (the refused faces), not only the generic error.
        assertThat(openapi).contains("/api/people/from-faces", "no_face_enrolled", "NoneEnrolled");
        assertThat(openapi).contains("/api/replays/{id}/clusters/{index}/person", "replay_not_finished");
        int ui = RestClient.create("http://127.0.0.1:" + port).get().uri("/docs").exchange((request, response) -> response.getStatusCode().value());
        assertThat(ui).isIn(200, 302);
    }

    @Test
    void webSocketAnswersTextAndGarbageWithErrors() throws Exception {
        List<JsonNode> replies = new CopyOnWriteArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/recognize?api_key=" + TestKeys.ADMIN), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        try {
                            replies.add(JSON.readTree(data.toString()));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        two.countDown();
                        ws.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
        socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}), true).get(5, TimeUnit.SECONDS);
        assertThat(two.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(replies.get(0).get("error").get("code").asText()).isEqualTo("binary_frames_only");
        assertThat(replies.get(1).get("sequence").asInt()).isEqualTo(0);
        assertThat(replies.get(1).get("error").get("code").asText()).isEqualTo("invalid_image");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
}
