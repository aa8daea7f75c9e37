package io.facestream.matcher;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Tells a store that is down from a bug: a frame that failed because PostgreSQL or Redis could not be reached is
 * answered {@code UNAVAILABLE} (503 at the gateway: nothing stored, try again), any other failure {@code INTERNAL}.
 */
final class Unavailable {

    private Unavailable() {
    }

    /** Which store was unreachable, with the reason; empty for any other failure. */
    static Optional<String> reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof JedisConnectionException) {
                return Optional.of("Redis is unreachable (" + cause.getMessage() + ")");
            }
            // Hikari's "connection is not available" after its timeout, and the driver's connection failures (SQL state 08xxx).
            if (cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return Optional.of("PostgreSQL is unreachable (" + cause.getMessage() + ")");
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }
}
