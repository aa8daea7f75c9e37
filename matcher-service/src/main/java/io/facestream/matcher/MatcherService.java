package io.facestream.matcher;

import java.time.Duration;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.facestream.matcher.gallery.Erasures;
import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.GalleryCache;
import io.facestream.matcher.gallery.GalleryFeed;
import io.facestream.matcher.gallery.PersonRepository;
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
        Flyway.configure().dataSource(dataSource).schemas(config.databaseSchema()).createSchemas(true).load().migrate();
        redis = new JedisPooled(java.net.URI.create(config.redisUrl()));
        PersonRepository people = new PersonRepository(dataSource);
        GalleryCache cache = new GalleryCache(redis, config.redisPrefix());
        // Pin the topic's end before loading, so a registration made meanwhile is applied, not missed.
        feed = new GalleryFeed(config.bootstrapServers());
        Galleries galleries = new Galleries(people, cache, config.thresholds().keySet(), config::matching);
        feed.start(galleries::apply);
        FrameMatcher matcher = new FrameMatcher(galleries, people, cache,
                new RecentFaces(redis, config.redisPrefix(), config.recentFaceSeconds()), new Erasures(redis, config.redisPrefix()), config);
        streams = PipelineStreams.start(MatcherTopology.build(matcher),
                PipelineStreams.properties(config.applicationId(), config.bootstrapServers(), config.streamThreads()), Duration.ofSeconds(60));
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
