package io.facestream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

    @TempDir
    Path tmp;

    @Test
    void copiesFromMirrorAndVerifies() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Files.writeString(mirror.resolve("m.onnx"), "weights");
        String sha = ModelStore.sha256(mirror.resolve("m.onnx"));
        ModelStore store = new ModelStore(manifest(sha), tmp.resolve("models"), mirror);

        Path path = store.path("m");

        assertThat(path).hasContent("weights");
        assertThat(path.getParent()).isEqualTo(tmp.resolve("models"));
    }

    @Test
    void refusesAFileWhoseChecksumDiffers() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Files.writeString(mirror.resolve("m.onnx"), "tampered");
        ModelStore store = new ModelStore(manifest("00".repeat(32)), tmp.resolve("models"), mirror);

        assertThatThrownBy(() -> store.path("m")).hasMessageContaining("does not match");
        assertThat(tmp.resolve("models/m.onnx")).doesNotExist();
        try (var left = Files.list(tmp.resolve("models"))) {
            assertThat(left).as("no partial file left behind").isEmpty();
        }
    }

    @Test
    void replacesACorruptLocalCopy() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Files.writeString(mirror.resolve("m.onnx"), "weights");
        Files.createDirectories(tmp.resolve("models"));
        Files.writeString(tmp.resolve("models/m.onnx"), "half-writ");
        ModelStore store = new ModelStore(manifest(ModelStore.sha256(mirror.resolve("m.onnx"))), tmp.resolve("models"), mirror);

        assertThat(store.path("m")).hasContent("weights");
    }

    @Test
    void explainsWhereToGetAModelWithoutDownload() {
        ModelStore store = new ModelStore(manifest("ab"), tmp.resolve("models"), null);
        assertThatThrownBy(() -> store.path("m")).hasMessageContaining("FACESTREAM_MODEL_MIRROR");
    }

    @Test
    void manifestCoversTheSharedModelsWithChecksums() {
        ModelManifest manifest = ModelManifest.load();
        for (String name : FetchModels.DEFAULT) {
            ModelSpec spec = manifest.get(name);
            assertThat(spec.sha256()).hasSize(64);
            assertThat(spec.licence()).isNotBlank();
        }
    }

    private static ModelManifest manifest(String sha) {
        return new ModelManifest(List.of(new ModelSpec("m", "detector", "m.onnx", sha, "MIT", "test", null)));
    }
}
