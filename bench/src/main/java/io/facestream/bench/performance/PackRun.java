package io.facestream.bench.performance;

import java.util.ArrayList;
import java.util.List;

import io.facestream.detector.DetectorConfig;
import io.facestream.embedder.EmbedderConfig;

/** One model pack's measurements, in one JVM with its own local stack: floor, REST latency by concurrency, camera knees. */
final class PackRun {

    static final int[] CONCURRENCY = {1, 2, 4, 8, 16};
    /** Offered camera rates as shares of the REST saturation estimate; the sweep stops at the first rate not sustained. */
    static final double[] RATE_STEPS = {0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6};

    record Result(String pack, String detector, String recognizer, boolean flip, int cores, String loadAtStart, double warmupSeconds,
                  Floor.Result floorOneFace, Floor.Result floorThreeFaces, List<RestLoad.Result> rest,
                  List<CameraLoad.Step> kneeOneFace, List<CameraLoad.Step> kneeThreeFaces, Floor.Result floorOneFaceAtEnd,
                  Floor.Result floorThreeFacesAtEnd, String loadAtEnd, double seconds, double allCoresOneFace, double allCoresThreeFaces, int streamThreads) {

        /**
         * The faster of the two one-face floors (after warm-up, and after all tables): one thread on a loaded machine
         * gets a share of a core that changes by the minute, and a floor measured in a bad minute would flatter every ratio.
         */
        Floor.Result floor1() {
            return floorOneFaceAtEnd == null || floorOneFace.framesPerSecond() >= floorOneFaceAtEnd.framesPerSecond() ? floorOneFace : floorOneFaceAtEnd;
        }

        Floor.Result floor3() {
            return floorThreeFacesAtEnd == null || floorThreeFaces.framesPerSecond() >= floorThreeFacesAtEnd.framesPerSecond()
                    ? floorThreeFaces : floorThreeFacesAtEnd;
        }
    }

    /** The fleet table asked of this run: measured on its stack, after its own tables. */
    static final class FleetOrder {
        final java.util.List<String> selfCommand;
        final java.nio.file.Path logDir;
        FleetRun.Result result;

        FleetOrder(java.util.List<String> selfCommand, java.nio.file.Path logDir) {
            this.selfCommand = selfCommand;
            this.logDir = logDir;
        }
    }

    private PackRun() {
    }

