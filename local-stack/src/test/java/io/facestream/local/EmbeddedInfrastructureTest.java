package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.facestream.face.EmbeddingModel;
import io.facestream.face.ModelPack;
import io.facestream.face.TestModels;
import io.facestream.face.TestPhotos;
import io.facestream.matcher.MatcherConfig;

/**
 * The fallback for machines without PostgreSQL or Redis: embedded servers from Maven Central, same pipeline,
 * on the committed photos, so a fresh clone without ../shared runs it end to end. Once per model pack, each
 * selected by the one setting: the default (permissive) always, the research pack where its files are here.
 */
class EmbeddedInfrastructureTest {

    @ParameterizedTest
    @ValueSource(strings = {"permissive", "research"})
    void eachPackRegistersAndRecognizesOnEmbeddedPostgresAndRedis(String packName) throws Exception {
        ModelPack pack = ModelPack.parse(packName);
        TestModels.store(pack.detector().modelName(), pack.recognizer().modelName());
        String adminKey = "fs_embedded_admin_key_0123456789abcdef";
        System.setProperty("facestream.admin.key", adminKey);
        System.setProperty("facestream.model.pack", packName);
        try (LocalStack stack = LocalStack.start(new LocalStackConfig(Files.createTempDirectory("facestream-embedded"), 0,
                null, null, null, LocalStack.freePort()))) {
            Gateway gateway = new Gateway(stack.startGateway(0), adminKey);
            PipelineEndToEndTest.awaitHealthy(gateway);

            Gateway.Answer registered = gateway.register("Person A", TestPhotos.path(TestPhotos.A1));
            assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
            Gateway.Answer recognized = gateway.recognize(TestPhotos.path(TestPhotos.A2));
            assertThat(recognized.body().get("recognized_faces").get(0).get("name").asText()).as(recognized.body().toString()).isEqualTo("Person A");
            double similarity = recognized.body().get("recognized_faces").get(0).get("similarity").asDouble();
            // The pack's own calibrated threshold (0.944 for dlib with flip, 0.289 for ArcFace): the answer came from its gallery.
            EmbeddingModel model = new EmbeddingModel(pack.recognizer(), pack.flip());
            assertThat(recognized.body().get("threshold").asDouble()).isCloseTo(MatcherConfig.CALIBRATED_THRESHOLDS.get(model), within(1e-6));
            assertThat(similarity).isGreaterThanOrEqualTo(recognized.body().get("threshold").asDouble());

            Gateway.Answer stranger = gateway.recognize(TestPhotos.path(TestPhotos.B1));
            assertThat(stranger.body().get("recognized_faces")).as(stranger.body().toString()).isEmpty();
            assertThat(stranger.body().get("unknown_faces")).hasSize(1);
            Gateway.Answer same = gateway.postForm("/api/recognition/verify", "file", TestPhotos.path(TestPhotos.B1),
                    "other_file", TestPhotos.path(TestPhotos.B2));
            assertThat(same.body().get("same_person").asBoolean()).as(same.body().toString()).isTrue();
        } finally {
            System.clearProperty("facestream.admin.key");
            System.clearProperty("facestream.model.pack");
        }
    }
}
