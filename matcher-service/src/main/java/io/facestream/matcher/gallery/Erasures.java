package io.facestream.matcher.gallery;

import java.time.Duration;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Erased people, shared by every matcher instance through Redis. The instance that erases a person
 * writes the mark before it answers; the others drop the person from memory when the DELETE on the
 * people topic reaches them, which can be a moment later. Checking the mark before reporting a match
 * closes that gap: once an erasure has been answered, no instance names the person again.
 */
public final class Erasures {

    /** Far longer than any instance takes to read the people topic, or to restart and load from PostgreSQL. */
    static final Duration KEEP = Duration.ofDays(1);

    private final UnifiedJedis redis;
    private final String prefix;

    public Erasures(UnifiedJedis redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    public void mark(long personId) {
        redis.set(key(personId), "1", SetParams.setParams().ex(KEEP.toSeconds()));
    }

    public boolean erased(long personId) {
        return redis.exists(key(personId));
    }

    private String key(long personId) {
        return prefix + "erased:" + personId;
    }
}
