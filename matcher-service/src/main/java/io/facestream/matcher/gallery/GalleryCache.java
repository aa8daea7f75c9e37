package io.facestream.matcher.gallery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.facestream.schemas.AvroSerde;
import io.facestream.schemas.PersonChange;
import io.facestream.schemas.PersonChangeKind;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

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
        List<PersonChange> people = new ArrayList<>();
        return forEach(model, people::add) ? people : null;
    }

    /**
     * Streams the cached people, 1,000 per HSCAN reply (one HGETALL of a million people would be a 2 GB reply held
     * whole); false, having streamed nothing, when the cache was never completely filled.
     */
    public boolean forEach(String model, Consumer<PersonChange> each) {
        if (!redis.exists(completeKey(model))) {
            return false;
        }
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        ScanParams params = new ScanParams().count(1000);
        do {
            ScanResult<Map.Entry<byte[], byte[]>> page = redis.hscan(key(model), cursor, params);
            for (Map.Entry<byte[], byte[]> entry : page.getResult()) {
                each.accept(SERDE.decode(entry.getValue()));
            }
            cursor = page.getCursorAsBytes();
        } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
        return true;
    }

    public void fill(String model, List<PersonChange> people) {
        try (Filler filler = filler(model)) {
            people.forEach(filler::add);
            filler.complete();
        }
    }

    /** Refills the cache from a stream of people, pipelined 1,000 writes a round trip; it counts once {@link Filler#complete}d. */
    public Filler filler(String model) {
        redis.del(completeKey(model));
        // UNLINK, not DEL: deleting a million people's hash (2 GB) in place held Redis for longer than the client's 2 s
        // timeout, and the matcher's start failed (GalleryLoadBench at 1,000,000); UNLINK frees it in the background.
        redis.unlink(key(model));
        return new Filler(model);
    }

    public final class Filler implements AutoCloseable {
        private final String model;
        private AbstractPipeline pipeline = redis.pipelined();
        private int pending;

        private Filler(String model) {
            this.model = model;
        }

        public void add(PersonChange person) {
            pipeline.hset(key(model), String.valueOf(person.getPersonId()).getBytes(), SERDE.encode(person));
            if (++pending == 1000) {
                pipeline.sync();
                pending = 0;
            }
        }

        public void complete() {
            pipeline.sync();
            redis.set(completeKey(model), "1");
        }

        @Override
        public void close() {
            pipeline.close();
        }
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
