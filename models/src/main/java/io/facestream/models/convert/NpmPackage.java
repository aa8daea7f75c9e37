package io.facestream.models.convert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An npm package tarball pinned by name, version and Subresource-Integrity string (the
 * {@code dist.integrity} the registry publishes, e.g. {@code sha512-…}). It is taken from a local
 * cache, a mirror directory or the registry, in that order, and is never used before its
 * integrity matches the pin.
 */
public record NpmPackage(String name, String version, String integrity) {

    private static final Logger log = LoggerFactory.getLogger(NpmPackage.class);

    public static final String DEFAULT_REGISTRY = "https://registry.npmjs.org";

    public NpmPackage {
        if (name == null || version == null || integrity == null || !integrity.contains("-")) {
            throw new IllegalArgumentException("an npm package needs a name, a version and an integrity string (algorithm-base64)");
        }
    }

    /** The file name {@code npm pack} gives: {@code @scope/name} becomes {@code scope-name-version.tgz}. */
    public String tarballName() {
        return name.replace("@", "").replace('/', '-') + "-" + version + ".tgz";
    }

    /**
     * A verified copy of the tarball in {@code cache}: kept from an earlier call, copied from
     * {@code mirror} (may be null) or downloaded from {@code registry}.
     */
    public Path fetch(Path cache, Path mirror, String registry) {
        Path target = cache.resolve(tarballName());
        try {
            if (Files.isRegularFile(target) && matches(target)) {
                return target;
            }
            Files.createDirectories(cache);
            Path partial = Files.createTempFile(cache, tarballName(), ".part");
            try {
                Path mirrored = mirror == null ? null : mirror.resolve(tarballName());
                if (mirrored != null && Files.isRegularFile(mirrored)) {
                    log.info("copying npm package {}@{} from mirror {}", name, version, mirror);
                    Files.copy(mirrored, partial, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    download(registry == null ? DEFAULT_REGISTRY : registry, partial);
                }
                if (!matches(partial)) {
                    throw new IllegalStateException(name + "@" + version + ": tarball integrity " + integrityOf(partial, algorithm())
                            + " does not match the pinned " + integrity);
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch npm package " + name + "@" + version + " into " + cache, e);
        }
    }

    /** Asks the registry for this version's metadata, insists it publishes the pinned integrity, and downloads its tarball. */
    private void download(String registry, Path partial) throws IOException {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
        String metadataUrl = registry.replaceAll("/+$", "") + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("%40", "@")
                + "/" + URLEncoder.encode(version, StandardCharsets.UTF_8);
        log.info("fetching npm package {}@{} from {}", name, version, registry);
        try {
            HttpResponse<byte[]> metadata = client.send(HttpRequest.newBuilder(URI.create(metadataUrl)).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (metadata.statusCode() != 200) {
                throw new IllegalStateException(name + "@" + version + ": registry metadata " + metadataUrl + " answered HTTP " + metadata.statusCode());
            }
            JsonNode dist = new ObjectMapper().readTree(metadata.body()).path("dist");
            String published = dist.path("integrity").asText();
            if (!Set.of(published.split("\\s+")).contains(integrity)) {
                throw new IllegalStateException(name + "@" + version + ": the registry publishes integrity " + published
                        + ", not the pinned " + integrity);
            }
            String tarball = dist.path("tarball").asText();
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(tarball)).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(name + "@" + version + ": " + tarball + " answered HTTP " + response.statusCode());
            }
            try (InputStream body = response.body()) {
                Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + "@" + version + ": download interrupted");
        }
    }

    boolean matches(Path tarball) throws IOException {
        return integrity.equals(integrityOf(tarball, algorithm()));
    }

    private String algorithm() {
        return integrity.substring(0, integrity.indexOf('-'));
    }

    /** Subresource-Integrity string of a file: {@code sha512-} and the base64 digest. */
    public static String integrityOf(Path file, String algorithm) throws IOException {
        String javaName = switch (algorithm) {
            case "sha512" -> "SHA-512";
            case "sha384" -> "SHA-384";
            case "sha256" -> "SHA-256";
            default -> throw new IllegalArgumentException("integrity algorithm " + algorithm + " is not supported");
        };
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance(javaName))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return algorithm + "-" + Base64.getEncoder().encodeToString(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The regular files of a gzipped tar whose paths are in {@code wanted} (npm tarballs put
     * everything under {@code package/}). Reads ustar, with pax and GNU long names.
     */
    public static Map<String, byte[]> extract(Path tgz, Set<String> wanted) {
        Map<String, byte[]> found = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 65536)) {
            String longName = null;
            byte[] header = new byte[512];
            while (readFully(in, header)) {
                if (isZero(header)) {
                    break;
                }
                String path = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty() && "ustar".equals(field(header, 257, 5))) {
                    path = prefix + "/" + path;
                }
                long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
                char type = (char) header[156];
                boolean keep = type == 'x' || type == 'L' || ((type == '0' || type == 0) && wanted.contains(longName != null ? longName : path));
                byte[] body = keep ? readBytes(in, size) : null;
                if (!keep) {
                    skip(in, size);
                }
                skip(in, (512 - size % 512) % 512);
                if (type == 'x') {
                    longName = paxPath(body, longName);
                } else if (type == 'L') {
                    longName = new String(body, StandardCharsets.UTF_8).replace("\0", "");
                } else {
                    if (body != null) {
                        found.put(longName != null ? longName : path, body);
                    }
                    longName = null;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tgz, e);
        }
        return found;
    }

    private static String paxPath(byte[] records, String current) {
        String text = new String(records, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && line.startsWith("path=", space + 1)) {
                return line.substring(space + 1 + "path=".length());
            }
        }
        return current;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean readFully(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, block.length);
        if (n == 0) {
            return false;
        }
        if (n < block.length) {
            throw new IOException("truncated tar");
        }
        return true;
    }

    private static byte[] readBytes(InputStream in, long size) throws IOException {
        byte[] body = in.readNBytes(Math.toIntExact(size));
        if (body.length != size) {
            throw new IOException("truncated tar");
        }
        return body;
    }

    private static void skip(InputStream in, long size) throws IOException {
        in.skipNBytes(size);
    }
}
