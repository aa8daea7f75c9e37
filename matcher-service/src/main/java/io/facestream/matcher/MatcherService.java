package io.facestream.matcher;

import java.time.Duration;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.facestream.matcher.gallery.Erasures;
import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.GalleryCache;
import io.facestream.matcher.gallery.GalleryFeed;
import io.facestream.matcher.gallery.PersonRepository;
import io.facestream.matcher.tracking.Tracker;
import io.facestream.schemas.PipelineStreams;
import io.facestream.schemas.TopicBootstrap;
import redis.clients.jedis.JedisPooled;

/** The matcher as a running service: database, cache, gallery feed and Streams topology, started in that order. */
public final class MatcherService implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final JedisPooled redis;
    private final GalleryFeed feed;
    private final KafkaStreams streams;

    private MatcherService(MatcherConfig config) {
        TopicBootstrap.ensureTopics(config.bootstrapServers());
        dataSource = dataSource(config);
        migrate(dataSource, config.databaseSchema());
        redis = new JedisPooled(java.net.URI.create(config.redisUrl()));
        PersonRepository people = new PersonRepository(dataSource);
        GalleryCache cache = new GalleryCache(redis, config.redisPrefix());
        // Pin the topic's end before loading, so a registration made meanwhile is applied, not missed.
        feed = new GalleryFeed(config.bootstrapServers());
        Galleries galleries = new Galleries(people, cache, config.thresholds().keySet(), config::matching);
        feed.start(galleries::apply);
        FrameMatcher matcher = new FrameMatcher(dataSource, galleries, people, cache,
                new RecentFaces(redis, config.redisPrefix(), config.recentFaceSeconds()), new Erasures(redis, config.redisPrefix()), config);
        java.util.Properties properties = PipelineStreams.properties(config.applicationId(), config.bootstrapServers(), config.streamThreads());
        if (config.stateDir() != null) {
            properties.put(org.apache.kafka.streams.StreamsConfig.STATE_DIR_CONFIG,
                    java.nio.file.Path.of(config.stateDir(), config.applicationId()).toString());
        }
        streams = PipelineStreams.start(MatcherTopology.build(matcher, new Tracker(config.tracking())), properties, Duration.ofSeconds(60));
    }

    /**
     * The matcher owns the people tables ({@code person}, {@code face_embedding}): only it reads and writes them, the
     * gateway asks it through the pipeline (LIST_PEOPLE, GET_PERSON). Its migrations live in db/matcher with the default
     * history table; the gateway migrates only its {@code api_key} from db/gateway with a history table of its own, so
     * neither runs the other's migrations, even in one schema. A database migrated before the split has the gateway's
     * old V2 in this history: that applied-but-gone migration is ignored, not an error (Flyway calls it "future", as it
     * is newer than V1, and "*:future" is also Flyway's default, which setting the patterns replaces). Baseline 0 lets
     * it start on a schema the gateway has already created its table in (MigrationsTest).
     */
    public static void migrate(DataSource dataSource, String schema) {
        Flyway.configure().dataSource(dataSource).schemas(schema).createSchemas(true).locations("classpath:db/matcher")
                .ignoreMigrationPatterns("*:missing", "*:future").baselineOnMigrate(true).baselineVersion("0").load().migrate();
    }

    public static MatcherService start(MatcherConfig config) {
        return new MatcherService(config);
    }

    private static HikariDataSource dataSource(MatcherConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.databaseUrl());
        hikari.setUsername(config.databaseUser());
        hikari.setPassword(config.databasePassword());
        hikari.setSchema(config.databaseSchema());
        hikari.setMaximumPoolSize(Math.max(2, config.streamThreads() + 1));
        hikari.setPoolName("matcher");
        // Hikari waits 30 s for a connection by default, holding the stream thread (and every frame behind it) that long
        // while PostgreSQL is down; 3 s answers an enrolment UNAVAILABLE well within the gateway's 15 s reply timeout.
        hikari.setConnectionTimeout(3_000);
        return new HikariDataSource(hikari);
    }

    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public void close() throws InterruptedException {
        // Kafka 4's close(Duration) keeps the member in its group: leave it, so a restart gets partitions at once.
        streams.close(CloseOptions.timeout(Duration.ofSeconds(10)).withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
        feed.close();
        redis.close();
        dataSource.close();
    }

    public static void main(String[] args) {
        PipelineStreams.closeOnShutdown(start(MatcherConfig.fromEnvironment()));
    }
}
