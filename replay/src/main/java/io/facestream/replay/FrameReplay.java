package io.facestream.replay;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import io.facestream.face.Detector;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.matcher.gallery.Gallery;
import io.facestream.models.ModelStore;
import io.facestream.schemas.AvroSerde;
import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;
import io.facestream.schemas.Values;

/**
 * A replay of the frames topic: the camera frames captured in a time range go through detection, embedding, matching
 * against the gallery as it is now and tracking, all in this process, and become a {@link TimelineReport}.
 *
 * <p>How live traffic is kept apart, by construction rather than by care: frames are read by a consumer without a group
 * ({@link TopicRange}), so no live group's offsets or membership change; the stages run here, not in the services, so
 * the services see no extra record; nothing is produced to any topic, so no live answer or event is added; and people
 * are read through read-only connections ({@link PeopleAccess}), so a replay cannot enrol, rename or erase. Its only
 * output is the report it returns (and writes, when given a directory).
 *
 * <p>Only camera frames asking for recognition are replayed: uploads to the REST API (one-off requests, enrolment
 * photos) and WebSocket sessions are not footage of a place.
 */
public final class FrameReplay {

    private static final AvroSerde<Frame> FRAMES = AvroSerde.of(Frame.class);

    private final ReplayEnvironment environment;

    public FrameReplay(ReplayEnvironment environment) {
        this.environment = environment;
    }

    /**
     * The checks that need no scan of the frames, for callers that answer before the replay runs (the REST job): the
     * people asked for are enrolled, the frames topic exists and the range has not expired. Throws {@link ReplayException}.
     */
    public void check(ReplayRequest request) {
        try (PeopleAccess people = new PeopleAccess(environment.matcher())) {
            checkPeople(people, request);
        }
        TopicRange.plan(environment.bootstrapServers(), Topics.FRAMES.name(), request.from(), request.to());
    }

    static void checkPeople(PeopleAccess people, ReplayRequest request) {
        for (long id : request.people()) {
            if (people.name(id) == null) {
                throw new ReplayException(ReplayException.Reason.UNKNOWN_PERSON, "person " + id + " is not enrolled (never was, or was erased)");
            }
        }
    }

    /**
     * Runs the replay; with {@code out}, writes the report there (atomically). Bad input and data that cannot be
     * replayed are refused with a {@link ReplayException} before any model is loaded.
     */
    public TimelineReport run(ReplayRequest request, Path out, ReplayProgress.Listener listener, BooleanSupplier cancelled) {
        BooleanSupplier stop = () -> cancelled.getAsBoolean() || Thread.currentThread().isInterrupted();
        if (out != null) {
            ReportWriter.checkWritable(out);
        }
        try (PeopleAccess people = new PeopleAccess(environment.matcher())) {
            checkPeople(people, request);
            TopicRange range = TopicRange.plan(environment.bootstrapServers(), Topics.FRAMES.name(), request.from(), request.to());
            Map<String, Long> counts = count(range, request, listener, stop);
            long total = counts.values().stream().mapToLong(Long::longValue).sum();

            ModelStore models = environment.models().get();
            Detector chosen = environment.detector().detector();
            Recognizer recognizer = Recognizer.byModelName(environment.embedder().recognizer());
            FaceDetector detector = chosen.create(models, chosen.defaultSettings().withScoreThreshold(environment.detector().scoreThreshold()));
            FaceEmbedder embedder;
            try {
                embedder = OnnxFaceEmbedder.create(recognizer, models, environment.embedder().flip());
            } catch (RuntimeException e) {
                close(detector);
                throw e;
            }
            Gallery gallery = people.gallery(embedder.model());
            for (long id : request.people()) {
                // compare() answers for anyone with a face in this gallery, whatever the probe.
                if (gallery.compare(id, new float[embedder.dimension()]) == null) {
                    close(detector);
                    close(embedder);
                    throw new ReplayException(ReplayException.Reason.UNKNOWN_PERSON, "person " + id + " has no face enrolled for recognizer "
                            + embedder.model() + ", so cannot be searched for");
                }
            }
            TimelineBuilder builder = new TimelineBuilder();
            try (ReplayStages stages = new ReplayStages(detector, chosen.enrolmentRules(), embedder, people.lookup(gallery))) {
                replay(range, request, stages, new FaceTracking(FaceTracking.replaySettings()), builder, total, listener, stop);
            } catch (ReplayException | IllegalStateException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("replay failed: " + e.getMessage(), e);
            }
            listener.progress(new ReplayProgress("writing", total, total, 0, Duration.ZERO));
            // Names and erasures as they are now, after the frames: someone erased during the replay is left out too.
            TimelineReport report = builder.build("frames", request, Instant.now(), embedder.model(), people::name);
            if (out != null) {
                if (stop.getAsBoolean()) {
                    throw new ReplayException(ReplayException.Reason.CANCELLED, "replay cancelled");
                }
                ReportWriter.write(report, out);
            }
            listener.progress(new ReplayProgress("done", total, total, 0, Duration.ZERO));
            return report;
        }
    }

