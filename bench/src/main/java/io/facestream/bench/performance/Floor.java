package io.facestream.bench.performance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.opencv.core.Mat;

import io.facestream.face.Detector;
import io.facestream.face.Face;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.ImageDecodeException;
import io.facestream.face.Images;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.models.ModelStore;

/**
 * The bare-model floor: decode + detect + align + embed of one frame on one thread, with the same detector,
 * recognizer and flip setting the services run, no Kafka, no HTTP. Times the cores, it is what the machine could
 * answer if nothing but the models ran; every pipeline throughput is read as a share of it.
 */
final class Floor {

    /** Per-frame milliseconds of one thread, by step, and what the machine's cores would do at that pace. */
    /** {@code load}: the load average when it was measured (null in results written before it was recorded). */
    record Result(int faces, int frames, double decodeMs, double detectMs, double embedMs, double frameMs, int cores, double framesPerSecond, double cpuMs,
                  String load) {
    }

    private Floor() {
    }

    static Result measure(String detectorName, float scoreThreshold, String recognizerName, boolean flip, byte[] jpeg, int expectedFaces,
                          double seconds) throws Exception {
        ModelStore models = ModelStore.fromEnvironment();
        Detector known = Detector.named(detectorName);
        try (FaceDetector detector = known.create(models, known.defaultSettings().withScoreThreshold(scoreThreshold));
             FaceEmbedder embedder = OnnxFaceEmbedder.create(Recognizer.byModelName(recognizerName), models, flip)) {
            // Warm-up: the JIT and ONNX Runtime's first runs are slower; the services are measured warmed up too.
            run(detector, embedder, jpeg, expectedFaces, 1.5, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            List<Double> decode = new ArrayList<>();
            List<Double> detect = new ArrayList<>();
            List<Double> embed = new ArrayList<>();
            long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            run(detector, embedder, jpeg, expectedFaces, seconds, decode, detect, embed);
            double cpuMs = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e6 / decode.size();
            double d = Stats.mean(decode);
            double t = Stats.mean(detect);
            double e = Stats.mean(embed);
            int cores = Runtime.getRuntime().availableProcessors();
            return new Result(expectedFaces, decode.size(), d, t, e, d + t + e, cores, cores * 1000.0 / (d + t + e), cpuMs, Stats.load());
        }
    }

    /**
     * The same work on every core at once: one thread per core, sharing one detector and one embedder as a service's
     * stream threads do, for {@code seconds}. Frames/s of all threads together: what the models alone reach when the
     * cores run side by side (they share caches and memory bandwidth), against the one-thread floor times the cores.
     */
    static double allCores(String detectorName, float scoreThreshold, String recognizerName, boolean flip, byte[] jpeg, int expectedFaces,
                           double seconds) throws Exception {
        ModelStore models = ModelStore.fromEnvironment();
        Detector known = Detector.named(detectorName);
        int cores = Runtime.getRuntime().availableProcessors();
        try (FaceDetector detector = known.create(models, known.defaultSettings().withScoreThreshold(scoreThreshold));
             FaceEmbedder embedder = OnnxFaceEmbedder.create(Recognizer.byModelName(recognizerName), models, flip)) {
            ExecutorService pool = Executors.newFixedThreadPool(cores);
            try {
                // Frames one thread runs in this many seconds (the warm-up's are not counted).
                java.util.function.DoubleFunction<Callable<Integer>> frames = s -> () -> {
                    List<Double> decode = new ArrayList<>();
                    run(detector, embedder, jpeg, expectedFaces, s, decode, new ArrayList<>(), new ArrayList<>());
                    return decode.size();
                };
                onEveryCore(pool, cores, frames.apply(1.5));
                long begin = System.nanoTime();
                int total = onEveryCore(pool, cores, frames.apply(seconds));
                return total / ((System.nanoTime() - begin) / 1e9);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static int onEveryCore(ExecutorService pool, int cores, Callable<Integer> work) throws Exception {
        List<Future<Integer>> running = new ArrayList<>();
        for (int i = 0; i < cores; i++) {
            running.add(pool.submit(work));
        }
        int total = 0;
        for (Future<Integer> f : running) {
            total += f.get();
        }
        return total;
    }

    private static void run(FaceDetector detector, FaceEmbedder embedder, byte[] jpeg, int expectedFaces, double seconds,
                            List<Double> decode, List<Double> detect, List<Double> embed) throws ImageDecodeException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            Mat image = Images.decode(jpeg);
            long t1 = System.nanoTime();
            List<Face> faces = detector.detect(image);
            long t2 = System.nanoTime();
            if (faces.size() != expectedFaces) {
                throw new IllegalStateException("the bench frame should show " + expectedFaces + " faces; the detector found " + faces.size());
            }
            // As the embedder service does: the frame's faces together (one batch where the recognizer takes batches).
            embedder.embedAll(image, faces);
            long t3 = System.nanoTime();
            image.release();
            decode.add((t1 - t0) / 1e6);
            detect.add((t2 - t1) / 1e6);
            embed.add((t3 - t2) / 1e6);
        }
    }
}
