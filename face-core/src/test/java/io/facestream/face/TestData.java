package io.facestream.face;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * The shared labelled photos, read in place (see ../shared/data/README.md). A fresh clone has none:
 * a test that needs them is then skipped (a JUnit assumption, with the reason), and the rest of the
 * suite runs on {@link TestPhotos}.
 */
public final class TestData {

    private TestData() {
    }

    /** The data folder; skips the calling test when it is missing. */
    public static Path dir() {
        Path dir = location();
        Assumptions.assumeTrue(Files.isDirectory(dir), () -> "needs the shared photos, not found at " + dir
                + " (../shared/data beside the checkout, or -Dfacestream.data.dir)");
        return dir;
    }

    public static boolean present() {
        return Files.isDirectory(location());
    }

    private static Path location() {
        String configured = System.getProperty("facestream.data.dir", System.getenv().getOrDefault("FACESTREAM_DATA_DIR", "../../shared/data"));
        return Path.of(configured).toAbsolutePath().normalize();
    }
}
