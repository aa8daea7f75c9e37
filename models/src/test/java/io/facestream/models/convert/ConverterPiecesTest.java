package io.facestream.models.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter's pieces without ONNX Runtime (face-core's DlibResNetConversionTest runs what they make). */
class ConverterPiecesTest {

    @TempDir
    Path tmp;

    @Test
    void encodesProtobufWireFormat() {
        ProtoWriter w = new ProtoWriter().int64(1, 300).string(2, "ab").float32(3, 1f).int64(4, -1);
        assertThat(HexFormat.of().formatHex(w.toByteArray())).isEqualTo(
                "08ac02" // field 1 varint 300
                        + "12026162" // field 2 length 2 "ab"
                        + "1d0000803f" // field 3 fixed32 1.0f little-endian
                        + "20ffffffffffffffffff01"); // field 4 varint -1: ten bytes
        ProtoWriter outer = new ProtoWriter().message(7, new ProtoWriter().int64(1, 1));
        assertThat(HexFormat.of().formatHex(outer.toByteArray())).isEqualTo("3a020801");
    }

    @Test
    void writesAModelProtoWithItsFieldsInAFixedOrder() {
        OnnxGraph graph = new OnnxGraph("g");
        graph.input("x", "N", 2);
        graph.initializer("k", new long[] {2}, new float[] {1.5f, -2f});
        graph.node("Add", List.of("x", "k"), "y");
        graph.output("y", "N", 2);
        byte[] model = graph.toModel("p", "1", null);

        // ir_version 8 first; then producer name and version; the opset import (domain "", version 13) last.
        assertThat(HexFormat.of().formatHex(model, 0, 2)).isEqualTo("0808");
        assertThat(HexFormat.of().formatHex(model)).endsWith("4204" + "0a00" + "100d");
        // The initializer's raw data is little-endian float32.
        assertThat(HexFormat.of().formatHex(model)).contains("4a08" + "0000c03f" + "000000c0");
        assertThat(graph.toModel("p", "1", null)).isEqualTo(model);
        assertThatThrownBy(() -> graph.initializer("bad", new long[] {3}, new float[2])).hasMessageContaining("dimensions");
    }

    @Test
    void dequantizesAsTensorFlowJsAndReadsTensorsInManifestOrder() {
        String manifest = """
                [{"paths": ["a.bin", "b.bin"], "weights": [
                  {"name": "q8", "shape": [2, 2], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
                  {"name": "plain", "shape": [2], "dtype": "float32"},
                  {"name": "q16", "shape": [1], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.001, "min": 2.0}}
                ]}]""";
        ByteBuffer bin = ByteBuffer.allocate(4 + 8 + 2).order(ByteOrder.LITTLE_ENDIAN);
        bin.put((byte) 0).put((byte) 1).put((byte) 2).put((byte) 255).putFloat(3.25f).putFloat(-0.5f).putShort((short) 40000);
        byte[] all = bin.array();
        // The tensors run on across shard boundaries: a.bin ends in the middle of "plain".
        Map<String, byte[]> shards = Map.of("a.bin", java.util.Arrays.copyOfRange(all, 0, 6), "b.bin", java.util.Arrays.copyOfRange(all, 6, all.length));

        TfjsWeights weights = TfjsWeights.read(manifest.getBytes(StandardCharsets.UTF_8), shards::get);

        assertThat(weights.tensors().keySet()).containsExactly("q8", "plain", "q16");
        assertThat(weights.get("q8", 2, 2).values()).containsExactly(-1f, -0.5f, 0f, 126.5f);
        assertThat(weights.get("plain").values()).containsExactly(3.25f, -0.5f);
        assertThat(weights.get("q16").values()).containsExactly((float) (40000 * 0.001 + 2.0));
        assertThat(TfjsWeights.dequantize(3, 0.1, 0.2)).isEqualTo((float) (3 * 0.1 + 0.2));
        assertThatThrownBy(() -> weights.get("q8", 4)).hasMessageContaining("shape");
    }

