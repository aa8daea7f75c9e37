package io.facestream.camera;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One running ffmpeg: JPEGs from its stdout, its last log lines and its CPU time from stderr. */
final class FfmpegSource implements FrameSource {

    private static final Pattern BENCH = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s");
    private static final int KEPT_LINES = 20;

    private final Process process;
    private final JpegStream jpegs;
    private final Deque<String> lastLines = new ArrayDeque<>();
    private final Thread stderrReader;
    private volatile long cpuMillis = -1;

    FfmpegSource(Process process) {
        this.process = process;
        this.jpegs = new JpegStream(process.getInputStream());
        this.stderrReader = new Thread(this::readLog, "ffmpeg-log-" + process.pid());
        stderrReader.setDaemon(true);
        stderrReader.start();
    }

    @Override
    public byte[] next() throws IOException {
        return jpegs.next();
    }

    @Override
    public String failure() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                return "ffmpeg did not exit after its output ended";
            }
            stderrReader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        if (process.exitValue() == 0) {
            return null;
        }
        synchronized (lastLines) {
            // ffmpeg's error is its last line before the benchmark lines ("clip.mp4: No such file or directory").
            return lastLines.stream().filter(line -> !line.startsWith("bench:")).reduce((a, b) -> b)
                    .orElse("ffmpeg exited with status " + process.exitValue());
        }
    }

    @Override
    public long decoderCpuMillis() {
        return cpuMillis;
    }

    private void readLog() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                Matcher bench = BENCH.matcher(line);
                if (bench.find()) {
                    cpuMillis = Math.round((Double.parseDouble(bench.group(1)) + Double.parseDouble(bench.group(2))) * 1000);
                }
                synchronized (lastLines) {
                    lastLines.addLast(line.strip());
                    if (lastLines.size() > KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // The process was stopped; its log is no longer needed.
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            // Stopped early (the camera stops, or the stream is being reconnected): ffmpeg prints no benchmark then.
            cpuMillis = process.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
