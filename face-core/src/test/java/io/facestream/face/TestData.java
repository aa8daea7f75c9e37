package io.facestream.face;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared labelled photos, read in place (see ../shared/data/README.md). */
public final class TestData {

    private TestData() {
    }

    public static Path dir() {
        String configured = System.getProperty("facestream.data.dir", System.getenv().getOrDefault("FACESTREAM_DATA_DIR", "../../shared/data"));
        Path dir = Path.of(configured).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("test data not found at " + dir + " (set facestream.data.dir)");
        }
        return dir;
    }
}
