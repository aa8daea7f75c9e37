package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.facestream.models.ModelStore;

/** The research pack on a machine without its files: start-up stops at once and says what is missing and where it goes. */
class MissingModelsTest {

    @TempDir
    Path tmp;

    @Test
    void theResearchPackWithoutItsFilesStopsBeforeAnythingStartsNamingEachFileAndWhereToPutIt() throws Exception {
        Path models = tmp.resolve("models");
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        System.setProperty("facestream.model.pack", "research");
        System.setProperty("facestream.models.dir", models.toString());
        System.setProperty("facestream.model.mirror", mirror.toString());
        try {
            assertThatThrownBy(() -> LocalStack.start(new LocalStackConfig(tmp.resolve("home"), 0, null, null, null, LocalStack.freePort())))
                    .isInstanceOf(ModelStore.ModelFetchException.class)
                    .hasMessageContaining("scrfd-500m (detector, file det_500m.onnx with sha256 5e4447f5")
                    .hasMessageContaining("put det_500m.onnx in " + models + " (FACESTREAM_MODELS_DIR)")
                    .hasMessageContaining("arcface-mbf-int8 (recognizer, file w600k_mbf_int8_dynamic.onnx with sha256 7caa7fb0")
                    .hasMessageContaining("put w600k_mbf_int8_dynamic.onnx in " + models)
                    .hasMessageContaining("FACESTREAM_MODEL_MIRROR names (looked in " + mirror + ")")
                    .hasMessageContaining("buffalo_sc");
            assertThat(tmp.resolve("home")).as("no broker or database was started").doesNotExist();
        } finally {
            System.clearProperty("facestream.model.pack");
            System.clearProperty("facestream.models.dir");
            System.clearProperty("facestream.model.mirror");
        }
    }
}
