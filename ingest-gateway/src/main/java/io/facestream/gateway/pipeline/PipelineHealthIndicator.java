package io.facestream.gateway.pipeline;

import java.time.Duration;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;


/**
 * UP only when a probe frame makes the whole round trip: gateway → detector → embedder →
 * matcher → gateway. A reachable broker alone does not mean requests get answered.
 */
@Component("pipeline")
public class PipelineHealthIndicator implements HealthIndicator {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    // Health is polled often; one probe every few seconds is enough and keeps Kafka quiet.
    private static final long CACHE_NANOS = Duration.ofSeconds(5).toNanos();

    private final PipelineClient pipeline;
    private volatile Health last;
    private volatile long checkedAt;

    public PipelineHealthIndicator(PipelineClient pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public Health health() {
        if (last != null && System.nanoTime() - checkedAt < CACHE_NANOS) {
            return last;
        }
        long start = System.nanoTime();
        Health health;
        try {
            pipeline.submit(RequestFrames.ping(), PROBE_TIMEOUT).join();
            health = Health.up().withDetail("round_trip_ms", (System.nanoTime() - start) / 1_000_000).build();
        } catch (RuntimeException e) {
            health = Health.down().withDetail("reason", "a probe frame got no answer within " + PROBE_TIMEOUT.toSeconds() + " s").build();
        }
        last = health;
        checkedAt = System.nanoTime();
        return health;
    }
}
