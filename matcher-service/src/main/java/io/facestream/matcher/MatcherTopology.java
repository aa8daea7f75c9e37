package io.facestream.matcher;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FrameLog;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.Topics;

/** embeddings → a result for every frame, and person changes for every registration, added or removed face, rename and erasure. */
public final class MatcherTopology {

    private static final Logger log = LoggerFactory.getLogger(MatcherTopology.class);

    private MatcherTopology() {
    }

    public static Topology build(FrameMatcher matcher) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Outcome> outcomes = builder
                .stream(Topics.EMBEDDINGS.name(), Consumed.with(Topics.EMBEDDINGS.keySerde(), Topics.EMBEDDINGS.valueSerde()))
                .mapValues(frame -> handle(matcher, frame));
        outcomes.mapValues(Outcome::result)
                .to(Topics.MATCH_RESULTS.name(), Produced.with(Topics.MATCH_RESULTS.keySerde(), Topics.MATCH_RESULTS.valueSerde()));
        outcomes.flatMap((key, outcome) -> outcome.changes().stream()
                        .map(change -> KeyValue.pair(change.getModel() + "/" + change.getPersonId(), change)).toList())
                .to(Topics.PERSON_CHANGES.name(), Produced.with(Topics.PERSON_CHANGES.keySerde(), Topics.PERSON_CHANGES.valueSerde()));
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
                return new Outcome(failed, java.util.List.of());
            }
        });
    }
}
