package io.facestream.matcher;

import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.facestream.matcher.tracking.Tracker;
import io.facestream.matcher.tracking.TrackerSettings;
import io.facestream.schemas.AvroSerde;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.FrameLog;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.SourceTrackState;
import io.facestream.schemas.Topics;

/**
 * embeddings → a result for every frame (camera and WebSocket faces linked into tracks), person changes for every
 * registration, added or removed face, rename and erasure, and track events.
 */
public final class MatcherTopology {

    private static final Logger log = LoggerFactory.getLogger(MatcherTopology.class);

    /** Each source's tracks, keyed by source id; changelogged, so a restarted or moved task resumes the same tracks. */
    public static final String TRACK_STORE = "tracks";

    private MatcherTopology() {
    }

    public static Topology build(FrameMatcher matcher) {
        return build(matcher, new Tracker(TrackerSettings.defaults()));
    }

    public static Topology build(FrameMatcher matcher, Tracker tracker) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TRACK_STORE),
                Serdes.String(), AvroSerde.of(SourceTrackState.class)));
        KStream<String, TrackingProcessor.Tracked> tracked = builder
                .stream(Topics.EMBEDDINGS.name(), Consumed.with(Topics.EMBEDDINGS.keySerde(), Topics.EMBEDDINGS.valueSerde()))
                .mapValues(frame -> new TrackingProcessor.Matched(frame, handle(matcher, frame)))
                .process(() -> new TrackingProcessor(tracker, TRACK_STORE), TRACK_STORE);
        KStream<String, Outcome> outcomes = tracked.filter((key, value) -> value.outcome() != null).mapValues(TrackingProcessor.Tracked::outcome);
        outcomes.mapValues(Outcome::result)
                .to(Topics.MATCH_RESULTS.name(), Produced.with(Topics.MATCH_RESULTS.keySerde(), Topics.MATCH_RESULTS.valueSerde()));
        outcomes.flatMap((key, outcome) -> outcome.changes().stream()
                        .map(change -> KeyValue.pair(change.getModel() + "/" + change.getPersonId(), change)).toList())
                .to(Topics.PERSON_CHANGES.name(), Produced.with(Topics.PERSON_CHANGES.keySerde(), Topics.PERSON_CHANGES.valueSerde()));
        tracked.flatMap((key, value) -> value.events().stream().map(event -> KeyValue.pair(event.getSourceId(), event)).toList())
                .to(Topics.EVENTS.name(), Produced.with(Topics.EVENTS.keySerde(), Topics.EVENTS.valueSerde()));
        return builder.build();
    }

    /** A frame that cannot be handled still gets an answer, so its client is not left waiting for a timeout. */
    private static Outcome handle(FrameMatcher matcher, EmbeddedFrame frame) {
        return FrameLog.handle(log, "matched", frame.getHeader(), () -> {
            try {
                return matcher.handle(frame);
            } catch (RuntimeException e) {
                var unreachable = Unavailable.reason(e);
                if (unreachable.isPresent()) {
                    log.warn("{} {} frame refused: {}", frame.getHeader().getOperation(), frame.getHeader().getSourceKind(), unreachable.get());
                } else {
                    log.warn("matching failed", e);
                }
                MatchResult failed = MatchResult.newBuilder().setHeader(frame.getHeader())
                        .setError(unreachable.map(reason -> ErrorCode.UNAVAILABLE.error(frame.getHeader().getOperation().toString().toLowerCase(java.util.Locale.ROOT)
                                + " refused, nothing stored: " + reason)).orElseGet(() -> ErrorCode.INTERNAL.error("matching failed: " + e.getMessage()))).build();
                return new Outcome(failed, List.of());
            }
        });
    }
}
