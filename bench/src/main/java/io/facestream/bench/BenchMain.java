package io.facestream.bench;

import java.util.Arrays;

import io.facestream.bench.performance.PerformanceBench;

/**
 * The bench jar's entry: {@code performance} measures the running pipeline (docs/performance.md); anything else is
 * the quality bench's options (docs/quality.md), as before. {@code camera} is the cli's camera command, so the
 * performance bench can start camera processes from this same jar.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String first = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (first) {
            case "performance" -> PerformanceBench.main(rest);
            case "camera" -> io.facestream.cli.Facestream.main(args);
            default -> QualityBench.main(args);
        }
    }
}
