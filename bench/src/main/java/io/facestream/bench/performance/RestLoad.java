package io.facestream.bench.performance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.ByteArrayOutputStream;

/** Clients that post one photo to recognize, each sending its next request when its answer came: a closed loop at concurrency c. */
final class RestLoad {

    record Result(int concurrency, int requests, int failures, double seconds, double p50, double p90, double p99, double framesPerSecond, String load,
                  java.util.Map<String, Double> cpuMsPerFrame) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final String apiKey;

    RestLoad(String gatewayUrl, String apiKey) {
        this.url = gatewayUrl;
        this.apiKey = apiKey;
    }

    /** Runs {@code concurrency} clients for {@code seconds}; latency per request from send to the whole JSON answer. */
    Result run(byte[] jpeg, int concurrency, double seconds, int expectedFaces) throws InterruptedException {
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        CpuProfile before = CpuProfile.now();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> response = post("/api/recognition/recognize", jpeg, null);
                        long t1 = System.nanoTime();
                        if (response.statusCode() == 200 && faces(response.body()) == expectedFaces) {
                            latencies.add((t1 - t0) / 1e6);
                        } else {
                            failures.incrementAndGet();
                            if (failures.get() <= 3) {
                                System.out.println("bench   unexpected answer " + response.statusCode() + ": " + response.body());
                            }
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            }, "bench-client-" + i);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Double> copy = new ArrayList<>(latencies);
        return new Result(concurrency, copy.size(), failures.get(), elapsed, Stats.percentile(copy, 50), Stats.percentile(copy, 90),
                Stats.percentile(copy, 99), copy.size() / elapsed, Stats.load(),
                CpuProfile.now().since(before, copy.size()));
    }

    /** Faces in a recognize answer: entries of recognized_faces and unknown_faces (each has a "box"). */
    static int faces(String json) {
        int count = 0;
        for (int i = json.indexOf("\"box\""); i >= 0; i = json.indexOf("\"box\"", i + 1)) {
            count++;
        }
        return count;
    }

    HttpResponse<String> post(String path, byte[] jpeg, String name) throws Exception {
        String boundary = "bench" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (name != null) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"frame.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(jpeg);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("X-API-Key", apiKey)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
