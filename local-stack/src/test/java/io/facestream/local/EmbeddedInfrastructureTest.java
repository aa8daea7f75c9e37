package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The fallback for machines without PostgreSQL or Redis: embedded servers from Maven Central, same pipeline.
 * Run with the permissive model pack (YuNet + dlib's ResNet converted from npm), so the one setting that
 * selects it is shown to register and recognize people end to end.
 */
class EmbeddedInfrastructureTest {

    static final Path DATA = PipelineEndToEndTest.DATA;

    @Test
    void thePermissivePackRegistersAndRecognizesOnEmbeddedPostgresAndRedis() throws Exception {
        String adminKey = "fs_embedded_admin_key_0123456789abcdef";
        System.setProperty("facestream.admin.key", adminKey);
        System.setProperty("facestream.model.pack", "permissive");
        try (LocalStack stack = LocalStack.start(new LocalStackConfig(Files.createTempDirectory("facestream-embedded"), 0,
                null, null, null, LocalStack.freePort()))) {
            Gateway gateway = new Gateway(stack.startGateway(0), adminKey);
            PipelineEndToEndTest.awaitHealthy(gateway);

            Gateway.Answer registered = gateway.register("Rose Leslie", DATA.resolve("refs/rose_leslie/img1.jpg"));
            assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
            Gateway.Answer recognized = gateway.recognize(DATA.resolve("refs/rose_leslie/img2.jpg"));
            assertThat(recognized.body().get("recognized_faces").get(0).get("name").asText()).isEqualTo("Rose Leslie");
            double similarity = recognized.body().get("recognized_faces").get(0).get("similarity").asDouble();
            // dlib's calibrated threshold is far above the research pack's: the answer came from the permissive gallery.
            assertThat(recognized.body().get("threshold").asDouble()).isGreaterThan(0.9);
            assertThat(similarity).isGreaterThanOrEqualTo(recognized.body().get("threshold").asDouble());
            Gateway.Answer stranger = gateway.recognize(DATA.resolve("refs/biden/biden.jpg"));
            assertThat(stranger.body().get("recognized_faces")).isEmpty();
        } finally {
            System.clearProperty("facestream.admin.key");
            System.clearProperty("facestream.model.pack");
        }
    }
}
