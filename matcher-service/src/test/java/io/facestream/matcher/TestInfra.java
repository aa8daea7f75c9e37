package io.facestream.matcher;

import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;

import com.zaxxer.hikari.HikariDataSource;

import io.facestream.face.EmbeddingModel;
import io.facestream.matcher.gallery.Erasures;
import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.GalleryCache;
import io.facestream.matcher.gallery.PersonRepository;
import redis.clients.jedis.JedisPooled;

/**
 * The machine's PostgreSQL and Redis (as on CI); DATABASE_URL / REDIS_URL point elsewhere. A matcher wired on them as
 * MatcherService wires one, for TopologyTestDriver tests, each in its own schema and key prefix. And unit vectors for galleries.
 */
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

    /** Settings for a test matcher: its own schema and key prefix, threshold 0.5 for the one model, recent faces kept 1 s. */
    static MatcherConfig config(String schema, String model) {
        return new MatcherConfig("unused:9092", "matcher-test", 1, databaseUrl(), "postgres", "", schema,
                redisUrl(), "facestream-test:" + schema + ":", 1, java.util.Map.of(EmbeddingModel.parse(model), 0.5f));
    }

    /** A pool on the config's schema, migrated. */
    static HikariDataSource migrated(MatcherConfig config) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(config.databaseUrl());
        dataSource.setUsername(config.databaseUser());
        dataSource.setSchema(config.databaseSchema());
        MatcherService.migrate(dataSource, config.databaseSchema());
        return dataSource;
    }

    /** A matcher as MatcherService wires one: a fresh gallery per model of the config, loaded on first use. */
    static FrameMatcher matcher(HikariDataSource dataSource, JedisPooled redis, MatcherConfig config) {
        PersonRepository people = new PersonRepository(dataSource);
        GalleryCache cache = new GalleryCache(redis, config.redisPrefix());
        Galleries galleries = new Galleries(people, cache, java.util.List.copyOf(config.thresholds().keySet()), config::matching);
        return new FrameMatcher(dataSource, galleries, people, cache, new RecentFaces(redis, config.redisPrefix(), config.recentFaceSeconds()),
                new Erasures(redis, config.redisPrefix()), config);
    }

    /** Streams settings for a test driver; the topology has a state store (tracks): a folder of its own. */
    static Properties driverProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "matcher-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir());
        return props;
    }

    /** Drops the config's schema and Redis keys and closes both connections. */
    static void drop(MatcherConfig config, HikariDataSource dataSource, JedisPooled redis) {
        try (var c = dataSource.getConnection(); var st = c.createStatement()) {
            st.execute("drop schema " + config.databaseSchema() + " cascade");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        redis.keys(config.redisPrefix() + "*").forEach(redis::del);
        redis.close();
        dataSource.close();
    }
}
