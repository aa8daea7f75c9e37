package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The fallback for machines without PostgreSQL or Redis: embedded servers from Maven Central, same pipeline. */
class EmbeddedInfrastructureTest {

    static final Path DATA = PipelineEndToEndTest.DATA;

    @Test
    void registersAndRecognizesWithEmbeddedPostgresAndRedis() throws Exception {
        String adminKey = "fs_embedded_admin_key_0123456789abcdef";
        System.setProperty("facestream.admin.key", adminKey);
        try (LocalStack stack = LocalStack.start(new LocalStackConfig(Files.createTempDirectory("facestream-embedded"), 0,
                null, null, null, LocalStack.freePort()))) {
            Gateway gateway = new Gateway(stack.startGateway(0), adminKey);
            PipelineEndToEndTest.awaitHealthy(gateway);

            Gateway.Answer registered = gateway.register("Rose Leslie", DATA.resolve("refs/rose_leslie/img1.jpg"));
            assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
            Gateway.Answer recognized = gateway.recognize(DATA.resolve("refs/rose_leslie/img2.jpg"));
            assertThat(recognized.body().get("recognized_faces").get(0).get("name").asText()).isEqualTo("Rose Leslie");
        } finally {
            System.clearProperty("facestream.admin.key");
        }
    }
}
