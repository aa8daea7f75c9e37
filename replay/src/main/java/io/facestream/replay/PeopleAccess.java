package io.facestream.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.facestream.matcher.Lookup;
import io.facestream.matcher.MatcherConfig;
import io.facestream.matcher.gallery.Erasures;
import io.facestream.matcher.gallery.Gallery;
import io.facestream.matcher.gallery.PersonRepository;
import io.facestream.schemas.PersonChange;
import redis.clients.jedis.JedisPooled;

/**
 * What a replay may know of the enrolled people, and nothing it may change: PostgreSQL through read-only connections
 * (the server refuses any write on them) and Redis through {@link Erasures#erased} only. A replay therefore cannot
 * enrol, rename or erase anyone, nor fill the gallery cache or the recent faces that the live matcher keeps.
 */
public final class PeopleAccess implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final JedisPooled redis;
    private final PersonRepository repository;
    private final Erasures erasures;
    private final MatcherConfig config;

    public PeopleAccess(MatcherConfig config) {
        this.config = config;
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.databaseUrl());
        hikari.setUsername(config.databaseUser());
        hikari.setPassword(config.databasePassword());
        hikari.setSchema(config.databaseSchema());
        hikari.setReadOnly(true);
        hikari.setMaximumPoolSize(2);
        hikari.setPoolName("replay");
        this.dataSource = new HikariDataSource(hikari);
        this.redis = new JedisPooled(java.net.URI.create(config.redisUrl()));
        this.repository = new PersonRepository(dataSource);
        this.erasures = new Erasures(redis, config.redisPrefix());
    }

    /** Enrolled now: in the database and without an erasure mark (the mark is written before an erasure answers). */
    public boolean enrolled(long personId) {
        return !erasures.erased(personId) && repository.exists(personId);
    }

    /** The name a person has now (renamed since the footage: the new name), or null when not enrolled. */
    public String name(long personId) {
        if (erasures.erased(personId)) {
            return null;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement st = connection.prepareStatement("select name from person where id = ?")) {
            st.setLong(1, personId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read person " + personId + ": " + e.getMessage(), e);
        }
    }

    /** A snapshot of one recognizer's gallery as it is now, erased people left out; never written back anywhere. */
    public Gallery gallery(String model) {
        List<PersonChange> people = repository.loadGallery(model);
        Gallery gallery = new Gallery(model, config.matching(io.facestream.face.EmbeddingModel.parse(model)));
        people.stream().filter(person -> !erasures.erased(person.getPersonId())).forEach(gallery::apply);
        return gallery;
    }

    /** The live matcher's match rule over a snapshot from {@link #gallery}, with the same erasure marks. */
    public Lookup lookup(Gallery snapshot) {
        return new Lookup(model -> model.equals(snapshot.model()) ? snapshot : null, erasures, config);
    }

    @Override
    public void close() {
        redis.close();
        dataSource.close();
    }
}