    /** Runs the pack's tables, writes them to {@code resultFile} (before the fleet, so a failing fleet loses none of them), then the fleet. */
    static Result run(String pack, BenchImages images, boolean quick, FleetOrder fleet, java.nio.file.Path resultFile) throws Exception {
        long begin = System.nanoTime();
        DetectorConfig detector = DetectorConfig.fromEnvironment();
        EmbedderConfig embedder = EmbedderConfig.fromEnvironment();
        String loadAtStart = Stats.load();
        say("pack %s: %s + %s%s, load %s", pack, detector.detector().modelName(), embedder.recognizer(), embedder.flip() ? " (flip)" : "", loadAtStart);
        try (BenchStack stack = new BenchStack(); AnswerWatch answers = new AnswerWatch(stack.kafka());
             CameraLoad cameras = new CameraLoad(stack.kafka(), answers)) {
            say("stack up at %s after %.0f s", stack.gatewayUrl, (System.nanoTime() - begin) / 1e9);
            stack.enrol("Bench Person", images.oneFace());
            // Warm-up: the first minutes run slower while the JIT compiles the hot paths of every stage (PERF-NOTES: +25 %
            // once it settles). A fixed 25 s was not enough: on a quiet machine the compiler threads still took 9.8 ms of
            // CPU per frame at c=1 afterwards (6.0 at c=4), a third of the pipeline's own 26 ms, and a service that runs
            // for days pays none of it. So load in 10 s rounds until the JIT takes under 1 ms of CPU a frame (or 4 min
            // pass: then the tables say so through the JIT column). The floor below is warmed up too.
            // Rounds at c=4 alone left the JIT at 1-7 ms a frame in the tables at c=1, 8 and 16 after 180 s (the broker's,
            // Tomcat's and the locks' paths differ with concurrency), so the rounds go through the concurrencies measured.
            double warmup = 0;
            RestLoad.Result w;
            double jit;
            int round = 0;
            int[] concurrencies = {4, 1, 8, 2, 16};
            do {
                int c = concurrencies[round++ % concurrencies.length];
                w = stack.rest.run(images.oneFace(), c, quick ? 5 : 10, 1);
                warmup += w.seconds();
                jit = w.cpuMsPerFrame().getOrDefault("JIT", 0.0);
                say("warming up: %.0f s, %.1f frames/s at c=%d, JIT %.1f ms CPU a frame", warmup, w.framesPerSecond(), c, jit);
            } while ((jit > 1.0 || round < concurrencies.length) && warmup < (quick ? 30 : 240));
            cameras.run("warm", images.threeFaces(), Math.max(5, w.framesPerSecond() / 4), quick ? 3 : 6, 10);
            cameras.drain(20);
            say("warmed up after %.0f s: %.1f frames/s at c=%d in the last round", warmup, w.framesPerSecond(), w.concurrency());

            double floorSeconds = quick ? 3 : 6;
            Floor.Result floor1 = Floor.measure(detector.detector().modelName(), detector.scoreThreshold(), embedder.recognizer(), embedder.flip(),
                    images.oneFace(), 1, floorSeconds);
            Floor.Result floor3 = Floor.measure(detector.detector().modelName(), detector.scoreThreshold(), embedder.recognizer(), embedder.flip(),
                    images.threeFaces(), 3, floorSeconds);
            say("floor: 1 face %.1f ms/frame (decode %.1f, detect %.1f, align+embed %.1f; CPU %.1f ms) -> %.1f frames/s on %d cores; 3 faces %.1f ms (CPU %.1f) -> %.1f frames/s; load %s",
                    floor1.frameMs(), floor1.decodeMs(), floor1.detectMs(), floor1.embedMs(), floor1.cpuMs(), floor1.framesPerSecond(), floor1.cores(),
                    floor3.frameMs(), floor3.cpuMs(), floor3.framesPerSecond(), Stats.load());

            // Does the floor's "times the cores" hold? The models on every core at once, sharing caches and memory bandwidth.
            double allCores1 = Floor.allCores(detector.detector().modelName(), detector.scoreThreshold(), embedder.recognizer(), embedder.flip(),
                    images.oneFace(), 1, floorSeconds);
            double allCores3 = Floor.allCores(detector.detector().modelName(), detector.scoreThreshold(), embedder.recognizer(), embedder.flip(),
                    images.threeFaces(), 3, floorSeconds);
            say("models on all cores at once: 1 face %.1f frames/s (%.0f %% of the floor), 3 faces %.1f frames/s (%.0f %%); load %s", allCores1,
                    100 * allCores1 / floor1.framesPerSecond(), allCores3, 100 * allCores3 / floor3.framesPerSecond(), Stats.load());

            List<RestLoad.Result> rest = new ArrayList<>();
            for (int c : CONCURRENCY) {
                RestLoad.Result r = stack.rest.run(images.oneFace(), c, quick ? 5 : (c == 1 ? 12 : 8), 1);
                rest.add(r);
                say("REST c=%d: %d requests, p50 %.1f p90 %.1f p99 %.1f ms, %.1f frames/s (%.0f %% of floor), %d failed; load %s; CPU ms/frame %s",
                        c, r.requests(), r.p50(), r.p90(), r.p99(), r.framesPerSecond(), 100 * r.framesPerSecond() / floor1.framesPerSecond(),
                        r.failures(), r.load(), r.cpuMsPerFrame());
            }
            double saturation = rest.stream().mapToDouble(RestLoad.Result::framesPerSecond).max().orElse(10);
            List<CameraLoad.Step> knee1 = sweep(cameras, "knee1", images.oneFace(), saturation, floor1, quick);
            List<CameraLoad.Step> knee3 = sweep(cameras, "knee3", images.threeFaces(), saturation * floor3.framesPerSecond() / floor1.framesPerSecond(),
                    floor3, quick);
            Floor.Result floorEnd = Floor.measure(detector.detector().modelName(), detector.scoreThreshold(), embedder.recognizer(), embedder.flip(),
                    images.oneFace(), 1, floorSeconds);
            Floor.Result floorEnd3 = Floor.measure(detector.detector().modelName(), detector.scoreThreshold(), embedder.recognizer(), embedder.flip(),
                    images.threeFaces(), 3, floorSeconds);
            say("floor again at the end: %.1f ms/frame -> %.1f frames/s, 3 faces %.1f frames/s; load %s", floorEnd.frameMs(), floorEnd.framesPerSecond(),
                    floorEnd3.framesPerSecond(), Stats.load());
            Result result = new Result(pack, detector.detector().modelName(), embedder.recognizer(), embedder.flip(), floor1.cores(), loadAtStart,
                    warmup, floor1, floor3, rest, knee1, knee3, floorEnd, floorEnd3, Stats.load(), (System.nanoTime() - begin) / 1e9, allCores1,
                    allCores3, detector.streamThreads());
            PerformanceBench.JSON.writeValue(resultFile.toFile(), result);
            if (fleet != null) {
                fleet.result = FleetRun.run(pack, images, fleet.selfCommand, fleet.logDir, quick, stack, answers);
            }
            return result;
        }
    }

