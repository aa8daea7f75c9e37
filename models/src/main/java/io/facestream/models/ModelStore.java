package io.facestream.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where model files live on this machine, and how they get there: copied from a mirror
 * directory when one is configured, downloaded from the manifest's location otherwise, and
 * checked against the manifest's sha256 either way, so a service never runs on a file it did
 * not expect.
 */
public final class ModelStore {

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    private final ModelManifest manifest;
    private final Path directory;
    private final Path mirror;

    public ModelStore(ModelManifest manifest, Path directory, Path mirror) {
        this.manifest = manifest;
        this.directory = directory;
        this.mirror = mirror;
    }

    /** {@code FACESTREAM_MODELS_DIR} (default ~/.cache/facestream/models) and {@code FACESTREAM_MODEL_MIRROR}; system properties of the same name in lower case with dots win. */
    public static ModelStore fromEnvironment() {
        String dir = setting("FACESTREAM_MODELS_DIR", Path.of(System.getProperty("user.home"), ".cache", "facestream", "models").toString());
        String mirror = setting("FACESTREAM_MODEL_MIRROR", null);
        return new ModelStore(ModelManifest.load(), Path.of(dir).toAbsolutePath(),
                mirror == null || mirror.isBlank() ? null : Path.of(mirror).toAbsolutePath());
    }

    private static String setting(String env, String fallback) {
        String property = System.getProperty(env.toLowerCase().replace('_', '.'));
        if (property != null) {
            return property;
        }
        String value = System.getenv(env);
        return value != null ? value : fallback;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** Path of a verified copy of the named model, fetching it first if needed. */
    public Path path(String name) {
        ModelSpec spec = manifest.get(name);
        Path target = directory.resolve(spec.file());
        try {
            if (Files.isRegularFile(target) && spec.sha256().equals(sha256(target))) {
                return target;
            }
            Files.createDirectories(directory);
            Path partial = Files.createTempFile(directory, spec.file(), ".part");
            try {
                fetchInto(spec, partial);
                String actual = sha256(partial);
                if (!spec.sha256().equals(actual)) {
                    throw new ModelFetchException(spec.name() + ": sha256 " + actual + " does not match the manifest's " + spec.sha256());
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch model " + name + " into " + directory, e);
        }
    }

    private void fetchInto(ModelSpec spec, Path partial) throws IOException {
        if (mirror != null && Files.isRegularFile(mirror.resolve(spec.file()))) {
            log.info("copying model {} from mirror {}", spec.name(), mirror);
            Files.copy(mirror.resolve(spec.file()), partial, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        if (spec.download() == null) {
            throw new ModelFetchException(spec.name() + " (" + spec.file() + ") has no public download location; put the file in a directory "
                    + "and point FACESTREAM_MODEL_MIRROR at it" + (mirror == null ? "" : " (looked in " + mirror + ")")
                    + ". Source: " + spec.source());
        }
        log.info("downloading model {} from {}", spec.name(), spec.download());
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
        try {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(spec.download())).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new ModelFetchException(spec.name() + ": download answered HTTP " + response.statusCode());
            }
            try (InputStream body = response.body()) {
                Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelFetchException(spec.name() + ": download interrupted");
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            MessageDigest digest = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static final class ModelFetchException extends RuntimeException {
        public ModelFetchException(String message) {
            super(message);
        }
    }
}