    @Test
    void refusesShardsThatDoNotAddUp() {
        String manifest = """
                [{"paths": ["a.bin"], "weights": [{"name": "w", "shape": [2], "dtype": "float32"}]}]""";
        assertThatThrownBy(() -> TfjsWeights.read(manifest.getBytes(StandardCharsets.UTF_8), p -> new byte[4]))
                .hasMessageContaining("needs 8 bytes");
        assertThatThrownBy(() -> TfjsWeights.read(manifest.getBytes(StandardCharsets.UTF_8), p -> new byte[12]))
                .hasMessageContaining("left over");
    }

    @Test
    void extractsFilesFromAnNpmTarball() throws Exception {
        String longPath = "package/" + "deep/".repeat(25) + "file.txt";
        Path tgz = tgz(tmp.resolve("p.tgz"), Map.of("package/model/w.json", "[]", "package/model/w.bin", "0123456789", "package/other.js", "x"),
                longPath, "long");

        Map<String, byte[]> files = NpmPackage.extract(tgz, Set.of("package/model/w.bin", "package/model/w.json", longPath, "package/missing"));

        assertThat(files).containsOnlyKeys("package/model/w.bin", "package/model/w.json", longPath);
        assertThat(new String(files.get("package/model/w.bin"), StandardCharsets.US_ASCII)).isEqualTo("0123456789");
        assertThat(new String(files.get(longPath), StandardCharsets.US_ASCII)).isEqualTo("long");
    }

    @Test
    void takesAPackageFromTheMirrorOnlyWhenItsIntegrityMatches() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Path tgz = tgz(mirror.resolve("scope-pkg-1.0.0.tgz"), Map.of("package/a", "a"), null, null);
        String integrity = "sha512-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(tgz)));
        assertThat(NpmPackage.integrityOf(tgz, "sha512")).isEqualTo(integrity);

        NpmPackage pinned = new NpmPackage("@scope/pkg", "1.0.0", integrity);
        assertThat(pinned.tarballName()).isEqualTo("scope-pkg-1.0.0.tgz");
        // An unreachable registry proves the mirror (and then the cache) was used.
        Path cached = pinned.fetch(tmp.resolve("cache"), mirror, "http://127.0.0.1:9");
        assertThat(cached).hasSameBinaryContentAs(tgz);
        Files.delete(tgz);
        assertThat(pinned.fetch(tmp.resolve("cache"), mirror, "http://127.0.0.1:9")).isEqualTo(cached);

        tgz(mirror.resolve("scope-pkg-1.0.0.tgz"), Map.of("package/a", "tampered"), null, null);
        NpmPackage other = new NpmPackage("@scope/pkg", "1.0.0", integrity);
        assertThatThrownBy(() -> other.fetch(tmp.resolve("cache2"), mirror, "http://127.0.0.1:9")).hasMessageContaining("does not match the pinned");
        try (var left = Files.list(tmp.resolve("cache2"))) {
            assertThat(left).as("no partial file left behind").isEmpty();
        }
    }

    /** A gzipped ustar archive; {@code longPath} (over 100 characters) goes in with a pax header. */
    static Path tgz(Path target, Map<String, String> files, String longPath, String longContent) throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (var e : new java.util.TreeMap<>(files).entrySet()) {
            entry(tar, e.getKey(), '0', e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        if (longPath != null) {
            String record = "path=" + longPath + "\n";
            int length = record.length() + 3;
            length = record.length() + String.valueOf(length).length() + 1;
            entry(tar, "PaxHeader/x", 'x', (length + " " + record).getBytes(StandardCharsets.UTF_8));
            entry(tar, longPath.substring(longPath.length() - 90), '0', longContent.getBytes(StandardCharsets.UTF_8));
        }
        tar.write(new byte[1024]);
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
            out.write(tar.toByteArray());
        }
        return target;
    }

    private static void entry(ByteArrayOutputStream tar, String path, char type, byte[] content) {
        byte[] header = new byte[512];
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, header, 0, name.length);
        byte[] size = String.format("%011o", content.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, header, 124, size.length);
        header[156] = (byte) type;
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 5);
        tar.writeBytes(header);
        tar.writeBytes(content);
        tar.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }
}
