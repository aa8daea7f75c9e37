package io.facestream.matcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** A store that is down is told from a bug, through the wrappers a repository puts around it. */
class UnavailableTest {

    @Test
    void unreachableStoresAreNamedAndOtherFailuresAreNot() {
        assertThat(Unavailable.reason(new JedisConnectionException("Failed to connect to any host resolved for DNS name.")))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("Redis is unreachable"));
        assertThat(Unavailable.reason(new IllegalStateException("storing failed",
                new SQLTransientConnectionException("matcher - Connection is not available, request timed out after 3000ms."))))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("PostgreSQL is unreachable"));
        assertThat(Unavailable.reason(new IllegalStateException(new SQLException("Connection refused", "08001")))).isPresent();
        assertThat(Unavailable.reason(new IllegalStateException(new SQLException("duplicate key", "23505")))).isEmpty();
        assertThat(Unavailable.reason(new JedisDataException("WRONGTYPE"))).as("Redis answered: not an outage").isEmpty();
        assertThat(Unavailable.reason(new IllegalArgumentException("no gallery"))).isEmpty();
    }
}
