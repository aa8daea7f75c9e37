package io.facestream.matcher.gallery;

import java.util.List;
import java.util.Map;

import io.facestream.schemas.AvroSerde;
import io.facestream.schemas.PersonChange;
import io.facestream.schemas.PersonChangeKind;
import redis.clients.jedis.UnifiedJedis;

/**
 * A copy of each recognizer's gallery in Redis, so a matcher instance starts from one read
 * instead of a database scan. PostgreSQL stays the source of truth: the cache counts only once
 * it has been filled completely (its "complete" marker), and is refilled from the database otherwise.
 */
public final class GalleryCache {

    private static final AvroSerde<PersonChange> SERDE = AvroSerde.of(PersonChange.class);

    private final UnifiedJedis redis;
    private final String prefix;

    public GalleryCache(UnifiedJedis redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    private byte[] key(String model) {
        return (prefix + "gallery:" + model).getBytes();
    }

    private String completeKey(String model) {
        return prefix + "gallery:" + model + ":complete";
    }

    /** The cached people, or null when the cache was never completely filled. */
    public List<PersonChange> read(String model) {
        if (!redis.exists(completeKey(model))) {
            return null;
        }
        Map<byte[], byte[]> entries = redis.hgetAll(key(model));
        return entries.values().stream().map(SERDE::decode).toList();
    }

    public void fill(String model, List<PersonChange> people) {
        redis.del(key(model));
        for (PersonChange person : people) {
            apply(person);
        }
        redis.set(completeKey(model), "1");
    }

    /** Throws when Redis cannot be reached. */
    public void ping() {
        redis.ping();
    }

    public void apply(PersonChange change) {
        byte[] field = String.valueOf(change.getPersonId()).getBytes();
        if (change.getKind() == PersonChangeKind.DELETE) {
            redis.hdel(key(change.getModel()), field);
        } else {
            redis.hset(key(change.getModel()), field, SERDE.encode(change));
        }
    }
}
