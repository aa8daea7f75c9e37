package io.facestream.camera;

import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import io.facestream.schemas.Topics;

/**
 * One camera from start to end: opens its source, numbers and timestamps every frame, paces files to real time
 * (unless as fast as possible), loops files, reconnects live sources with back-off, and reports progress.
 * Free of Kafka: frames go to a {@link FramePublisher}.
 *
 * <p>Capture times: a file's frames carry the time they would have been captured had the video been playing
 * since the camera started (start + sequence / fps), so they are evenly spaced and increasing even when published
 * as fast as possible or looped. A live source's frames carry the wall clock when they arrived, never less
 * than 1 ms after the previous frame's.
 */
public final class CameraLoop implements Callable<CameraLoop.Summary> {

    /** A JPEG is published only if its record fits the image topics' limit (the Avro header adds well under 1 KB). */
    static final int MAX_JPEG_BYTES = Topics.MAX_IMAGE_MESSAGE_BYTES - 16 * 1024;

    /** What one camera did; {@code decoderCpuMillis} is ffmpeg's user+system CPU time, -1 when unknown. */
    public record Summary(String cameraId, long frames, long skipped, long reconnects, long elapsedMillis, long decoderCpuMillis) {

        public double fps() {
            return elapsedMillis == 0 ? 0 : frames * 1000.0 / elapsedMillis;
        }

        /** ffmpeg CPU per published frame: decoding every source frame, sampling and JPEG encoding included. */
        public double decodeMillisPerFrame() {
            return decoderCpuMillis < 0 || frames == 0 ? -1 : (double) decoderCpuMillis / frames;
        }
    }

    /** Waiting, so tests of pacing and back-off need not wait in real time. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final CameraSpec camera;
    private final CameraOptions options;
    private final FrameSource.Opener opener;
    private final FramePublisher publisher;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Consumer<String> report;
    private volatile boolean stopped;
    private volatile FrameSource current;

    public CameraLoop(CameraSpec camera, CameraOptions options, FrameSource.Opener opener, FramePublisher publisher,
                      Clock clock, Sleeper sleeper, Consumer<String> report) {
        this.camera = camera;
        this.options = options;
        this.opener = opener;
        this.publisher = publisher;
        this.clock = clock;
        this.sleeper = sleeper;
        this.report = report;
    }

    /** Ends the camera soon: the running decoder is stopped, the frame being read is the last one. */
    public void stop() {
        stopped = true;
        FrameSource source = current;
        if (source != null) {
            source.close();
        }
    }

    @Override
    public Summary call() throws InterruptedException {
        boolean live = camera.live();
        if (!live && options.fps() <= 0) {
            throw new IllegalArgumentException("a file's rate must be known (FfmpegDecoder.nativeRate) before it runs");
        }
        double intervalMillis = live ? 0 : 1000.0 / options.fps();
        long start = clock.millis();
        long sequence = 0;
        long skipped = 0;
        long reconnects = 0;
        long cpuMillis = 0;
        boolean cpuKnown = true;
        int attempts = 0;
        long lastCapture = Long.MIN_VALUE;
        Progress progress = new Progress(start);
        while (!stopped) {
            long framesThisRun = 0;
            String failure;
            FrameSource source = null;
            try {
                source = opener.open(camera);
                current = source;
                byte[] jpeg;
                while (!stopped && (jpeg = source.next()) != null) {
                    framesThisRun++;
                    attempts = 0;
                    long captureTime;
                    long lag = 0;
                    if (live) {
                        captureTime = Math.max(clock.millis(), lastCapture + 1);
                    } else {
                        captureTime = start + Math.round(sequence * intervalMillis);
                        if (!options.asFastAsPossible()) {
                            long wait = captureTime - clock.millis();
                            if (wait > 0) {
                                sleeper.sleep(wait);
                            }
                            lag = Math.max(0, clock.millis() - captureTime);
                        }
                    }
                    if (jpeg.length > MAX_JPEG_BYTES) {
                        // Only a very large, very detailed frame gets here (the decoder caps the longest side); its
                        // sequence number stays unused, so a consumer sees the gap.
                        report.accept("camera " + camera.cameraId() + ": frame " + sequence + " skipped, its JPEG is "
                                + jpeg.length + " bytes, over the image topics' " + Topics.MAX_IMAGE_MESSAGE_BYTES + "-byte limit");
                        skipped++;
                    } else {
                        publisher.publish(new CapturedFrame(camera.cameraId(), sequence, captureTime, jpeg));
                    }
                    lastCapture = captureTime;
                    sequence++;
                    progress.frame(lag);
                }
                failure = stopped ? null : source.failure();
            } catch (IOException e) {
                failure = e.getMessage();
            } finally {
                current = null;
                if (source != null) {
                    source.close();
                    long used = source.decoderCpuMillis();
                    cpuKnown &= used >= 0;
                    cpuMillis += Math.max(0, used);
                }
            }
            if (stopped) {
                break;
            }
            if (!live) {
                if (framesThisRun == 0) {
                    if (failure != null) {
                        throw new CameraException("camera " + camera.cameraId() + ": cannot read " + camera.source() + ": " + failure);
                    }
                    break;
                }
                if (failure != null) {
                    report.accept("camera " + camera.cameraId() + ": decoder stopped early: " + failure);
                }
                if (!options.loop()) {
                    break;
                }
                continue;
            }
            attempts++;
            if (attempts > options.maxReconnects()) {
                throw new CameraException("camera " + camera.cameraId() + ": " + camera.source() + " unavailable, gave up after "
                        + options.maxReconnects() + " reconnect attempts; last error: " + (failure == null ? "stream ended" : failure));
            }
            long backoff = Math.min(options.maxBackoff().toMillis(), 1000L << Math.min(attempts - 1, 20));
            report.accept("camera " + camera.cameraId() + ": " + (failure == null ? "stream ended" : failure)
                    + "; reconnect attempt " + attempts + "/" + options.maxReconnects() + " in " + backoff + " ms");
            reconnects++;
            sleeper.sleep(backoff);
        }
        Summary summary = new Summary(camera.cameraId(), sequence - skipped, skipped, reconnects, clock.millis() - start,
                cpuKnown ? cpuMillis : -1);
        report.accept(String.format("camera %s: done, %d frames in %.1f s (%.1f fps)%s", camera.cameraId(), summary.frames(),
                summary.elapsedMillis() / 1000.0, summary.fps(), summary.decodeMillisPerFrame() < 0 ? ""
                        : String.format(", decoder CPU %d ms = %.1f ms per frame", summary.decoderCpuMillis(), summary.decodeMillisPerFrame())));
        return summary;
    }

    /** The progress line: frames so far, the rate over the last interval and how late the last frame went out. */
    private final class Progress {
        private long lastReport;
        private long framesAtLastReport;
        private long frames;

        Progress(long start) {
            this.lastReport = start;
        }

        void frame(long lagMillis) {
            frames++;
            long now = clock.millis();
            if (now - lastReport >= options.progressEvery().toMillis()) {
                double fps = (frames - framesAtLastReport) * 1000.0 / Math.max(1, now - lastReport);
                report.accept(String.format("camera %s: %d frames, %.1f fps, lag %d ms", camera.cameraId(), frames, fps, lagMillis));
                lastReport = now;
                framesAtLastReport = frames;
            }
        }
    }
}
