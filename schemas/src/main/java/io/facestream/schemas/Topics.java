package io.facestream.schemas;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of the pipeline, its key, value type, partition count and settings.
 *
 * <p>Frames and everything derived from them are keyed by their source (request id, WebSocket
 * session id, camera id), so all frames of one source land on one partition and keep their
 * order through every stage.
 */
public final class Topics {

    /** Enough for a full-HD camera frame or a phone photo the gateway has already shrunk; see README "Large photos". */
    public static final int MAX_IMAGE_MESSAGE_BYTES = 4 * 1024 * 1024;

    /**
     * Partitions of every topic that carries frames, read once ({@code FACESTREAM_TOPIC_PARTITIONS}, default 4): each stage
     * shares its work over at most this many instances (stream threads, in all), so it caps how far a stage scales out.
     * Only a topic this run creates gets it; an existing topic keeps its own count (see {@link TopicBootstrap}).
     */
    public static final int PIPELINE_PARTITIONS = Settings.getInt("FACESTREAM_TOPIC_PARTITIONS", 4);

    private static final Map<String, String> IMAGE_TOPIC = Map.of(
            "max.message.bytes", String.valueOf(MAX_IMAGE_MESSAGE_BYTES),
            "retention.ms", String.valueOf(24 * 3600 * 1000L));

    // Results carry embeddings-derived data only (boxes, names, similarities); keep a week for replay and analysis.
    private static final Map<String, String> RESULT_TOPIC = Map.of("retention.ms", String.valueOf(7 * 24 * 3600 * 1000L));

    /**
     * How long camera frames stay replayable (README "Replay"): FACESTREAM_FRAMES_RETENTION_HOURS, default 24. Set when
     * the topic is created; an existing topic keeps its own until changed with kafka-configs.sh. At 5 frames/s a
     * 640×360 camera writes about 5.6 GB a day, so a week of one camera is about 40 GB per replica.
     */
    public static final long FRAMES_RETENTION_HOURS = Settings.getInt("FACESTREAM_FRAMES_RETENTION_HOURS", 24);

    public static final TypedTopic<String, Frame> FRAMES = new TypedTopic<>(
            "facestream.frames", PIPELINE_PARTITIONS, Serdes.String(), AvroSerde.of(Frame.class), Map.of(
                    "max.message.bytes", String.valueOf(MAX_IMAGE_MESSAGE_BYTES),
                    "retention.ms", String.valueOf(FRAMES_RETENTION_HOURS * 3600 * 1000L)));

    public static final TypedTopic<String, DetectedFrame> DETECTED_FACES = new TypedTopic<>(
            "facestream.faces.detected", PIPELINE_PARTITIONS, Serdes.String(), AvroSerde.of(DetectedFrame.class), IMAGE_TOPIC);

    // Embeddings are biometric data and only an intermediate step: an erased person's vectors must not linger here.
    public static final TypedTopic<String, EmbeddedFrame> EMBEDDINGS = new TypedTopic<>(
            "facestream.faces.embedded", PIPELINE_PARTITIONS, Serdes.String(), AvroSerde.of(EmbeddedFrame.class),
            Map.of("retention.ms", String.valueOf(3600 * 1000L)));

    public static final TypedTopic<String, MatchResult> MATCH_RESULTS = new TypedTopic<>(
            "facestream.matches", PIPELINE_PARTITIONS, Serdes.String(), AvroSerde.of(MatchResult.class), RESULT_TOPIC);

    /** What happened to each face track (started, identified, identity changed, ended), keyed by camera or session id. */
    public static final TypedTopic<String, TrackEvent> EVENTS = new TypedTopic<>(
            "facestream.events", PIPELINE_PARTITIONS, Serdes.String(), AvroSerde.of(TrackEvent.class), RESULT_TOPIC);

    /**
     * Keyed by "model/personId"; compacted, so it always holds the latest state of every person. Segments roll
     * hourly so that after an erasure the DELETE record replaces the person's embeddings within hours, not the
     * default week; DELETE records themselves carry no embeddings.
     */
    public static final TypedTopic<String, PersonChange> PERSON_CHANGES = new TypedTopic<>(
            "facestream.people.changes", 1, Serdes.String(), AvroSerde.of(PersonChange.class),
            Map.of("cleanup.policy", "compact", "segment.ms", String.valueOf(3600 * 1000L), "max.compaction.lag.ms", String.valueOf(3 * 3600 * 1000L)));

    /**
     * Records a Streams service could not read, as they arrived (raw key and value), with headers saying why
     * ({@link DeadLetters}). Kept a week so an operator can look at what a camera sent.
     */
    public static final TypedTopic<byte[], byte[]> DEAD_LETTERS = new TypedTopic<>(
            "facestream.dead-letters", 1, Serdes.ByteArray(), Serdes.ByteArray(), Map.of(
                    "max.message.bytes", String.valueOf(MAX_IMAGE_MESSAGE_BYTES + DeadLetters.HEADER_BYTES),
                    "retention.ms", String.valueOf(7 * 24 * 3600 * 1000L)));

    public static final List<TypedTopic<?, ?>> ALL = List.of(FRAMES, DETECTED_FACES, EMBEDDINGS, MATCH_RESULTS, EVENTS, PERSON_CHANGES, DEAD_LETTERS);

    private Topics() {
    }
}
