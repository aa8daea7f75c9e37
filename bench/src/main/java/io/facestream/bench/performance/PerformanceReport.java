package io.facestream.bench.performance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** docs/performance.md from the measurements of one run. */
final class PerformanceReport {

    private PerformanceReport() {
    }

    static String markdown(List<PackRun.Result> packs, FleetRun.Result fleet, String arguments, String startLoad, String endLoad,
                           double minutes, String chart) throws IOException {
        StringBuilder md = new StringBuilder();
        int cores = packs.isEmpty() ? Runtime.getRuntime().availableProcessors() : packs.get(0).cores();
        md.append("# Performance\n\n");
        md.append("Produced by one command (about ").append(Math.round(minutes)).append(" minutes; loopback only, stops by itself):\n\n```sh\n")
                .append("mvn -B -q -pl bench -am package -DskipTests\n")
                .append("java -jar bench/target/bench-0.1.0-SNAPSHOT-exec.jar performance").append(arguments.isBlank() ? "" : " " + arguments)
                .append("\n```\n\n");
        md.append("Run ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(" on this ").append(cores).append("-core machine, **shared with other jobs**: load average (1, 5, 15 min) ")
                .append(startLoad).append(" at the start, ").append(endLoad).append(" at the end, and beside every table. ")
                .append("Absolute numbers move with that load; the ratio to the bare-model floor, measured in the same run and the same JVM, ")
                .append("is the figure to compare.\n\n");
        md.append("Each pack runs in a JVM of its own with the whole local stack (embedded Kafka broker, PostgreSQL and Redis, detector, ")
                .append("embedder, matcher, gateway: `local-stack`), one person enrolled, warmed up before anything is measured: REST load ")
                .append("in 10 s rounds at c=4, 1, 8, 2, 16 in turn until the JIT compiler threads take under 1 ms of CPU per frame (")
                .append(packs.stream().map(p -> f("%s %.0f s", p.pack(), p.warmupSeconds())).collect(java.util.stream.Collectors.joining(", ")))
                .append("; capped at 240 s; the stack's services run ").append(packs.isEmpty() ? 1 : packs.get(0).streamThreads())
                .append(" Kafka Streams thread(s) each, one per core by default). ")
                .append("Frames are 640×480 JPEGs (quality 90) made from `../shared/data`: one face (`deepface/images/img2.jpg` scaled to VGA) ")
                .append("and three faces (three reference photos side by side).\n\n");

        md.append("## Headline\n\n| pack | c=1 p50 | c=1 p99 | REST saturation | floor | ratio | camera knee, 1 face | ratio | camera knee, 3 faces | ratio |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (PackRun.Result p : packs) {
            RestLoad.Result c1 = p.rest().get(0);
            RestLoad.Result best = best(p.rest());
            CameraLoad.Step k1 = knee(p.kneeOneFace());
            CameraLoad.Step k3 = knee(p.kneeThreeFaces());
            md.append(f("| %s | %.1f ms | %.1f ms | %.1f frames/s (c=%d) | %.1f frames/s | **%.0f %%** | %s | %s | %s | %s |\n",
                    p.pack(), c1.p50(), c1.p99(), best.framesPerSecond(), best.concurrency(), p.floor1().framesPerSecond(),
                    100 * best.framesPerSecond() / p.floor1().framesPerSecond(),
                    k1 == null ? "none" : f("%.1f frames/s", k1.answeredPerSecond()), k1 == null ? "" : f("%.0f %%", 100 * k1.answeredPerSecond() / p.floor1().framesPerSecond()),
                    k3 == null ? "none" : f("%.1f frames/s", k3.answeredPerSecond()), k3 == null ? "" : f("%.0f %%", 100 * k3.answeredPerSecond() / p.floor3().framesPerSecond())));
        }
        if (fleet != null) {
            md.append(f("\nCamera fleet (%s pack, dev clip at 5 fps per camera process): **%d cameras** sustained with answer lag p99 under 1 s.\n",
                    fleet.pack(), fleet.sustainedCameras()));
        }
        md.append("\n![REST throughput by concurrency against the floor, camera lag by offered rate, fleet lag by cameras](").append(chart).append(")\n\n");

        md.append("## Bare-model floor\n\nDecode + detect + align + embed of one frame on one thread, the services' own face library, no Kafka and no HTTP; ")
                .append("frames/s = cores × 1000 / ms per frame. Measured after the stack's warm-up (the stack idle meanwhile) and again after all its tables; ")
                .append("the faster of the two is the floor every ratio uses (one thread's share of a loaded machine changes by the minute, and a floor from a bad minute would flatter the ratios).\n\n")
                .append("| pack | faces | when | frames timed | decode ms | detect ms | align+embed ms | ms per frame | CPU ms per frame | floor frames/s | load |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PackRun.Result p : packs) {
            for (Floor.Result fl : java.util.Arrays.asList(p.floorOneFace(), p.floorOneFaceAtEnd(), p.floorThreeFaces(), p.floorThreeFacesAtEnd())) {
                if (fl == null) {
                    continue;
                }
                boolean start = fl == p.floorOneFace() || fl == p.floorThreeFaces();
                boolean used = fl == p.floor1() || fl == p.floor3();
                md.append(f("| %s | %d | %s | %d | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %s |\n", p.pack(), fl.faces(),
                        (start ? "after warm-up" : "at the end") + (used ? " (used)" : ""), fl.frames(), fl.decodeMs(), fl.detectMs(),
                        fl.embedMs(), fl.frameMs(), fl.cpuMs(), fl.framesPerSecond(), fl.load() != null ? fl.load() : start ? p.loadAtStart() : p.loadAtEnd()));
            }
        }

        md.append("\nDoes \"times the cores\" hold? The same work on every core at once (one thread per core, sharing one detector and one ")
                .append("embedder as a service's stream threads do), measured after the warm-up. A share near 100 % means the cores do not slow each ")
                .append("other down, so the floor is a ceiling the pipeline could reach if nothing but the models ran.\n\n")
                .append("| pack | faces | floor frames/s (one thread × cores) | all cores at once, frames/s | share |\n|---|---|---|---|---|\n");
        for (PackRun.Result p : packs) {
            if (p.allCoresOneFace() > 0) {
                md.append(f("| %s | 1 | %.1f | %.1f | %.0f %% |\n", p.pack(), p.floorOneFace().framesPerSecond(), p.allCoresOneFace(),
                        100 * p.allCoresOneFace() / p.floorOneFace().framesPerSecond()));
                md.append(f("| %s | 3 | %.1f | %.1f | %.0f %% |\n", p.pack(), p.floorThreeFaces().framesPerSecond(), p.allCoresThreeFaces(),
                        100 * p.allCoresThreeFaces() / p.floorThreeFaces().framesPerSecond()));
            }
        }

        md.append("\n## REST recognize: latency and throughput by concurrency\n\nClosed loop: c clients each post the one-face photo to ")
                .append("`/api/recognition/recognize` and send the next when the answer is in; latency from send to the whole JSON answer.\n");
        for (PackRun.Result p : packs) {
            md.append(f("\n**%s** (%s + %s%s), floor %.1f frames/s\n\n", p.pack(), p.detector(), p.recognizer(), p.flip() ? ", flip" : "",
                    p.floor1().framesPerSecond()));
            md.append("| concurrency | requests | p50 ms | p90 ms | p99 ms | frames/s | of floor | failed | load |\n|---|---|---|---|---|---|---|---|---|\n");
            for (RestLoad.Result r : p.rest()) {
                md.append(f("| %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f %% | %d | %s |\n", r.concurrency(), r.requests(), r.p50(), r.p90(), r.p99(),
                        r.framesPerSecond(), 100 * r.framesPerSecond() / p.floor1().framesPerSecond(), r.failures(), r.load()));
            }
        }

        md.append("\n## Where a frame's CPU goes\n\nCPU milliseconds per answered frame by thread group, from /proc (this JVM's threads and its ")
                .append("child processes: the embedded PostgreSQL and Redis), at REST concurrency 8 and at the highest sustained camera rate with one face. ")
                .append("These move less with other jobs' load than frames/s do, though at low rates the JIT's and the broker's background work ")
                .append("weigh more per frame. \"bench\" is the load generator itself and is left out of the total; ")
                .append("the floor's own CPU per frame is beside it: floor CPU / pipeline CPU is the share of the machine's work that is model work.\n\n")
                .append("| run | floor CPU ms | pipeline total | detector | embedder | matcher | gateway | broker | kafka clients | JIT | GC | postgres+redis | other | model share |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PackRun.Result p : packs) {
            RestLoad.Result c8 = p.rest().stream().filter(r -> r.concurrency() == 8).findFirst().orElse(best(p.rest()));
            cpuRow(md, p.pack() + ", REST c=" + c8.concurrency(), p.floor1().cpuMs(), c8.cpuMsPerFrame());
            CameraLoad.Step k1 = knee(p.kneeOneFace());
            if (k1 != null) {
                cpuRow(md, p.pack() + f(", camera %.1f frames/s", k1.offeredPerSecond()), p.floor1().cpuMs(), k1.cpuMsPerFrame());
            }
        }

        md.append("\n## Camera-style load: the knee\n\nFrames published straight to `facestream.frames` at a fixed rate, spread over ")
                .append(CameraLoad.CAMERAS).append(" camera keys, for a few seconds per rate; answer lag = arrival on `facestream.matches` − capture time. ")
                .append("The rate rises until a step is not sustained (an answer missing or lag p99 ≥ 1 s); the knee is the last sustained step.\n");
        for (PackRun.Result p : packs) {
            knee(md, p.pack(), 1, p.kneeOneFace(), p.floor1());
            knee(md, p.pack(), 3, p.kneeThreeFaces(), p.floor3());
        }

        if (fleet != null) {
            md.append("\n## Camera fleet\n\nN camera processes, each `facestream camera --source short_hamilton_clip_part1_0-5s.mp4 --camera-id fleet-i ")
                    .append("--fps 5 --loop` (its own JVM and ffmpeg, on this same machine), started one after another against the local stack ")
                    .append("with the ").append(fleet.pack()).append(" pack and Lin-Manuel Miranda enrolled; the clip shows one or two faces a frame. ")
                    .append("N rises; at each N, after the new cameras settle, the answers of a window are read: lag from the frame's capture time.\n\n")
                    .append("| cameras | offered frames/s | answered frames/s | lag p50 ms | lag p99 ms | lag max ms | sustained | load |\n")
                    .append("|---|---|---|---|---|---|---|---|\n");
            for (FleetRun.Step s : fleet.steps()) {
                md.append(f("| %d | %.0f | %.1f | %.0f | %.0f | %.0f | %s | %s |\n", s.cameras(), FleetRun.FPS * s.cameras(), s.answeredPerSecond(),
                        s.lagP50(), s.lagP99(), s.lagMax(), s.sustained() ? "yes" : "**no**", s.load()));
            }
            md.append(f("\nLargest N with lag p99 under 1 s: **%d cameras** (load %s at the start of the fleet run).\n", fleet.sustainedCameras(), fleet.loadAtStart()));
        }
        try (InputStream notes = PerformanceReport.class.getResourceAsStream("notes.md")) {
            if (notes != null) {
                md.append("\n").append(new String(notes.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return md.toString();
    }

    private static void knee(StringBuilder md, String pack, int faces, List<CameraLoad.Step> steps, Floor.Result floor) {
        md.append(f("\n**%s, %d face%s per frame**, floor %.1f frames/s\n\n", pack, faces, faces == 1 ? "" : "s", floor.framesPerSecond()));
        md.append("| offered frames/s | sent | answered | answered frames/s | of floor | lag p50 ms | lag p99 ms | sustained | load |\n|---|---|---|---|---|---|---|---|---|\n");
        for (CameraLoad.Step s : steps) {
            md.append(f("| %.1f | %d | %d | %.1f | %.0f %% | %.0f | %.0f | %s | %s |\n", s.offeredPerSecond(), s.sent(), s.answered(), s.answeredPerSecond(),
                    100 * s.answeredPerSecond() / floor.framesPerSecond(), s.lagP50(), s.lagP99(), s.sustained() ? "yes" : "**no**", s.load()));
        }
    }

    private static void cpuRow(StringBuilder md, String label, double floorCpu, java.util.Map<String, Double> cpu) {
        double total = cpu.getOrDefault("pipeline total", Double.NaN);
        md.append(f("| %s | %.1f | %.1f |", label, floorCpu, total));
        for (String group : List.of("detector", "embedder", "matcher", "gateway", "broker", "kafka clients", "JIT", "GC", "postgres+redis", "other")) {
            md.append(f(" %.1f |", cpu.getOrDefault(group, 0.0)));
        }
        md.append(f(" %.0f %% |\n", 100 * floorCpu / total));
    }

    static RestLoad.Result best(List<RestLoad.Result> rest) {
        return rest.stream().max((a, b) -> Double.compare(a.framesPerSecond(), b.framesPerSecond())).orElseThrow();
    }

    /** The highest sustained rate below the lowest rate that was not sustained. */
    static CameraLoad.Step knee(List<CameraLoad.Step> steps) {
        CameraLoad.Step last = null;
        List<CameraLoad.Step> byRate = new java.util.ArrayList<>(steps);
        byRate.sort(java.util.Comparator.comparingDouble(CameraLoad.Step::offeredPerSecond));
        for (CameraLoad.Step s : byRate) {
            if (!s.sustained()) {
                break;
            }
            last = s;
        }
        return last;
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
