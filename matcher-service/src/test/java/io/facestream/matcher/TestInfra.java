package io.facestream.matcher;

/** The machine's PostgreSQL and Redis (as on CI); DATABASE_URL / REDIS_URL point elsewhere. And unit vectors for galleries. */
public final class TestInfra {

    private TestInfra() {
    }

    static String databaseUrl() {
        return System.getenv().getOrDefault("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    }

    static String redisUrl() {
        return System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    }

    /** A fresh folder for a test driver's state stores, so parallel runs (and other checkouts) never share one. */
    static String stateDir() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("matcher-test-state");
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The given direction at unit length, as every embedding is. */
    public static float[] unit(float... v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return out;
    }
}
