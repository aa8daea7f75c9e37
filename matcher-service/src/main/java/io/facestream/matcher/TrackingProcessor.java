package io.facestream.matcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.facestream.matcher.tracking.Tracker;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.SourceTrackState;
import io.facestream.schemas.TrackEvent;
import io.facestream.schemas.Values;

/**
 * Runs the {@link Tracker} over each answered camera or WebSocket frame with its source's state from the store, and on
 * a wall-clock schedule ends the tracks of sources that stopped sending. Frames are keyed by source, so one source's
 * frames reach one task, in order.
 */
final class TrackingProcessor implements Processor<String, TrackingProcessor.Matched, String, TrackingProcessor.Tracked> {

    private static final Logger log = LoggerFactory.getLogger(TrackingProcessor.class);

    /** A source without tracks and silent this long is forgotten (a WebSocket session id never comes back). */
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    /** A frame and the matcher's answer to it: the tracker needs the embeddings, which the answer does not carry. */
    record Matched(EmbeddedFrame frame, Outcome outcome) {
    }

    /** The answer (null when only events come, from the schedule) and the track events to publish. */
    record Tracked(Outcome outcome, List<TrackEvent> events) {
    }

    private final Tracker tracker;
    private final String storeName;
    private ProcessorContext<String, Tracked> context;
    private KeyValueStore<String, SourceTrackState> store;

    TrackingProcessor(Tracker tracker, String storeName) {
        this.tracker = tracker;
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, Tracked> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        // A tenth of the idle time: a silent source's tracks end at most 10 % late.
        long every = Math.max(100, tracker.settings().idleMs() / 10);
        context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<String, Matched> record) {
        Outcome outcome = record.value().outcome();
        MatchResult result = outcome.result();
        if (!Tracker.tracks(result)) {
            context.forward(record.withValue(new Tracked(outcome, List.of())));
            return;
        }
        String source = result.getHeader().getSourceId();
        try {
            Tracker.Step step = tracker.track(store.get(source), result, embeddings(record.value().frame(), result),
                    context.currentSystemTimeMs());
            store.put(source, step.state());
            context.forward(record.withValue(new Tracked(new Outcome(step.result(), outcome.changes()), step.events())));
        } catch (RuntimeException e) {
            // The answer matters more than its track: a tracker failure leaves the faces without one.
            log.warn("tracking failed for source {}", source, e);
            result.getFaces().forEach(face -> face.setTrack(null));
            context.forward(record.withValue(new Tracked(outcome, List.of())));
        }
    }

    private static List<float[]> embeddings(EmbeddedFrame frame, MatchResult result) {
        List<FaceEmbedding> faces = frame.getFaces();
        if (faces.size() != result.getFaces().size()) {
            return List.of();
        }
        List<float[]> out = new ArrayList<>(faces.size());
        for (FaceEmbedding face : faces) {
            out.add(Values.floats(face.getVector()));
        }
        return out;
    }

    private void expire(long now) {
        List<KeyValue<String, SourceTrackState>> changed = new ArrayList<>();
        List<String> forgotten = new ArrayList<>();
        try (KeyValueIterator<String, SourceTrackState> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, SourceTrackState> entry = all.next();
                List<TrackEvent> events = tracker.expire(entry.value, now);
                if (!events.isEmpty()) {
                    changed.add(entry);
                    context.forward(new Record<>(entry.key, new Tracked(null, events), now));
                } else if (entry.value.getTracks().isEmpty() && now - entry.value.getLastWallClock() > FORGET_AFTER.toMillis()) {
                    forgotten.add(entry.key);
                }
            }
        }
        changed.forEach(entry -> store.put(entry.key, entry.value));
        forgotten.forEach(store::delete);
    }
}