    /**
     * The frames the replay will process, per camera: read once without models (a 640×360 frame is about 13 KB, read
     * in microseconds against tens of milliseconds of inference), so unknown cameras are refused before the models
     * load and the progress line has a true total.
     */
    private static Map<String, Long> count(TopicRange range, ReplayRequest request, ReplayProgress.Listener listener, BooleanSupplier stop) {
        Map<String, Long> all = new TreeMap<>();
        long[] seen = {0};
        long records = range.records();
        range.read(record -> {
            FrameHeader header = header(record);
            if (header != null) {
                all.merge(header.getSourceId(), 1L, Long::sum);
            }
            if (++seen[0] % 500 == 0) {
                listener.progress(new ReplayProgress("counting", seen[0], records, 0, null));
            }
        }, stop);
        List<String> unknown = new ArrayList<>();
        for (String camera : request.cameras()) {
            if (!all.containsKey(camera)) {
                unknown.add(camera);
            }
        }
        String known = all.isEmpty() ? "no camera has frames in the range" : "cameras with frames in the range: " + String.join(", ", all.keySet());
        if (!unknown.isEmpty()) {
            throw new ReplayException(ReplayException.Reason.UNKNOWN_CAMERA, "no frames of camera " + String.join(", ", unknown)
                    + " between " + request.from() + " and " + request.to() + "; " + known);
        }
        if (all.isEmpty()) {
            throw new ReplayException(ReplayException.Reason.NO_FRAMES, "no camera frames between " + request.from() + " and " + request.to());
        }
        Map<String, Long> wanted = new TreeMap<>(all);
        wanted.keySet().removeIf(camera -> !request.wantsCamera(camera));
        return wanted;
    }

    /** The header of a camera's recognition frame; null for anything else (requests, sessions, unreadable records). */
    private static FrameHeader header(TopicRange.Record record) {
        Frame frame = decode(record);
        if (frame == null) {
            return null;
        }
        FrameHeader header = frame.getHeader();
        return header.getSourceKind() == SourceKind.CAMERA && header.getOperation() == Operation.RECOGNIZE ? header : null;
    }

    private static Frame decode(TopicRange.Record record) {
        try {
            return FRAMES.decode(record.value());
        } catch (RuntimeException unreadable) {
            return null; // dead-lettered by the live detector; nothing to replay
        }
    }

    private static void replay(TopicRange range, ReplayRequest request, ReplayStages stages, FaceTracking tracker, TimelineBuilder builder,
                               long total, ReplayProgress.Listener listener, BooleanSupplier stop) {
        long start = System.nanoTime();
        long[] done = {0};
        long[] lastReport = {0};
        listener.progress(new ReplayProgress("replaying", 0, total, 0, null));
        range.read(record -> {
            Frame frame = decode(record);
            if (frame == null) {
                return;
            }
            FrameHeader header = frame.getHeader();
            if (header.getSourceKind() != SourceKind.CAMERA || header.getOperation() != Operation.RECOGNIZE || !request.wantsCamera(header.getSourceId())) {
                return;
            }
            ReplayStages.Analysis analysis = stages.analyze(frame);
            // An undecodable frame has an error and no faces: counted for its camera, nothing to track.
            FaceTracking.Tracked tracked = tracker.track(analysis.result(),
                    analysis.embeddings().stream().map(face -> Values.floats(face.getVector())).toList());
            try (FaceCrops crops = new FaceCrops(frame.getImage() == null ? null : Values.bytes(frame.getImage()))) {
                builder.add(tracked.result(), record.partition(), record.offset(), analysis.embeddings(), crops);
            }
            tracked.events().forEach(builder::event);
            done[0]++;
            long now = System.nanoTime();
            if (now - lastReport[0] > 1_000_000_000L || done[0] == total) {
                lastReport[0] = now;
                double seconds = (now - start) / 1e9;
                double rate = seconds > 0 ? done[0] / seconds : 0;
                Duration left = rate > 0 ? Duration.ofSeconds((long) ((total - done[0]) / rate)) : null;
                listener.progress(new ReplayProgress("replaying", done[0], total, rate, left));
            }
        }, stop);
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing after a failure: the failure is what matters
        }
    }
}
