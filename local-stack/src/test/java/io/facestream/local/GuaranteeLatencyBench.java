package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What exactly-once v2 costs against at-least-once (issue 13, item 4): the same one-JVM stack started once with each
 * guarantee, the same sequential REST recognize requests (one 1-face photo, concurrency 1), latency percentiles
 * printed as a table with the load average. A benchmark, not a check (no timing is asserted):
 * {@code mvn -pl local-stack -am test -Dtest=GuaranteeLatencyBench -Dfacestream.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Under exactly-once the gateway reads results {@code read_committed}, as a client must to get the guarantee.
 */
@EnabledIfSystemProperty(named = "facestream.bench", matches = "true")
class GuaranteeLatencyBench {

    static final Path PHOTO = Path.of("../face-core/src/test/resources/io/facestream/face/photos/person-a-2.jpg").toAbsolutePath().normalize();
    static final int WARM_UP = 10;
    static final int REQUESTS = Integer.getInteger("facestream.bench.requests", 60);

    @Test
    void exactlyOnceAgainstAtLeastOnce() throws Exception {
        List<String> rows = new ArrayList<>();
        // Twice each, interleaved, so a change in the machine's load hits both.
        for (int round = 0; round < 2; round++) {
            rows.add(run("at_least_once", Map.of()));
            rows.add(run("exactly_once_v2", Map.of("facestream.kafka.isolation.level", "read_committed")));
        }
        System.out.println("\n| guarantee | commit interval | requests | p50 ms | p90 ms | p99 ms | mean ms | load (1 min) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private String run(String guarantee, Map<String, String> extra) throws Exception {
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String adminKey = "fs_bench_admin_" + UUID.randomUUID().toString().replace("-", "");
        TestSchema.use(schema, adminKey);
        System.setProperty("facestream.processing.guarantee", guarantee);
        System.setProperty("facestream.requests.per.minute", "0");
        extra.forEach(System::setProperty);
        String[] cleared = new ArrayList<String>() {{
            add("facestream.processing.guarantee");
            add("facestream.requests.per.minute");
            addAll(extra.keySet());
        }}.toArray(String[]::new);
        try (LocalStack stack = LocalStack.start(new LocalStackConfig(Files.createTempDirectory("facestream-bench"), 0, null,
                TestSchema.DATABASE_URL, TestSchema.REDIS_URL, LocalStack.freePort()))) {
            Gateway gateway = new Gateway(stack.startGateway(0), adminKey);
            PipelineEndToEndTest.awaitHealthy(gateway);
            long[] millis = new long[REQUESTS];
            for (int i = 0; i < WARM_UP + REQUESTS; i++) {
                long start = System.nanoTime();
                Gateway.Answer answer = gateway.recognize(PHOTO);
                long took = (System.nanoTime() - start) / 1_000_000;
                assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
                if (i >= WARM_UP) {
                    millis[i - WARM_UP] = took;
                }
            }
            Arrays.sort(millis);
            String interval = guarantee.equals("at_least_once") ? "1000 ms" : "100 ms";
            return String.format("| %s | %s | %d | %d | %d | %d | %.0f | %s |", guarantee, interval, REQUESTS, at(millis, 0.5), at(millis, 0.9),
                    at(millis, 0.99), Arrays.stream(millis).average().orElse(0), load());
        } finally {
            TestSchema.drop(schema, cleared);
        }
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    private static String load() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
