package io.facestream.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One facestream service as its own JVM, started from the test's class path with its settings as system properties:
 * what a container or {@code run-services.sh} does, so a test can kill it with SIGKILL ({@link #kill}), no close, no
 * commit, no leaving the group, and start it again.
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    private final String mainClass;
    private final Map<String, String> settings;
    private final Path log;
    /** The management port: the Streams services' /health and /metrics, the gateway's actuator. */
    final int managementPort;
    private Process process;

    ServiceProcess(String name, String mainClass, Map<String, String> settings, Path logDir) throws IOException {
        this.name = name;
        this.mainClass = mainClass;
        this.managementPort = LocalStack.freePort();
        this.settings = new TreeMap<>(settings);
        this.settings.put("facestream.management.port", String.valueOf(managementPort));
        this.settings.put("management.server.port", String.valueOf(managementPort));
        this.log = logDir.resolve(name + ".log");
        // Kafka Streams locks its state folder: two matchers on one machine need one each (a restart reuses its own).
        this.settings.put("facestream.state.dir", logDir.resolve(name + "-state").toString());
    }

    private static final List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        // A test JVM stopped from outside (Ctrl-C, a build timeout) takes its services with it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
    }

    ServiceProcess start() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small and quick to start: inference runs in ONNX Runtime's native code, not in the JIT's.
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add(mainClass);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        STARTED.add(process);
        return this;
    }

    /** SIGKILL: the process gets no chance to commit, flush or leave its group. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    boolean waitForExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** GET on the management port; -1 when nothing answers. */
    int status(String path) {
        return get(path).statusCode();
    }

    HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Waits until GET path answers 200, or fails with the end of the service's log. */
    void awaitUp(String path, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            HttpResponse<String> response = get(path);
            if (response != null && response.statusCode() == 200) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(name + " not up at " + path + " after " + timeout + ":\n" + tail());
    }

    /** The last lines of the service's log, for failure messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** A counter's value in this service's Prometheus scrape (the sum over all series matching every given label), 0 if absent. */
    double metric(String path, String name, String... labels) {
        HttpResponse<String> response = get(path);
        if (response == null || response.statusCode() != 200) {
            throw new AssertionError(this.name + ": no metrics at " + path + ": " + (response == null ? "no answer" : response.statusCode()));
        }
        return response.body().lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> java.util.Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
