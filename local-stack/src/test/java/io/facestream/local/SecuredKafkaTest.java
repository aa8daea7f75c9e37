package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.facestream.detector.DetectorConfig;
import io.facestream.face.TestPhotos;
import io.facestream.detector.DetectorService;
import io.facestream.models.ModelStore;
import io.facestream.schemas.TopicBootstrap;

/**
 * A cluster that only speaks SASL (PLAIN) on its client listener, as MSK, Confluent Cloud or Strimzi would:
 * the three services and the gateway reach it with nothing but a client properties file, a service and the
 * gateway fail with a clear message without it, and a camera written in Python (Debian's python3-avro and
 * python3-confluent-kafka, no facestream code) sends a frame and reads the person's name from its answer.
 */
class SecuredKafkaTest {

    static final Path CAMERA = Path.of("..", "examples", "python-camera", "camera.py").toAbsolutePath().normalize();
    static final Path AVSC = Path.of("..", "schemas", "target", "classes", "avro").toAbsolutePath().normalize();
    static final String SCHEMA = "sasl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static final String DATABASE_URL = TestSchema.DATABASE_URL;
    static final String ADMIN_KEY = "fs_sasl_admin_" + UUID.randomUUID().toString().replace("-", "");
    static final String PASSWORD = "camera-secret-" + UUID.randomUUID();

