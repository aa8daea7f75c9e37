package io.facestream.local;

import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * What every end-to-end class does to share the machine's PostgreSQL and Redis with other runs: its own schema and
 * Redis key prefix (and admin key) while it runs, and nothing of them left afterwards.
 */
final class TestSchema {

    static final String DATABASE_URL = System.getenv().getOrDefault("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

    private static final String[] PROPERTIES = {"facestream.db.schema", "facestream.redis.prefix", "facestream.admin.key"};

    private TestSchema() {
    }

    /** The settings the stack about to start reads: schema, key prefix and first admin key. */
    static void use(String schema, String adminKey) {
        System.setProperty("facestream.db.schema", schema);
        System.setProperty("facestream.redis.prefix", "facestream-test:" + schema + ":");
        System.setProperty("facestream.admin.key", adminKey);
    }

    /** Drops the schema and clears the settings of {@link #use}, plus any others the class set. */
    static void drop(String schema, String... otherProperties) throws SQLException {
        try (var connection = DriverManager.getConnection(DATABASE_URL, "postgres", "");
             var statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + schema + " cascade");
        }
        for (String key : PROPERTIES) {
            System.clearProperty(key);
        }
        for (String key : otherProperties) {
            System.clearProperty(key);
        }
    }
}
