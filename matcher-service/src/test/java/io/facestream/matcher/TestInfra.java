package io.facestream.matcher;

/** The machine's PostgreSQL and Redis (as on CI); DATABASE_URL / REDIS_URL point elsewhere. */
final class TestInfra {

    private TestInfra() {
    }

    static String databaseUrl() {
        return System.getenv().getOrDefault("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    }

    static String redisUrl() {
        return System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    }
}
