package io.facestream.gateway;

import java.time.Duration;
import java.util.UUID;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import io.facestream.face.Images;

/**
 * @param replyTimeout   how long a request waits for its result before answering 504
 * @param maxImageSide   longer photos are shrunk before they enter Kafka (see README, "Large photos")
 * @param instanceId     tells this gateway's requests apart from other instances'; random unless set
 * @param maxUploadSize  largest uploaded file, default 20 MB; a larger one is answered 413 before it is read whole
 *                       (the multipart limits follow it: UploadLimits)
 * @param maxImagePixels largest width × height an image's header may claim (413 above), default Images.DEFAULT_MAX_PIXELS
 *                       (40 megapixels); checked before decoding (decompression bombs)
 * @param maxFrameSize   largest WebSocket binary message, default 8 MB; a larger one closes that connection with 1009
 *                       (the buffer is reserved per open connection)
 * @param redisUrl       rate-limit counters (and the matcher's caches) live here
 * @param redisPrefix    shared with the matcher, so one Redis can serve several deployments
 * @param adminKey       a first admin API key from configuration (stored hashed); see README "API keys"
 * @param requestsPerMinute per API key, across every gateway instance; over it a request gets 429
 * @param eventsHeartbeat  how often GET /api/events sends a comment on an idle stream, default 15 s: proxies and load
 *                         balancers close idle connections after 30-60 s (nginx's proxy_read_timeout is 60 s)
 * @param eventsClientBuffer events queued for one event client at most, default 1000 (about 500 KB of JSON; a burst after
 *                         a fleet restart can bring hundreds at once); a client
 *                         further behind is dropped with a reason instead of growing the gateway's memory
 * @param replayDir      where replay jobs (POST /api/replays) write their reports, one directory per job; default
 *                       {@code facestream-replays} in the temporary directory. Reports hold face crops: keep it private
 */
@ConfigurationProperties("facestream.gateway")
public record GatewayProperties(String kafkaBootstrapServers, Duration replyTimeout, int maxImageSide, String instanceId,
                                DataSize maxUploadSize, long maxImagePixels, DataSize maxFrameSize,
                                String redisUrl, String redisPrefix, String adminKey, int requestsPerMinute,
                                Duration eventsHeartbeat, int eventsClientBuffer, java.nio.file.Path replayDir) {

    public GatewayProperties {
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = UUID.randomUUID().toString();
        }
        if (maxUploadSize == null) {
            maxUploadSize = DataSize.ofMegabytes(20);
        }
        if (maxImagePixels <= 0) {
            maxImagePixels = Images.DEFAULT_MAX_PIXELS;
        }
        if (maxFrameSize == null) {
            maxFrameSize = DataSize.ofMegabytes(8);
        }
        if (eventsHeartbeat == null || eventsHeartbeat.isZero() || eventsHeartbeat.isNegative()) {
            eventsHeartbeat = Duration.ofSeconds(15);
        }
        if (eventsClientBuffer <= 0) {
            eventsClientBuffer = 1000;
        }
        if (replayDir == null) {
            replayDir = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "facestream-replays");
        }
    }
}
