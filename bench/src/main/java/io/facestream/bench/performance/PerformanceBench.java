package io.facestream.bench.performance;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * {@code java -jar bench/target/bench-0.1.0-SNAPSHOT-exec.jar performance}: the whole pipeline on the local stack with real
 * models, each model pack in a JVM of its own (fresh JIT, its own embedded broker), then the camera fleet; writes
 * docs/performance.md and its chart. Options: {@code --packs permissive,research}, {@code --fleet true|false},
 * {@code --data DIR} (../shared/data), {@code --out docs/performance.md}, {@code --quick true} (short steps, to try it).
 */
public final class PerformanceBench {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final List<String> OPTIONS = List.of("packs", "fleet", "data", "out", "quick", "work", "role", "pack");

    private static final String USAGE = """
            usage: java -jar bench/target/bench-0.1.0-SNAPSHOT-exec.jar performance [--packs permissive,research] [--fleet true|false]
                   [--data ../shared/data] [--out docs/performance.md] [--quick true] [--work target/performance]
            Runs the local stack with real models per pack (floor, REST latency by concurrency, camera knee with 1 and 3 faces)
            and a fleet of camera processes; writes docs/performance.md and its chart. Loopback only; about 15 minutes.
            --role report: writes the report again from the results a run left in --work.
            --role floor: only the bare-model floor of the pack FACESTREAM_MODEL_PACK names, one thread and all cores at once (a minute).""";

