package io.facestream.matcher;

import java.util.Optional;

import io.facestream.schemas.AvroSerde;
import io.facestream.schemas.FaceEmbedding;
import redis.clients.jedis.UnifiedJedis;

/**
 * Every face the pipeline saw in the last minute, under its face id, so a client can register a
 * face it just detected without uploading the photo again. Redis expires them: no embedding of
 * a passer-by outlives its minute.
 */
public final class RecentFaces {

    private static final AvroSerde<FaceEmbedding> SERDE = AvroSerde.of(FaceEmbedding.class);

    private final UnifiedJedis redis;
    private final String prefix;
    private final int seconds;

    public RecentFaces(UnifiedJedis redis, String prefix, int seconds) {
        this.redis = redis;
        this.prefix = prefix;
        this.seconds = seconds;
    }

    public void remember(FaceEmbedding face) {
        redis.setex(key(face.getFace().getFaceId()), seconds, SERDE.encode(face));
    }

    public Optional<FaceEmbedding> find(String faceId) {
        return Optional.ofNullable(redis.get(key(faceId))).map(SERDE::decode);
    }

    private byte[] key(String faceId) {
        return (prefix + "face:" + faceId).getBytes();
    }
}
