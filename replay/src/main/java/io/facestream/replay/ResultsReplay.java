package io.facestream.replay;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.List;

import io.facestream.schemas.AvroSerde;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;
import io.facestream.schemas.TrackEvent;

/**
 * A report from what the live pipeline already answered: the camera results on {@code facestream.matches} and the
 * track events on {@code facestream.events} of a range, read like frames (no group, nothing committed or produced),
 * no model run. Cheap (thousands of results a second), for dashboards and audits; it has no crops, since results carry
 * no pixels, and the names are the gallery's answers at the time, filtered by who is enrolled now (someone erased
 * since is left out). Results that carry tracks (a live tracker) are grouped by them; others are tracked here.
 */
public final class ResultsReplay {

    private static final AvroSerde<MatchResult> RESULTS = AvroSerde.of(MatchResult.class);
    private static final AvroSerde<TrackEvent> EVENTS = AvroSerde.of(TrackEvent.class);

    private final ReplayEnvironment environment;

    public ResultsReplay(ReplayEnvironment environment) {
        this.environment = environment;
    }

    /** As {@link FrameReplay#check}: the people asked for are enrolled, and the results and events of the range are still kept. */
    public void check(ReplayRequest request) {
        try (PeopleAccess people = new PeopleAccess(environment.matcher())) {
            FrameReplay.checkPeople(people, request);
        }
        TopicRange.plan(environment.bootstrapServers(), Topics.MATCH_RESULTS.name(), request.from(), request.to());
        TopicRange.plan(environment.bootstrapServers(), Topics.EVENTS.name(), request.from(), request.to());
    }

    public TimelineReport run(ReplayRequest request, Path out, ReplayProgress.Listener listener, BooleanSupplier cancelled) {
        BooleanSupplier stop = () -> cancelled.getAsBoolean() || Thread.currentThread().isInterrupted();
        if (out != null) {
            ReportWriter.checkWritable(out);
        }
        try (PeopleAccess people = new PeopleAccess(environment.matcher())) {
            FrameReplay.checkPeople(people, request);
            TopicRange results = TopicRange.plan(environment.bootstrapServers(), Topics.MATCH_RESULTS.name(), request.from(), request.to());
            TopicRange events = TopicRange.plan(environment.bootstrapServers(), Topics.EVENTS.name(), request.from(), request.to());
            long total = results.records() + events.records();
            TimelineBuilder builder = new TimelineBuilder();
            FaceTracking tracker = new FaceTracking(FaceTracking.replaySettings());
            Map<String, Long> cameras = new TreeMap<>();
            String[] model = {null};
            long[] done = {0};
            long start = System.nanoTime();
            results.read(record -> {
                done[0]++;
                MatchResult result = decode(RESULTS, record.value());
                if (result == null || result.getHeader().getSourceKind() != SourceKind.CAMERA
                        || result.getHeader().getOperation() != Operation.RECOGNIZE || result.getError() != null) {
                    return;
                }
                String camera = result.getHeader().getSourceId();
                cameras.merge(camera, 1L, Long::sum);
                if (!request.wantsCamera(camera)) {
                    return;
                }
                boolean tracked = !result.getFaces().isEmpty() && result.getFaces().stream().allMatch(face -> face.getTrack() != null);
                // Results carry no vectors: faces without live tracks are linked by place only.
                builder.add(tracked || result.getFaces().isEmpty() ? result : tracker.track(result, List.of()).result(),
                        record.partition(), record.offset(), null, null);
                if (done[0] % 1000 == 0) {
                    double rate = done[0] / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                    listener.progress(new ReplayProgress("replaying", done[0], total, rate, Duration.ofSeconds((long) ((total - done[0]) / rate))));
                }
            }, stop);
            events.read(record -> {
                done[0]++;
                TrackEvent event = decode(EVENTS, record.value());
                if (event == null || event.getSourceKind() != SourceKind.CAMERA || !request.wantsCamera(event.getSourceId())) {
                    return;
                }
                builder.event(new TimelineReport.Event(event.getTime(), event.getSourceId(), event.getTrackId(), event.getKind().name(),
                        event.getPerson() == null ? null : event.getPerson().getPersonId(), null, event.getConfidence()));
            }, stop);
            for (String camera : request.cameras()) {
                if (!cameras.containsKey(camera)) {
                    throw new ReplayException(ReplayException.Reason.UNKNOWN_CAMERA, "no results of camera " + camera + " between "
                            + request.from() + " and " + request.to() + (cameras.isEmpty() ? "; no camera has results in the range"
                            : "; cameras with results in the range: " + String.join(", ", cameras.keySet())));
                }
            }
            if (cameras.isEmpty()) {
                throw new ReplayException(ReplayException.Reason.NO_FRAMES, "no camera results between " + request.from() + " and " + request.to());
            }
            TimelineReport report = builder.build("results", request, Instant.now(), model[0], people::name);
            if (out != null) {
                ReportWriter.write(report, out);
            }
            listener.progress(new ReplayProgress("done", total, total, 0, Duration.ZERO));
            return report;
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T decode(AvroSerde<T> serde, byte[] bytes) {
        try {
            return serde.decode(bytes);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    static boolean named(FaceMatch face) {
        return face.getPerson() != null;
    }
}
