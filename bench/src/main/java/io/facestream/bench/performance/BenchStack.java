package io.facestream.bench.performance;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import io.facestream.local.LocalStack;
import io.facestream.local.LocalStackConfig;

/**
 * The local stack as the bench runs it: embedded broker, PostgreSQL and Redis in a throw-away home, free ports only (other
 * runs may hold 8080 and 9092), a known admin key and no per-key request limit (the bench sends thousands a minute).
 */
final class BenchStack implements AutoCloseable {

    final LocalStack stack;
    final String gatewayUrl;
    final String adminKey = "fs_bench_" + UUID.randomUUID().toString().replace("-", "");
    final RestLoad rest;
    private final Path home;

    BenchStack() throws Exception {
        home = Files.createTempDirectory("facestream-bench-");
        System.setProperty("facestream.admin.key", adminKey);
        System.setProperty("facestream.requests.per.minute", "0");
        stack = LocalStack.start(new LocalStackConfig(home, 0, null, null, null, freePort()));
        gatewayUrl = stack.startGateway(0);
        rest = new RestLoad(gatewayUrl, adminKey);
    }

    String kafka() {
        return stack.kafkaBootstrap();
    }

    /** Enrols a person from a photo, retrying while the pipeline finishes starting (its first answers can take seconds). */
    void enrol(String name, byte[] photo) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            HttpResponse<String> response = rest.post("/api/recognition/register", photo, name);
            if (response.statusCode() == 201 || response.statusCode() == 409) {
                return;
            }
            if (System.nanoTime() > deadline || response.statusCode() < 500) {
                throw new IllegalStateException("cannot enrol " + name + ": " + response.statusCode() + " " + response.body());
            }
            Thread.sleep(1000);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        stack.close();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
