package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.facestream.face.TestData;

/**
 * A benchmark, not a test (its name is outside surefire's test patterns, so only {@code -Dtest=} runs it). The dev clip's
 * 640×360 frames at 30 frames a second over one /ws/recognize connection, through the whole local stack on the real models,
 * in ordered and in live mode, with Lin-Manuel Miranda enrolled. Prints reply latency (p50, p99, max, from sending a frame
 * to its reply), frames answered, skipped (live) and refused busy (ordered), against a floor measured in the same run: one
 * frame at a time, each sent when the previous was answered (the pipeline's own round trip, no queueing).
 *
 * <pre>
 * FACESTREAM_MODEL_MIRROR=../shared/models mvn -q -pl local-stack -am test -Dtest=WebSocketLatencyBench \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dfacestream.bench.seconds=10]
 * </pre>
 */
class WebSocketLatencyBench {

    static final String SCHEMA = "wsbench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static final String ADMIN_KEY = "fs_wsbench_admin_" + UUID.randomUUID().toString().replace("-", "");
    static final int FPS = 30;

    static LocalStack stack;
    static String baseUrl;
    static List<byte[]> frames;

    @BeforeAll
    static void start() throws Exception {
        Path data = TestData.dir();
        Path clip = data.resolve("video/short_hamilton_clip_part1_0-5s.mp4");
        Assumptions.assumeTrue(Files.isRegularFile(clip) && Files.isExecutable(Path.of("/usr/bin/ffmpeg")), "needs the dev clip and ffmpeg");
        frames = extract(clip);
        TestSchema.use(SCHEMA, ADMIN_KEY);
        // 30 frames a second is 1,800 a minute: over the default per-key limit, which is not what is measured here.
        System.setProperty("facestream.requests.per.minute", "0");
        stack = LocalStack.start(new LocalStackConfig(Files.createTempDirectory("facestream-wsbench"), 0, null, TestSchema.DATABASE_URL,
                TestSchema.REDIS_URL, LocalStack.freePort()));
        baseUrl = stack.startGateway(0);
        Gateway gateway = new Gateway(baseUrl, ADMIN_KEY);
        PipelineEndToEndTest.awaitHealthy(gateway);
        assertThat(gateway.register("Lin-Manuel Miranda", data.resolve("refs/lin_manuel_miranda/lin-manuel-miranda.png")).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
            TestSchema.drop(SCHEMA, "facestream.requests.per.minute");
        }
    }

