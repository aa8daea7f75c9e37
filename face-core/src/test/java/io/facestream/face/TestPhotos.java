package io.facestream.face;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The four small photos committed with the tests (two of person A, two of person B; origin, licence and
 * measured similarities in {@code photos/README.md}), so a fresh clone without ../shared still enrols and
 * recognizes real faces. Other modules read them from this module's test jar.
 */
public final class TestPhotos {

    public static final String A1 = "person-a-1.jpg";
    public static final String A2 = "person-a-2.jpg";
    public static final String B1 = "person-b-1.jpg";
    public static final String B2 = "person-b-2.jpg";

    private static final Map<String, Path> FILES = new HashMap<>();

    private TestPhotos() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = TestPhotos.class.getResourceAsStream("photos/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no committed test photo " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The photo as a file (copied once out of the test jar, where other modules find it), for clients that upload files. */
    public static synchronized Path path(String name) {
        return FILES.computeIfAbsent(name, n -> {
            try {
                Path dir = Files.createTempDirectory("facestream-test-photos");
                dir.toFile().deleteOnExit();
                Path file = Files.write(dir.resolve(n), bytes(n));
                file.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
