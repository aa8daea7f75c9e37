package io.facestream.camera;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Several cameras from one process, one thread and one ffmpeg each, sharing one publisher (a Kafka producer is
 * thread-safe and batches across cameras). Everything a user can get wrong — a duplicate id, a missing file, no
 * ffmpeg, a file without video — fails before the first frame is published.
 */
public final class CameraFleet implements AutoCloseable {

    private final List<CameraSpec> cameras;
    private final List<CameraOptions> ownOptions = new ArrayList<>();
    private final List<FfmpegDecoder> decoders = new ArrayList<>();
    private final Consumer<String> report;
    private final List<CameraLoop> loops = new ArrayList<>();
    private final ExecutorService threads;
    private volatile boolean stopped;

    public CameraFleet(List<CameraSpec> cameras, CameraOptions options, FfmpegDecoder decoder, Consumer<String> report) {
        if (cameras.isEmpty()) {
            throw new CameraException("no camera given");
        }
        Set<String> ids = new HashSet<>();
        for (CameraSpec camera : cameras) {
            if (!ids.add(camera.cameraId())) {
                throw new CameraException("camera id " + camera.cameraId() + " is given twice; each camera needs its own");
            }
            camera.checkReadable();
        }
        decoder.check();
        for (CameraSpec camera : cameras) {
            CameraOptions own = options;
            FfmpegDecoder ownDecoder = decoder.withFps(options.fps());
            if (!camera.live() && options.fps() <= 0) {
                double rate = decoder.nativeRate(camera);
                own = new CameraOptions(rate, options.asFastAsPossible(), options.loop(), options.maxReconnects(),
                        options.maxBackoff(), options.progressEvery());
                ownDecoder = decoder.withFps(rate);
            }
            ownOptions.add(own);
            decoders.add(ownDecoder);
        }
        this.cameras = List.copyOf(cameras);
        this.report = report;
        AtomicInteger number = new AtomicInteger();
        threads = Executors.newFixedThreadPool(cameras.size(), runnable -> {
            Thread thread = new Thread(runnable, "camera-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs every camera to its end (files) or until {@link #stop()}, publishing to {@code publisher}; fails with every
     * failed camera's message. Once only.
     */
    public List<CameraLoop.Summary> run(FramePublisher publisher) throws InterruptedException {
        synchronized (loops) {
            if (stopped) {
                return List.of();
            }
            for (int i = 0; i < cameras.size(); i++) {
                loops.add(new CameraLoop(cameras.get(i), ownOptions.get(i), decoders.get(i), publisher, Clock.systemUTC(), Thread::sleep, report));
            }
        }
        List<Future<CameraLoop.Summary>> running = new ArrayList<>();
        for (CameraLoop loop : loops) {
            running.add(threads.submit(loop));
        }
        List<CameraLoop.Summary> summaries = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Future<CameraLoop.Summary> future : running) {
            try {
                summaries.add(future.get());
            } catch (ExecutionException e) {
                failures.add(e.getCause() instanceof CameraException ? e.getCause().getMessage() : e.getCause().toString());
            }
        }
        if (!failures.isEmpty()) {
            throw new CameraException(String.join("; ", failures));
        }
        return summaries;
    }

    public void stop() {
        synchronized (loops) {
            stopped = true;
            loops.forEach(CameraLoop::stop);
        }
    }

    @Override
    public void close() {
        stop();
        threads.shutdownNow();
    }
}