    static LocalKafka broker;
    static LocalStack stack;
    static Gateway gateway;
    static Path clientProperties;
    static Path home;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("facestream-sasl");
        int port = LocalStack.freePort();
        int controllerPort = LocalStack.freePort();
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" password=\"broker-secret\""
                + " user_broker=\"broker-secret\" user_facestream=\"" + PASSWORD + "\";";
        // The only listener clients can reach is SASL_PLAINTEXT; the controller's own listener stays internal.
        broker = LocalKafka.start(home.resolve("kafka"), port, controllerPort, Map.of(
                "listeners", "SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port,
                "listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name", "SASL_PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas));
        clientProperties = home.resolve("client.properties");
        Files.writeString(clientProperties, clientSettings(PASSWORD));

        System.setProperty("facestream.kafka.properties", clientProperties.toString());
        TestSchema.use(SCHEMA, ADMIN_KEY);
        stack = LocalStack.start(new LocalStackConfig(home, 0, broker.bootstrapServers(), DATABASE_URL,
                TestSchema.REDIS_URL, 0));
        gateway = new Gateway(stack.startGateway(0), ADMIN_KEY);
        PipelineEndToEndTest.awaitHealthy(gateway);
        Gateway.Answer registered = gateway.register("Person A", TestPhotos.path(TestPhotos.A1));
        assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
    }

    static String clientSettings(String password) {
        return """
                # What a SASL/PLAIN cluster asks of every client (README, "Secured Kafka clusters").
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="facestream" password="%s";
                """.formatted(password);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (broker != null) {
            broker.close();
        }
        TestSchema.drop(SCHEMA, "facestream.kafka.properties");
    }

    @Test
    void theGatewayAndTheServicesAnswerThroughTheSaslListener() {
        Gateway.Answer recognized = gateway.recognize(TestPhotos.path(TestPhotos.A2));
        assertThat(recognized.status()).as(recognized.body().toString()).isEqualTo(200);
        assertThat(recognized.body().get("recognized_faces").get(0).get("name").asText()).isEqualTo("Person A");
    }

    @Test
    void withoutTheClientSettingsAServiceAndTheGatewayStopWithAClearReason() throws Exception {
        System.clearProperty("facestream.kafka.properties");
        // A plaintext client gets no answer from a SASL listener, only a timeout: keep it short here (default 60 s).
        System.setProperty("facestream.kafka.request.timeout.ms", "4000");
        System.setProperty("facestream.kafka.default.api.timeout.ms", "4000");
        try {
            assertThatThrownBy(() -> DetectorService.start(DetectorConfig.fromEnvironment(), ModelStore.fromEnvironment()).close())
                    .hasMessageContaining("cannot create Kafka topics at " + broker.bootstrapServers())
                    .hasMessageContaining("FACESTREAM_KAFKA_PROPERTIES");
            // Spring reports the bean that failed and, among its causes, the same message.
            assertThatThrownBy(() -> stack.startGateway(0))
                    .hasStackTraceContaining("cannot create Kafka topics at " + broker.bootstrapServers())
                    .hasStackTraceContaining("FACESTREAM_KAFKA_PROPERTIES");

            // The right mechanism with a wrong password is refused by the broker at once, and says so.
            Path wrong = home.resolve("wrong.properties");
            Files.writeString(wrong, clientSettings("not-the-password"));
            System.setProperty("facestream.kafka.properties", wrong.toString());
            assertThatThrownBy(() -> TopicBootstrap.ensureTopics(broker.bootstrapServers()))
                    .hasMessageContaining("Authentication failed")
                    .hasMessageContaining("security.protocol=SASL_PLAINTEXT")
                    .hasMessageNotContaining("not-the-password");
        } finally {
            System.setProperty("facestream.kafka.properties", clientProperties.toString());
            System.clearProperty("facestream.kafka.request.timeout.ms");
            System.clearProperty("facestream.kafka.default.api.timeout.ms");
        }
    }

    @Test
    void aPythonCameraSendsAFrameAndReadsTheNameFromItsAnswer() throws Exception {
        JsonNode answer = camera(TestPhotos.path(TestPhotos.A2));

        assertThat(answer.get("error").isNull()).as(answer.toString()).isTrue();
        assertThat(answer.get("faces")).hasSize(1);
        assertThat(answer.get("faces").get(0).get("name").asText()).isEqualTo("Person A");
        assertThat(answer.get("faces").get(0).get("similarity").asDouble()).isGreaterThanOrEqualTo(answer.get("threshold").asDouble());
    }

    @Test
    void jsonLogLinesCarryTheFrameIdInEveryStageAndInTheGateway() throws Exception {
        String cameraFrame;
        List<JsonNode> lines;
        try (JsonLogs logs = JsonLogs.start()) {
            cameraFrame = camera(TestPhotos.path(TestPhotos.A2)).get("frame_id").asText();
            assertThat(gateway.recognize(TestPhotos.path(TestPhotos.B1)).status()).isEqualTo(200);
            lines = logs.lines();
        }

        for (String stage : List.of("detector.DetectorTopology", "embedder.EmbedderTopology", "matcher.MatcherTopology")) {
            assertThat(lines).as("a JSON line of io.facestream.%s with frame_id %s", stage, cameraFrame)
                    .anySatisfy(line -> {
                        assertThat(line.path("loggerName").asText()).isEqualTo("io.facestream." + stage);
                        assertThat(line.path("mdc").path("frame_id").asText()).isEqualTo(cameraFrame);
                    });
        }
        // The gateway's request: its frame id is in the gateway's lines and in the same frame's detector line.
        JsonNode sent = lines.stream().filter(line -> line.path("loggerName").asText().endsWith("PipelineClient")
                && line.path("formattedMessage").asText().startsWith("sent RECOGNIZE")).findFirst().orElseThrow();
        String requestFrame = sent.path("mdc").path("frame_id").asText();
        assertThat(requestFrame).isNotBlank().isNotEqualTo(cameraFrame);
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.path("loggerName").asText()).isEqualTo("io.facestream.detector.DetectorTopology");
            assertThat(line.path("mdc").path("frame_id").asText()).isEqualTo(requestFrame);
        });
    }

    /**
     * The example needs Debian's python3-avro and python3-confluent-kafka: CI installs them (.ci/run) and must run this;
     * elsewhere a machine without them skips the camera, saying what to install.
     */
    private static void requirePythonPackages() throws Exception {
        Process check = new ProcessBuilder("/usr/bin/python3", "-c", "import avro.io, confluent_kafka").redirectErrorStream(true).start();
        boolean present = check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
        String missing = "the Python camera needs /usr/bin/python3 with python3-avro and python3-confluent-kafka (apt-get install -y python3-avro "
                + "python3-confluent-kafka): " + read(check.getInputStream());
        if (System.getenv("CI") != null) {
            assertThat(present).as(missing).isTrue();
        }
        assumeTrue(present, missing);
    }

    /** Runs the Python example against the SASL listener and returns the JSON answer it printed. */
    private static JsonNode camera(Path photo) throws Exception {
        requirePythonPackages();
        assertThat(AVSC.resolve("Frame.avsc")).as("the build writes the .avsc files").exists();
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", CAMERA.toString(),
                "--bootstrap", broker.bootstrapServers(), "--schemas", AVSC.toString(), "--camera-id", "lobby-" + SCHEMA, "--timeout", "60",
                "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanism=PLAIN",
                "-X", "sasl.username=facestream", "-X", "sasl.password=" + PASSWORD,
                photo.toString()));
        Process camera = new ProcessBuilder(command).start();
        camera.getOutputStream().close();
        boolean ended = camera.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            camera.destroyForcibly();
        }
        String out = read(camera.getInputStream());
        String err = read(camera.getErrorStream());
        assertThat(ended).as("camera.py ended; stderr: " + err).isTrue();
        assertThat(camera.exitValue()).as("exit code; stderr: " + err).isZero();
        return Gateway.JSON.readTree(out);
    }

    private static String read(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
