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
    void explainsWhereToPutAModelWithoutDownload() {
        ModelStore store = new ModelStore(manifest("ab"), tmp.resolve("models"), null);
        assertThat(store.obtainable("m")).isFalse();
        assertThatThrownBy(() -> store.path("m")).hasMessageContaining("m.onnx in " + tmp.resolve("models") + " (FACESTREAM_MODELS_DIR)")
                .hasMessageContaining("FACESTREAM_MODEL_MIRROR names (unset)").hasMessageContaining("comes from: test");
    }

    @Test
    void requireNamesEveryMissingModelAtOnceAndWhereToPutIt() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Files.createDirectories(tmp.resolve("models"));
        Files.writeString(tmp.resolve("models/b.onnx"), "not b");
        Files.writeString(mirror.resolve("c.onnx"), "c");
        ModelManifest manifest = new ModelManifest(List.of(
                new ModelSpec("a", "detector", "a.onnx", "00".repeat(32), "research only", "a's paper", null),
                new ModelSpec("b", "recognizer", "b.onnx", "11".repeat(32), "research only", "b's paper", null),
                new ModelSpec("c", "detector", "c.onnx", ModelStore.sha256(mirror.resolve("c.onnx")), "MIT", "c's repo", null),
                new ModelSpec("d", "detector", "d.onnx", "22".repeat(32), "MIT", "d's repo", "https://example.invalid/d.onnx")));
        ModelStore store = new ModelStore(manifest, tmp.resolve("models"), mirror);

        assertThat(store.obtainable("c")).as("in the mirror").isTrue();
        assertThat(store.obtainable("d")).as("publicly downloadable").isTrue();
        store.require(List.of("c", "d"));
        assertThatThrownBy(() -> store.require(List.of("a", "c", "b")))
                .hasMessageContaining("a (detector, file a.onnx with sha256 " + "00".repeat(32) + ", licence: research only) has no public download location: put a.onnx in "
                        + tmp.resolve("models"))
                .hasMessageContaining("looked in " + mirror).hasMessageContaining("comes from: a's paper")
                .hasMessageContaining("b.onnx there has sha256 " + ModelStore.sha256(tmp.resolve("models/b.onnx")))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c.onnx"));
    }

    @Test
    void manifestHasAChecksumAndLicenceForEveryModel() {
        for (ModelSpec spec : ModelManifest.load().models()) {
            assertThat(spec.sha256()).as(spec.name()).hasSize(64);
            assertThat(spec.licence()).as(spec.name()).isNotBlank();
            assertThat(spec.source()).as(spec.name()).isNotBlank();
        }
    }

    @Test
    void convertedModelIsPinnedToAPackageVersionAndIntegrity() {
        ModelSpec spec = ModelManifest.load().get("dlib-resnet-128");
        assertThat(spec.build().converter()).isEqualTo("dlib-resnet-from-face-api");
        assertThat(spec.build().npmPackage()).isEqualTo("@vladmandic/face-api");
        assertThat(spec.build().version()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(spec.build().integrity()).matches("sha512-[A-Za-z0-9+/]{86}==");
        assertThat(spec.source()).contains(spec.build().npmPackage() + "@" + spec.build().version());
        assertThat(spec.licence()).contains("CC0-1.0").contains("MIT");
        assertThat(ModelManifest.load().get("yunet").build()).isNull();
    }

    @Test
    void convertsAModelWithABuildInsteadOfCopyingIt() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        // A file of the model's name in the mirror is not used, and a tarball that is not the pinned one is refused.
        Files.writeString(mirror.resolve("c.onnx"), "weights");
        Files.writeString(mirror.resolve("vladmandic-face-api-1.7.15.tgz"), "not the package");
        ModelSpec.ModelBuild build = new ModelSpec.ModelBuild("dlib-resnet-from-face-api", "@vladmandic/face-api", "1.7.15",
                ModelManifest.load().get("dlib-resnet-128").build().integrity());
        ModelManifest manifest = new ModelManifest(List.of(new ModelSpec("c", "recognizer", "c.onnx",
                ModelStore.sha256(mirror.resolve("c.onnx")), "CC0-1.0", "test", null, build)));
        ModelStore store = new ModelStore(manifest, tmp.resolve("models"), mirror, "http://127.0.0.1:9");

        assertThatThrownBy(() -> store.path("c")).hasMessageContaining("does not match the pinned");
        assertThat(tmp.resolve("models/c.onnx")).doesNotExist();
    }

    private static ModelManifest manifest(String sha) {
        return new ModelManifest(List.of(new ModelSpec("m", "detector", "m.onnx", sha, "MIT", "test", null)));
    }
}
