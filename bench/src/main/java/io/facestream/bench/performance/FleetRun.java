package io.facestream.bench.performance;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Issue 11's fleet figure: N camera processes ({@code facestream camera --fps 5 --loop} on the dev clip, one or two faces a
 * frame) publishing at once against the local stack with the permissive pack, N rising until the answer lag passes 1 s.
 */
final class FleetRun {

    static final int[] CAMERAS = {1, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24};
    static final double FPS = 5;

    record Step(int cameras, int answered, double answeredPerSecond, double lagP50, double lagP99, double lagMax, String load) {
        boolean sustained() {
            return lagP99 < CameraLoad.KNEE_LAG_MS && answeredPerSecond >= 0.9 * FPS * cameras;
        }
    }

    record Result(String pack, String loadAtStart, List<Step> steps, int sustainedCameras, String loadAtEnd, double seconds) {
    }

    private FleetRun() {
    }

    /** On a stack already warmed up by a pack's run (a stack start takes minutes on a loaded 2-core machine). */
    /**
     * The fleet's cameras decode the clip with ffmpeg: checked before anything runs, as a run without it failed only at
     * its fleet table, after every pack's tables (a fresh machine has no ffmpeg until `.ci/run` or the user installs it).
     */
    static void requireFfmpeg() {
        try {
            new io.facestream.camera.FfmpegDecoder(FPS, io.facestream.camera.FfmpegDecoder.DEFAULT_MAX_SIDE).check();
        } catch (RuntimeException e) {
            System.err.println("performance: the camera fleet table needs ffmpeg. " + e.getMessage() + "; or run with --fleet false");
            System.exit(2);
        }
    }

    static Result run(String pack, BenchImages images, List<String> selfCommand, Path logDir, boolean quick, BenchStack stack,
                      AnswerWatch answers) throws Exception {
        long begin = System.nanoTime();
        String loadAtStart = Stats.load();
        PackRun.say("fleet: %s pack, %s at %.0f fps per camera process, load %s", pack, images.clip().getFileName(), FPS, loadAtStart);
        List<Process> cameras = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        File log = logDir.resolve("performance-fleet-cameras.log").toFile();
        // Which cameras have been answered at least once: a camera JVM and its ffmpeg take seconds to start on a loaded machine.
        java.util.Set<String> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Consumer<AnswerWatch.Answer> seen = a -> answered.add(a.sourceId());
        answers.listen(seen);
        try {
            stack.enrol("Lin-Manuel Miranda", Files.readAllBytes(images.enrolPhoto()));
            for (int n : CAMERAS) {
                while (cameras.size() < n) {
                    List<String> command = new ArrayList<>(selfCommand);
                    command.addAll(List.of("camera", "--source", images.clip().toString(), "--camera-id", "fleet-" + cameras.size(),
                            "--fps", String.valueOf((int) FPS), "--loop", "--bootstrap-servers", stack.kafka()));
                    cameras.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start());
                }
                // Each new camera is a JVM and an ffmpeg starting: the window opens once every camera has been answered (at
                // most 90 s), and a few seconds later, so their start-up CPU is spent.
                long deadline = System.nanoTime() + 90_000_000_000L;
                while (System.nanoTime() < deadline && !allAnswered(answered, n)) {
                    Thread.sleep(200);
                }
                Thread.sleep(quick ? 2000 : 4000);
                for (Process p : cameras) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("a camera process ended with status " + p.exitValue() + "; see " + log);
                    }
                }
                Step step = window(answers, n, quick ? 6 : 10);
                steps.add(step);
                PackRun.say("fleet %d cameras: %d answers, %.1f frames/s (offered %.0f), lag p50 %.0f p99 %.0f max %.0f ms%s; load %s",
                        n, step.answered(), step.answeredPerSecond(), FPS * n, step.lagP50(), step.lagP99(), step.lagMax(),
                        step.sustained() ? "" : " <- not sustained", step.load());
                if (!step.sustained()) {
                    break;
                }
            }
        } finally {
            answers.unlisten(seen);
            for (Process p : cameras) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            for (Process p : cameras) {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
        }
        int sustained = steps.stream().filter(Step::sustained).mapToInt(Step::cameras).max().orElse(0);
        return new Result(pack, loadAtStart, steps, sustained, Stats.load(), (System.nanoTime() - begin) / 1e9);
    }

    private static boolean allAnswered(java.util.Set<String> answered, int n) {
        for (int i = 0; i < n; i++) {
            if (!answered.contains("fleet-" + i)) {
                return false;
            }
        }
        return true;
    }

    /** Answers to the fleet's frames arriving within the window, and their lag behind capture. */
    private static Step window(AnswerWatch answers, int n, double seconds) throws InterruptedException {
        List<Double> lags = new ArrayList<>();
        Consumer<AnswerWatch.Answer> listener = a -> {
            if (a.sourceId().startsWith("fleet-")) {
                synchronized (lags) {
                    lags.add((double) a.lagMillis());
                }
            }
        };
        answers.listen(listener);
        Thread.sleep((long) (seconds * 1000));
        answers.unlisten(listener);
        synchronized (lags) {
            double max = lags.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            return new Step(n, lags.size(), lags.size() / seconds, Stats.percentile(lags, 50), Stats.percentile(lags, 99), max, Stats.load());
        }
    }
}
