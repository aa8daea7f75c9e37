package io.facestream.gateway.access;

import java.time.Clock;
import java.util.List;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.facestream.gateway.GatewayProperties;
import redis.clients.jedis.UnifiedJedis;

/**
 * Requests per key per minute, counted in Redis so the limit holds across every gateway instance.
 * A fixed one-minute window: one INCR and, on the first request of a minute, one EXPIRE.
 */
@Component
public class RateLimiter {

    /** Allowed, or refused with the seconds until the window resets. */
    public record Verdict(boolean allowed, long retryAfterSeconds) {

        /** Why a request over the limit was refused (429, or a WebSocket error reply). */
        public String message() {
            return "this key made too many requests; retry after " + retryAfterSeconds + " s";
        }
    }

    private final UnifiedJedis redis;
    private final String prefix;
    private final int perMinute;
    private final Clock clock;
    private final java.util.Map<String, Long> local = new java.util.concurrent.ConcurrentHashMap<>();

    @Autowired
    public RateLimiter(UnifiedJedis redis, GatewayProperties properties) {
        this(redis, properties.redisPrefix(), properties.requestsPerMinute(), Clock.systemUTC());
    }

    RateLimiter(UnifiedJedis redis, String prefix, int perMinute, Clock clock) {
        this.redis = redis;
        this.prefix = prefix;
        this.perMinute = perMinute;
        this.clock = clock;
    }

    public Verdict acquire(long keyId) {
        if (perMinute <= 0) {
            return new Verdict(true, 0);
        }
        long now = clock.millis();
        long window = now / 60_000;
        String counter = prefix + "rate:" + keyId + ":" + window;
        long count;
        try {
            @SuppressWarnings("unchecked")
            List<Object> replies = (List<Object>) redis.eval(
                    "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], 120) end return {n}",
                    List.of(counter), List.of());
            count = (Long) replies.get(0);
        } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            // Redis down: the limit still holds, per gateway instance instead of across all of them (README, "Faults").
            count = local.merge(counter, 1L, Long::sum);
            local.keySet().removeIf(key -> !key.endsWith(":" + window));
        }
        if (count <= perMinute) {
            return new Verdict(true, 0);
        }
        return new Verdict(false, Math.max(1, ((window + 1) * 60_000 - now + 999) / 1000));
    }
}