    /** The floor with one and three faces, one thread and then all cores at once, printed. */
    static void floors(BenchImages images, double seconds) throws Exception {
        DetectorConfig detector = DetectorConfig.fromEnvironment();
        EmbedderConfig embedder = EmbedderConfig.fromEnvironment();
        String d = detector.detector().modelName();
        for (int faces : new int[] {1, 3}) {
            byte[] jpeg = faces == 1 ? images.oneFace() : images.threeFaces();
            Floor.Result one = Floor.measure(d, detector.scoreThreshold(), embedder.recognizer(), embedder.flip(), jpeg, faces, seconds);
            double all = Floor.allCores(d, detector.scoreThreshold(), embedder.recognizer(), embedder.flip(), jpeg, faces, seconds);
            say("floor %d face(s): one thread %.2f ms/frame -> %.1f frames/s times %d cores; all cores at once %.1f frames/s (%.0f %% of it); load %s",
                    faces, one.frameMs(), one.framesPerSecond(), one.cores(), all, 100 * all / one.framesPerSecond(), Stats.load());
        }
    }

    private static List<CameraLoad.Step> sweep(CameraLoad cameras, String label, byte[] jpeg, double estimate, Floor.Result floor, boolean quick)
            throws InterruptedException {
        List<CameraLoad.Step> steps = new ArrayList<>();
        double previous = 0;
        // Past the planned steps the rate keeps rising by an eighth while each step holds (up to 3 times the estimate): a
        // run whose REST estimate came out low (the 3-face estimate is scaled from it) otherwise ended with every step
        // sustained and no knee found.
        List<Double> shares = new ArrayList<>();
        for (double share : RATE_STEPS) {
            shares.add(share);
        }
        for (double share = RATE_STEPS[RATE_STEPS.length - 1] * 1.125; share <= 3; share *= 1.125) {
            shares.add(share);
        }
        for (double share : shares) {
            // Rates in half frames/s, each above the last (a low estimate would otherwise round several steps alike).
            double rate = Math.max(previous + 0.5, Math.max(1, Math.round(estimate * share * 2) / 2.0));
            previous = rate;
            CameraLoad.Step step = cameras.run(label, jpeg, rate, quick ? 4 : 6, 4);
            steps.add(step);
            say("camera %s offered %.1f frames/s: answered %d of %d at %.1f frames/s (%.0f %% of floor), lag p50 %.0f p99 %.0f ms%s; load %s",
                    label, rate, step.answered(), step.sent(), step.answeredPerSecond(), 100 * step.answeredPerSecond() / floor.framesPerSecond(),
                    step.lagP50(), step.lagP99(), step.sustained() ? "" : " <- over the knee", step.load());
            say("  CPU ms/frame %s", step.cpuMsPerFrame());
            if (!step.sustained()) {
                break;
            }
        }
        if (!steps.get(0).sustained()) {
            // Not even the first rate held (a heavily loaded machine): go down until one does, so the knee is known.
            for (double share : new double[] {0.3, 0.15}) {
                cameras.drain(30);
                double rate = Math.max(0.5, Math.round(estimate * share * 2) / 2.0);
                if (rate >= steps.get(steps.size() - 1).offeredPerSecond()) {
                    continue;
                }
                CameraLoad.Step step = cameras.run(label, jpeg, rate, quick ? 4 : 8, 4);
                steps.add(step);
                say("camera %s offered %.1f frames/s: answered %d of %d at %.1f frames/s, lag p50 %.0f p99 %.0f ms%s; load %s",
                        label, rate, step.answered(), step.sent(), step.answeredPerSecond(), step.lagP50(), step.lagP99(),
                        step.sustained() ? "" : " <- over the knee", step.load());
                if (step.sustained()) {
                    break;
                }
            }
        }
        cameras.drain(60);
        steps.sort(java.util.Comparator.comparingDouble(CameraLoad.Step::offeredPerSecond));
        return steps;
    }

    static void say(String format, Object... args) {
        System.out.println("bench " + String.format(java.util.Locale.ROOT, format, args));
        System.out.flush();
    }
}
