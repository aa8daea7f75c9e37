package io.facestream.bench.performance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time by thread of this JVM (and its child processes: the embedded PostgreSQL and Redis), read from /proc, grouped
 * by what the thread does. On a shared machine wall-clock throughput moves with other jobs' load, while CPU milliseconds
 * per frame barely do: they show where a frame's work goes and compare with the floor's own CPU per frame.
 */
final class CpuProfile {

    /** Kernel clock ticks per second (USER_HZ), 100 on Linux. */
    private static final double TICK_MS = 10;

    private final Map<String, Long> ticksByThread;

    private CpuProfile(Map<String, Long> ticksByThread) {
        this.ticksByThread = ticksByThread;
    }

    static CpuProfile now() {
        Map<String, Long> ticks = new HashMap<>();
        read(Path.of("/proc/self/task"), "", ticks);
        ProcessHandle.current().descendants().forEach(p -> read(Path.of("/proc/" + p.pid() + "/task"), "child:", ticks));
        return new CpuProfile(ticks);
    }

    private static void read(Path tasks, String prefix, Map<String, Long> into) {
        try (Stream<Path> list = Files.list(tasks)) {
            list.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    String[] rest = stat.substring(close + 2).split(" ");
                    // after the name: state(0) ... utime(11) stime(12)
                    long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
                    into.put(prefix + task.getFileName() + "/" + name, ticks);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            // no /proc (not Linux): no profile
        }
    }

    /** CPU milliseconds per frame since {@code before}, by group, for {@code frames} frames; "bench" is the load generator itself. */
    Map<String, Double> since(CpuProfile before, int frames) {
        Map<String, Double> groups = new TreeMap<>();
        ticksByThread.forEach((thread, ticks) -> {
            long delta = ticks - before.ticksByThread.getOrDefault(thread, 0L);
            if (delta > 0) {
                groups.merge(group(thread.substring(thread.indexOf('/') + 1), thread.startsWith("child:")), delta * TICK_MS / Math.max(1, frames), Double::sum);
            }
        });
        Map<String, Double> ordered = new LinkedHashMap<>();
        groups.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).forEach(e -> ordered.put(e.getKey(), round(e.getValue())));
        double pipeline = groups.entrySet().stream().filter(e -> !e.getKey().equals("bench")).mapToDouble(Map.Entry::getValue).sum();
        ordered.put("pipeline total", round(pipeline));
        return ordered;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** Thread names are cut to 15 characters by the kernel ("facestream-dete" is a detector stream thread). */
    static String group(String name, boolean child) {
        if (child) {
            return "postgres+redis";
        }
        if (name.startsWith("facestream-dete")) {
            return "detector";
        }
        if (name.startsWith("facestream-embe")) {
            return "embedder";
        }
        if (name.startsWith("facestream-matc")) {
            return "matcher";
        }
        if (name.startsWith("http-nio") || name.startsWith("gateway-results")) {
            return "gateway";
        }
        if (name.startsWith("bench-") || name.startsWith("HttpClient")) {
            return "bench";
        }
        if (name.contains("CompilerThre")) {
            return "JIT";
        }
        if (name.startsWith("GC ") || name.startsWith("G1 ")) {
            return "GC";
        }
        if (name.startsWith("kafka-producer") || name.startsWith("kafka-coordinat") || name.startsWith("kafka-admin")) {
            return "kafka clients";
        }
        if (name.startsWith("data-plane") || name.startsWith("kafka-") || name.startsWith("broker-") || name.startsWith("raft")
                || name.startsWith("ReplicaFetcher") || name.startsWith("controller") || name.startsWith("quorum") || name.startsWith("kafka")) {
            return "broker";
        }
        return "other";
    }
}
