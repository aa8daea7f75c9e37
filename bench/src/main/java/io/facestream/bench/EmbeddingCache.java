package io.facestream.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embeddings one detector × recognizer pair computed, kept on disk between bench runs ({@code --embedding-cache DIR}),
 * so a rerun of the identification tables (about 2,000 photos, 15–30 minutes of detection and embedding on the shared
 * 2-core machine) takes seconds. Only vectors are kept: a rerun from the cache measures quality, not speed (the speed
 * table then shows NaN). A photo without a face is stored as a vector of length 0. Keyed by the photo's absolute path;
 * a file per detector label and embedder model (which names flip), so a change of either never reads stale vectors.
 */
final class EmbeddingCache {

    private final Path file;

    EmbeddingCache(Path directory, String detector, String embedderModel) {
        this.file = directory.resolve((detector + "__" + embedderModel).replaceAll("[^A-Za-z0-9._@+-]", "_") + ".bin");
    }

    /** Every vector stored for this pair, null standing for "no face". */
    void loadInto(Map<Path, float[]> vectors) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                Path path = Path.of(in.readUTF());
                float[] v = new float[in.readInt()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = in.readFloat();
                }
                vectors.put(path, v.length == 0 ? null : v);
            }
        }
        System.out.println("embedding cache: " + vectors.size() + " photos from " + file);
    }

    void save(Map<Path, float[]> vectors) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(partial)))) {
            out.writeInt(vectors.size());
            for (var entry : vectors.entrySet()) {
                out.writeUTF(entry.getKey().toAbsolutePath().normalize().toString());
                float[] v = entry.getValue() == null ? new float[0] : entry.getValue();
                out.writeInt(v.length);
                for (float f : v) {
                    out.writeFloat(f);
                }
            }
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
