package io.facestream.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

import io.facestream.schemas.Box;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.TrackIdentity;
import io.facestream.schemas.Values;

/**
 * Turns tracked answers, frame by frame, into a {@link TimelineReport}. A track's identity is the one its tracker gave
 * its last face (the final vote); a track nobody was named in is an unknown track. Crops are cut only when a face is
 * the best so far of its track, so a long replay decodes few extra images.
 */
public final class TimelineBuilder {

    /**
     * Tracks of one person on one camera closer than this make one appearance: a face turned away or hidden for a few
     * seconds is the same visit, while someone who leaves and comes back a minute later gets a second line.
     */
    public static final long MERGE_GAP_MS = 5000;

    /** Faces kept per unknown track for clustering: enough to choose good ones, few enough to keep a day's replay in memory. */
    static final int UNKNOWN_SAMPLES = 3;

    /** Cuts a face out of the frame being added; null when the frame has no pixels. */
    public interface Crops {
        byte[] crop(Box box);
    }

    private static final class Best {
        float similarity;
        Instant time;
        byte[] crop;
    }

    private static final class TrackState {
        final String camera;
        final String trackId;
        Instant first;
        Instant last;
        int frames;
        float bestSimilarity = -2f;
        TrackIdentity identity;
        final Map<Long, Best> bestByPerson = new HashMap<>();
        final List<TimelineReport.UnknownFace> samples = new ArrayList<>();
        String model;
        float[] sum;

        TrackState(String camera, String trackId) {
            this.camera = camera;
            this.trackId = trackId;
        }
    }

    private static final class CameraState {
        long frames;
        long framesWithFaces;
        long faces;
        Instant first;
        Instant last;
    }

    private final Map<String, TrackState> tracks = new LinkedHashMap<>();
    private final Map<String, CameraState> cameras = new TreeMap<>();
    private final List<TimelineReport.Event> events = new ArrayList<>();

    /**
     * @param embeddings the frame's vectors in face order, or null (a report from results)
     * @param crops      cuts faces out of this frame, or null
     */
    public void add(MatchResult tracked, int partition, long offset, List<FaceEmbedding> embeddings, Crops crops) {
        String camera = tracked.getHeader().getSourceId();
        Instant time = tracked.getHeader().getCaptureTime();
        CameraState summary = cameras.computeIfAbsent(camera, key -> new CameraState());
        summary.frames++;
        summary.first = summary.first == null || time.isBefore(summary.first) ? time : summary.first;
        summary.last = summary.last == null || time.isAfter(summary.last) ? time : summary.last;
        if (!tracked.getFaces().isEmpty()) {
            summary.framesWithFaces++;
            summary.faces += tracked.getFaces().size();
        }
        for (int i = 0; i < tracked.getFaces().size(); i++) {
            FaceMatch face = tracked.getFaces().get(i);
            if (face.getTrack() == null) {
                continue; // the tracker linked it nowhere (a late frame's face overlapping no track): counted for the camera only
            }
            TrackState track = tracks.computeIfAbsent(camera + "\u0000" + face.getTrack().getTrackId(),
                    key -> new TrackState(camera, face.getTrack().getTrackId()));
            track.first = track.first == null ? time : track.first;
            track.last = time;
            track.frames++;
            track.identity = face.getTrack();
            track.bestSimilarity = Math.max(track.bestSimilarity, face.getBestSimilarity());
            PersonMatch person = face.getPerson();
            if (person != null) {
                Best best = track.bestByPerson.computeIfAbsent(person.getPersonId(), key -> new Best());
                if (best.time == null || person.getSimilarity() > best.similarity) {
                    best.similarity = person.getSimilarity();
                    best.time = time;
                    best.crop = crops == null ? null : crops.crop(face.getFace().getBox());
                }
            }
            FaceEmbedding embedding = embeddings == null ? null : embeddings.get(i);
            if (embedding != null) {
                float[] vector = Values.floats(embedding.getVector());
                if (track.sum == null) {
                    track.model = embedding.getModel();
                    track.sum = new float[vector.length];
                }
                for (int d = 0; d < vector.length; d++) {
                    track.sum[d] += vector[d];
                }
            }
            keepSample(track, face, time, partition, offset, embedding, crops);
        }
    }

    /** The few best faces of a track by detector score, kept until the track's identity is known. */
    private static void keepSample(TrackState track, FaceMatch face, Instant time, int partition, long offset, FaceEmbedding embedding, Crops crops) {
        float score = face.getFace().getScore();
        if (track.samples.size() >= UNKNOWN_SAMPLES && track.samples.get(track.samples.size() - 1).score() >= score) {
            return;
        }
        track.samples.add(new TimelineReport.UnknownFace(time, partition, offset, face.getFace().getBox(), score,
                embedding == null ? null : embedding.getModel(), embedding == null ? null : Values.floats(embedding.getVector()),
                crops == null ? null : crops.crop(face.getFace().getBox())));
        track.samples.sort(Comparator.comparingDouble(TimelineReport.UnknownFace::score).reversed()
                .thenComparing(TimelineReport.UnknownFace::time));
        if (track.samples.size() > UNKNOWN_SAMPLES) {
            track.samples.remove(track.samples.size() - 1);
        }
    }

    public void event(TimelineReport.Event event) {
        events.add(event);
    }

    /** An event of the tracker that ran in this replay, or one read from facestream.events. */
    public void event(io.facestream.schemas.TrackEvent event) {
        events.add(new TimelineReport.Event(event.getTime(), event.getSourceId(), event.getTrackId(), event.getKind().name(),
                event.getPerson() == null ? null : event.getPerson().getPersonId(), null, event.getConfidence()));
    }

