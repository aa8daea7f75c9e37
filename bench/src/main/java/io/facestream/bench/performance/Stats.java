package io.facestream.bench.performance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;

/** Percentiles (nearest rank) and the machine's load average, printed beside every table because the machine is shared. */
final class Stats {

    private Stats() {
    }

    /** The p-th percentile (0..100) by nearest rank; NaN when there are no values. */
    static double percentile(Collection<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double mean(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** "1.23 1.10 0.95" from /proc/loadavg: 1, 5 and 15 minute load averages. */
    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.join(" ", Arrays.copyOf(parts, 3));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