    /** Every frame of the clip as a JPEG, as a browser or camera would send it (ffmpeg's -q:v 3, about 13 KB). */
    static List<byte[]> extract(Path clip) throws Exception {
        Path dir = Files.createTempDirectory("wsbench-frames");
        Process ffmpeg = new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-i", clip.toString(), "-q:v", "3",
                dir.resolve("%04d.jpg").toString()).redirectErrorStream(true).start();
        String output = new String(ffmpeg.getInputStream().readAllBytes());
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0).as(output).isTrue();
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                out.add(Files.readAllBytes(file));
                Files.delete(file);
            }
        }
        Files.delete(dir);
        return out;
    }

    record Run(String name, int sent, int answered, int skipped, int busy, int otherErrors, long[] latencies, double seconds) {

        long percentile(double p) {
            if (latencies.length == 0) {
                return -1;
            }
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
        }

        String row() {
            return String.format("| %s | %d | %d (%.1f/s) | %d | %d | %d | %d | %d | %d |", name, sent, answered, answered / seconds, skipped, busy,
                    otherErrors, percentile(0.5), percentile(0.99), percentile(1.0));
        }
    }

    /** One connection; {@code paced}: frames at {@link #FPS}; otherwise each frame after the previous reply. */
    static Run run(String name, String mode, int count, boolean paced) throws Exception {
        long[] sentAt = new long[count];
        ConcurrentHashMap<Long, Long> latency = new ConcurrentHashMap<>();
        ConcurrentHashMap<Long, String> outcome = new ConcurrentHashMap<>();
        java.util.concurrent.Semaphore replied = new java.util.concurrent.Semaphore(0);
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(baseUrl.replace("http", "ws")
                + "/ws/recognize?api_key=" + ADMIN_KEY + (mode == null ? "" : "&mode=" + mode)), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            long now = System.nanoTime();
                            try {
                                JsonNode reply = Gateway.JSON.readTree(text.toString());
                                long sequence = reply.get("sequence").asLong();
                                latency.put(sequence, (now - sentAt[(int) sequence]) / 1_000_000);
                                outcome.put(sequence, reply.path("skipped").asBoolean(false) ? "skipped"
                                        : reply.has("error") ? reply.get("error").get("code").asText() : "answered");
                            } catch (Exception e) {
                                throw new IllegalStateException(text.toString(), e);
                            }
                            text.setLength(0);
                            replied.release();
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (paced) {
                long due = start + i * 1_000_000_000L / FPS;
                while (System.nanoTime() < due) {
                    Thread.sleep(1);
                }
            }
            sentAt[i] = System.nanoTime();
            socket.sendBinary(ByteBuffer.wrap(frames.get(i % frames.size())), true).get(10, TimeUnit.SECONDS);
            if (!paced) {
                assertThat(replied.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        if (paced) {
            assertThat(replied.tryAcquire(count, 60, TimeUnit.SECONDS)).as("replies to " + name).isTrue();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        assertThat(outcome).hasSize(count);
        long[] answeredLatencies = outcome.entrySet().stream().filter(e -> e.getValue().equals("answered"))
                .mapToLong(e -> latency.get(e.getKey())).toArray();
        int skipped = (int) outcome.values().stream().filter("skipped"::equals).count();
        int busy = (int) outcome.values().stream().filter("busy"::equals).count();
        return new Run(name, count, answeredLatencies.length, skipped, busy, count - answeredLatencies.length - skipped - busy,
                answeredLatencies, seconds);
    }

    static String uptime() throws Exception {
        Process process = new ProcessBuilder("uptime").redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes()).strip();
        process.waitFor();
        return text;
    }

    @Test
    void orderedAgainstLiveAt30FramesASecond() throws Exception {
        int seconds = Integer.getInteger("facestream.bench.seconds", 10);
        int count = seconds * FPS;
        run("warm-up", null, 20, false);
        List<String> rows = new ArrayList<>();
        String before = uptime();
        Run floor = run("floor: one frame at a time", null, 40, false);
        Run live = run("live, 30 fps", "live", count, true);
        drain(floor.percentile(0.5));
        Run ordered = run("ordered, 30 fps", null, count, true);
        String after = uptime();
        rows.add("| connection | frames sent | answered | skipped | busy | timed out | p50 ms | p99 ms | max ms |");
        rows.add("|---|---|---|---|---|---|---|---|---|");
        for (Run run : List.of(floor, ordered, live)) {
            rows.add(run.row());
        }
        System.out.println("\nWebSocket /ws/recognize, dev clip 640x360, " + seconds + " s at " + FPS + " fps per paced run\n"
                + String.join("\n", rows) + "\nload before: " + before + "\nload after:  " + after
                + String.format("%nratios to the floor's p50 (%d ms): ordered p99 %.1fx, live p99 %.1fx%n", floor.percentile(0.5),
                ordered.percentile(0.99) / (double) floor.percentile(0.5), live.percentile(0.99) / (double) floor.percentile(0.5)));
        drain(floor.percentile(0.5));
    }

    /**
     * Frames a run left in the pipeline (timed out at the gateway, still being worked on) would slow the next run down:
     * one frame at a time until a round trip is back near the floor.
     */
    static void drain(long floorMs) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < end) {
            long probe = run("drain", null, 1, false).percentile(0.5);
            if (probe >= 0 && probe <= 2 * floorMs) {
                return;
            }
            Thread.sleep(200);
        }
    }
}
