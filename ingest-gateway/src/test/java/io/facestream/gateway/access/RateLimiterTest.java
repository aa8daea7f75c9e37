package io.facestream.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** With Redis unreachable the limit still holds, counted per gateway instance (README, "Faults"). */
class RateLimiterTest {

    @Test
    void aLimitHeldInMemoryWhileRedisIsUnreachable() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Clock clock = Clock.fixed(Instant.parse("2026-12-03T10:00:30Z"), ZoneOffset.UTC);
        try (JedisPooled redis = new JedisPooled(new HostAndPort("127.0.0.1", closed),
                DefaultJedisClientConfig.builder().connectionTimeoutMillis(200).socketTimeoutMillis(200).build())) {
            RateLimiter limiter = new RateLimiter(redis, "rate-test:", 2, clock);
            assertThat(limiter.acquire(7).allowed()).isTrue();
            assertThat(limiter.acquire(7).allowed()).isTrue();
            RateLimiter.Verdict third = limiter.acquire(7);
            assertThat(third.allowed()).isFalse();
            assertThat(third.retryAfterSeconds()).isEqualTo(30);
            assertThat(limiter.acquire(8).allowed()).as("another key counts on its own").isTrue();
        }
    }
}