    /**
     * The report. {@code names} gives each person's current name, or null for someone no longer enrolled (erased
     * since): they are left out entirely, crops included.
     */
    public TimelineReport build(String source, ReplayRequest request, Instant generatedAt, String model, LongFunction<String> names) {
        Map<Long, String> current = new TreeMap<>();
        Map<Long, List<TimelineReport.Appearance>> segments = new TreeMap<>();
        List<TimelineReport.UnknownTrack> unknown = new ArrayList<>();
        for (TrackState track : tracks.values()) {
            PersonMatch person = track.identity == null ? null : track.identity.getPerson();
            if (person == null) {
                unknown.add(new TimelineReport.UnknownTrack(track.camera, track.trackId, track.first, track.last, track.frames,
                        Math.max(0f, track.bestSimilarity), track.model, track.sum == null ? null : unit(track.sum), List.copyOf(track.samples)));
                continue;
            }
            long id = person.getPersonId();
            if (!request.wantsPerson(id)) {
                continue;
            }
            String name = current.containsKey(id) ? current.get(id) : names.apply(id);
            current.put(id, name);
            if (name == null) {
                continue; // erased since: nothing of them in the report
            }
            Best best = track.bestByPerson.get(id);
            segments.computeIfAbsent(id, key -> new ArrayList<>()).add(new TimelineReport.Appearance(track.camera, track.first, track.last,
                    track.last.toEpochMilli() - track.first.toEpochMilli(), best == null ? person.getSimilarity() : best.similarity,
                    track.frames, List.of(track.trackId), best == null ? null : best.time, best == null ? null : best.crop));
        }
        List<TimelineReport.PersonTimeline> people = new ArrayList<>();
        segments.forEach((id, list) -> people.add(new TimelineReport.PersonTimeline(id, current.get(id), merge(list))));
        unknown.sort(Comparator.comparing(TimelineReport.UnknownTrack::camera).thenComparing(TimelineReport.UnknownTrack::firstSeen)
                .thenComparing(TimelineReport.UnknownTrack::trackId));
        List<TimelineReport.CameraSummary> summaries = new ArrayList<>();
        cameras.forEach((camera, s) -> summaries.add(new TimelineReport.CameraSummary(camera, s.frames, s.framesWithFaces, s.faces, s.first, s.last)));
        List<TimelineReport.Event> kept = new ArrayList<>();
        for (TimelineReport.Event event : events) {
            if (event.personId() == null) {
                kept.add(event);
            } else if (request.wantsPerson(event.personId())) {
                String name = current.computeIfAbsent(event.personId(), names::apply);
                if (name != null) {
                    kept.add(new TimelineReport.Event(event.time(), event.camera(), event.trackId(), event.kind(), event.personId(), name,
                            event.confidence()));
                }
            }
        }
        if (!request.people().isEmpty()) {
            kept.removeIf(event -> event.personId() == null);
        }
        kept.sort(Comparator.comparing(TimelineReport.Event::time).thenComparing(TimelineReport.Event::camera)
                .thenComparing(TimelineReport.Event::trackId).thenComparing(TimelineReport.Event::kind));
        return new TimelineReport(source, request.from(), request.to(), generatedAt, model, List.copyOf(request.cameras()),
                List.copyOf(request.people()), summaries, people, request.people().isEmpty() ? unknown : List.of(), kept);
    }

    /** The mean direction: unit vectors summed, then scaled back to unit length. */
    static float[] unit(float[] sum) {
        double norm = 0;
        for (float x : sum) {
            norm += x * x;
        }
        float[] out = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            out[i] = norm == 0 ? 0 : (float) (sum[i] / Math.sqrt(norm));
        }
        return out;
    }

    /** Same camera, less than {@link #MERGE_GAP_MS} apart: one appearance, with the better crop. */
    static List<TimelineReport.Appearance> merge(List<TimelineReport.Appearance> segments) {
        List<TimelineReport.Appearance> sorted = new ArrayList<>(segments);
        sorted.sort(Comparator.comparing(TimelineReport.Appearance::camera).thenComparing(TimelineReport.Appearance::firstSeen)
                .thenComparing(TimelineReport.Appearance::lastSeen));
        List<TimelineReport.Appearance> out = new ArrayList<>();
        for (TimelineReport.Appearance next : sorted) {
            TimelineReport.Appearance last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.camera().equals(next.camera())
                    && next.firstSeen().toEpochMilli() - last.lastSeen().toEpochMilli() <= MERGE_GAP_MS) {
                Instant end = next.lastSeen().isAfter(last.lastSeen()) ? next.lastSeen() : last.lastSeen();
                boolean nextBetter = next.bestSimilarity() > last.bestSimilarity();
                List<String> trackIds = new ArrayList<>(last.tracks());
                trackIds.addAll(next.tracks());
                out.set(out.size() - 1, new TimelineReport.Appearance(last.camera(), last.firstSeen(), end,
                        end.toEpochMilli() - last.firstSeen().toEpochMilli(), Math.max(last.bestSimilarity(), next.bestSimilarity()),
                        last.frames() + next.frames(), List.copyOf(trackIds), nextBetter ? next.bestTime() : last.bestTime(),
                        nextBetter ? next.crop() : last.crop()));
            } else {
                out.add(next);
            }
        }
        return out;
    }
}
