package io.facestream.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.facestream.matcher.tracking.Tracker;
import io.facestream.matcher.tracking.TrackerSettings;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.SourceTrackState;
import io.facestream.schemas.TrackEvent;

/**
 * The live matcher's {@link Tracker}, with each source's state in memory for one replay: links a camera's faces across
 * its frames into tracks and names each track by the same vote as live, so a replay's tracks are the ones the live
 * pipeline would have made. Frames of one source must come in capture order (they do: one partition, offset order).
 *
 * <p>One difference from live, {@link #replaySettings}: a track is named from its first face that names someone
 * (min faces 1 instead of 3). Live, the vote holds a name back until three faces agree, so that an event is not
 * announced on a single look; in a report a reader sees each appearance's frame count, best similarity (each face is
 * at or above the calibrated 1-in-10,000 threshold) and crop, while min 3 would drop everyone seen in fewer than three
 * frames: a person crossing a 5 frames/s camera in half a second, a camera that sends a still every few seconds.
 */
public final class FaceTracking {

    private final Tracker tracker;
    private final Map<String, SourceTrackState> states = new HashMap<>();

    public FaceTracking(TrackerSettings settings) {
        this.tracker = new Tracker(settings);
    }

    /** The live settings (FACESTREAM_TRACK_*), with a name after one face. */
    public static TrackerSettings replaySettings() {
        TrackerSettings live = TrackerSettings.fromEnvironment();
        return new TrackerSettings(live.timeoutMs(), 1, live.maxVotes(), live.minShare(), live.renameMargin(), live.clockJumpMs(), live.idleMs());
    }

    /** The tracked answer and the events it caused. */
    public record Tracked(MatchResult result, List<TrackEvent> events) {
    }

    /** @param embeddings the faces' vectors in face order; empty for answers without them (reports from results: linked by place) */
    public Tracked track(MatchResult result, List<float[]> embeddings) {
        if (!Tracker.tracks(result)) {
            return new Tracked(result, List.of());
        }
        String source = result.getHeader().getSourceId();
        // The capture time stands in for the wall clock: a replay must not depend on when it runs.
        Tracker.Step step = tracker.track(states.get(source), result, embeddings, result.getHeader().getCaptureTime().toEpochMilli());
        if (step.state() == null) {
            states.remove(source);
        } else {
            states.put(source, step.state());
        }
        return new Tracked(step.result(), step.events());
    }
}
