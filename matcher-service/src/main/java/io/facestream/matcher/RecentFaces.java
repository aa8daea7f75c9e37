package io.facestream.matcher;

import java.util.Optional;

import io.facestream.schemas.AvroSerde;
import io.facestream.schemas.FaceEmbedding;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Every face the pipeline saw in the last minute, under its face id, so a client can register a
 * face it just detected without uploading the photo again. Redis expires them: no embedding of
 * a passer-by outlives its minute.
 */
public final class RecentFaces {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RecentFaces.class);

    private static final AvroSerde<FaceEmbedding> SERDE = AvroSerde.of(FaceEmbedding.class);

    private final UnifiedJedis redis;
    private final String prefix;
    private final int seconds;

    public RecentFaces(UnifiedJedis redis, String prefix, int seconds) {
        this.redis = redis;
        this.prefix = prefix;
        this.seconds = seconds;
    }

    /**
     * Keeps the face for its minute. With Redis unreachable the answer goes out without it (its face_id then cannot be
     * enrolled: 404 or 503) rather than failing the whole frame: recognition is worth more than enrolment by face_id.
     */
    public void remember(FaceEmbedding face) {
        try {
            redis.setex(key(face.getFace().getFaceId()), seconds, SERDE.encode(face));
        } catch (JedisConnectionException e) {
            long now = System.currentTimeMillis();
            if (now - lastWarning > 10_000) {
                lastWarning = now;
                log.warn("recent faces not kept while Redis is unreachable: their face_ids cannot be enrolled ({})", e.getMessage());
            }
        }
    }

    private volatile long lastWarning;

    public Optional<FaceEmbedding> find(String faceId) {
        return Optional.ofNullable(redis.get(key(faceId))).map(SERDE::decode);
    }

    private byte[] key(String faceId) {
        return (prefix + "face:" + faceId).getBytes();
    }
}