    private PerformanceBench() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(USAGE);
            return;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].replaceFirst("^--", "");
            // An option it does not know is a typo: refused, rather than a 10-minute run with the defaults.
            if (!args[i].startsWith("--") || !OPTIONS.contains(name) || i + 1 >= args.length) {
                System.err.println("performance: unknown option or missing value at '" + args[i] + "'\n" + USAGE);
                System.exit(2);
            }
            options.put(name, args[i + 1]);
        }
        Path data = Path.of(options.getOrDefault("data", "../shared/data")).toAbsolutePath().normalize();
        boolean quick = Boolean.parseBoolean(options.getOrDefault("quick", "false"));
        Path work = Path.of(options.getOrDefault("work", "target/performance")).toAbsolutePath();
        Files.createDirectories(work);
        String role = options.getOrDefault("role", "all");
        BenchImages images = BenchImages.from(data);
        switch (role) {
            case "floor" -> {
                // The floor alone, one thread and all cores at once, for the pack FACESTREAM_MODEL_PACK names.
                PackRun.floors(images, quick ? 3 : 8);
                System.exit(0);
            }
            case "report" -> {
                // Writes the report again from the results a run left in --work (after a change to the report's text).
                List<PackRun.Result> results = new ArrayList<>();
                for (String pack : options.getOrDefault("packs", "permissive,research").split(",")) {
                    results.add(JSON.readValue(work.resolve("pack-" + pack + ".json").toFile(), PackRun.Result.class));
                }
                write(options, work, results, Files.exists(work.resolve("fleet.json")), "--work " + work, results.get(0).loadAtStart(),
                        results.get(results.size() - 1).loadAtEnd(), results.stream().mapToDouble(PackRun.Result::seconds).sum() / 60);
                System.exit(0);
            }
            case "pack" -> {
                String pack = options.get("pack");
                // Camera processes: small, quick-starting JVMs (C1 only), as a fleet's producers would be sized.
                PackRun.FleetOrder fleet = Boolean.parseBoolean(options.getOrDefault("fleet", "false"))
                        ? new PackRun.FleetOrder(selfCommand(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")), work) : null;
                try {
                    PackRun.run(pack, images, quick, fleet, work.resolve("pack-" + pack + ".json"));
                    if (fleet != null) {
                        JSON.writeValue(work.resolve("fleet.json").toFile(), fleet.result);
                    }
                } catch (Throwable e) {
                    // Exit whatever threads the stack left running: a failed part must fail the run, not hang it.
                    e.printStackTrace();
                    System.exit(1);
                }
                System.exit(0);
            }
            default -> all(options, quick, work, args);
        }
    }

    private static void all(Map<String, String> options, boolean quick, Path work, String[] args) throws Exception {
        long begin = System.nanoTime();
        List<String> packs = List.of(options.getOrDefault("packs", "permissive,research").split(","));
        boolean fleet = Boolean.parseBoolean(options.getOrDefault("fleet", "true"));
        if (fleet) {
            FleetRun.requireFfmpeg();
        }
        String startLoad = Stats.load();
        PackRun.say("performance bench: packs %s, fleet %s, load %s", packs, fleet, startLoad);
        List<PackRun.Result> results = new ArrayList<>();
        // The fleet (issue 11: permissive pack) runs on the permissive pack's stack after its tables: starting a stack takes
        // one to three minutes on this machine when it is loaded, and the whole bench should stay near 15 minutes.
        boolean fleetDone = false;
        for (String pack : packs) {
            boolean withFleet = fleet && pack.equals("permissive");
            child(work, List.of("--role", "pack", "--pack", pack, "--fleet", String.valueOf(withFleet), "--quick", String.valueOf(quick)), Map.of("FACESTREAM_MODEL_PACK", pack),
                    "pack-" + pack);
            results.add(JSON.readValue(work.resolve("pack-" + pack + ".json").toFile(), PackRun.Result.class));
            fleetDone |= withFleet;
        }
        if (fleet && !fleetDone) {
            child(work, List.of("--role", "pack", "--pack", "permissive", "--fleet", "true", "--quick", String.valueOf(quick)), Map.of("FACESTREAM_MODEL_PACK", "permissive"),
                    "pack-permissive");
        }
        write(options, work, results, fleet, String.join(" ", args), startLoad, Stats.load(), (System.nanoTime() - begin) / 60e9);
    }

    /** docs/performance.md and its chart from the parts' results in {@code work}. */
    private static void write(Map<String, String> options, Path work, List<PackRun.Result> results, boolean fleet, String command,
                              String startLoad, String endLoad, double minutes) throws Exception {
        FleetRun.Result fleetResult = fleet ? JSON.readValue(work.resolve("fleet.json").toFile(), FleetRun.Result.class) : null;
        Path out = Path.of(options.getOrDefault("out", "docs/performance.md"));
        Path svg = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.md$", "") + ".svg");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(svg, PerformanceChart.svg(results, fleetResult));
        Files.writeString(out, PerformanceReport.markdown(results, fleetResult, command, startLoad, endLoad, minutes,
                svg.getFileName().toString()));
        PackRun.say("wrote %s and %s after %.1f min", out, svg, minutes);
    }

    /** Runs one part in a JVM of its own, its log kept beside the results and its "bench" lines shown here as they come. */
    private static void child(Path work, List<String> args, Map<String, String> env, String name) throws Exception {
        List<String> command = selfCommand(List.of("-Xmx3g"));
        command.add("performance");
        command.addAll(args);
        command.addAll(List.of("--work", work.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        // The research pack has no public download: take models from the shared folder beside the checkout unless told otherwise.
        Path shared = Path.of("../shared/models");
        if (System.getenv("FACESTREAM_MODEL_MIRROR") == null && Files.isDirectory(shared)) {
            builder.environment().put("FACESTREAM_MODEL_MIRROR", shared.toAbsolutePath().normalize().toString());
        }
        Process process = builder.start();
        Path log = work.resolve(name + ".log");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(log))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                file.println(line);
                if (line.startsWith("bench ")) {
                    System.out.println(line);
                }
            }
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException(name + " failed with status " + process.exitValue() + "; see " + log);
        }
    }

    /** This JVM's java and class path (or jar), with {@code jvmOptions}, ready for the bench's own arguments. */
    static List<String> selfCommand(List<String> jvmOptions) {
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of(javaCommand));
        command.addAll(jvmOptions);
        if (!classPath.contains(java.io.File.pathSeparator) && classPath.endsWith(".jar")) {
            command.addAll(List.of("-jar", classPath));
        } else {
            command.addAll(List.of("-cp", classPath, io.facestream.bench.BenchMain.class.getName()));
        }
        return command;
    }
}
