package io.facestream.matcher.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.facestream.face.Vectors;
import io.facestream.schemas.Box;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operation;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.SourceTrackState;
import io.facestream.schemas.TrackEvent;
import io.facestream.schemas.TrackEventKind;
import io.facestream.schemas.TrackIdentity;
import io.facestream.schemas.TrackPersonBest;
import io.facestream.schemas.TrackState;
import io.facestream.schemas.TrackVote;
import io.facestream.schemas.Values;

/**
 * Links one source's faces across its frames into tracks, names each track by a vote over its faces
 * ({@link IdentityVote}) and says what happened to them ({@link TrackEvent}s). Free of Kafka: the matcher runs it in a
 * Streams processor with the state in a changelogged store, the replay job with the state in memory. The caller passes a
 * source's frames in the order they arrived, with the state this returned for the previous one; it changes the state in
 * place.
 *
 * <p>Order is the frames' {@code sequence}. A frame older than the newest one linked (late) or the same again
 * (duplicate — a producer's retry, or frames processed again after a crash) is answered with the tracks its faces
 * overlap but moves no track. A sequence that starts over while capture time goes on, or a capture time far behind
 * the newest ({@code clockJumpMs}), means the camera restarted: its tracks end and new ones start.
 */
public final class Tracker {

    /** Share of a new face in the track's running-mean embedding: follows a turning head within a few frames. */
    static final float EMBEDDING_UPDATE = 0.2f;
    /** Share of the latest move in the track's velocity (the rest is the earlier estimate): smooths detector jitter. */
    static final float VELOCITY_UPDATE = 0.5f;

    private final TrackerSettings settings;

    public Tracker(TrackerSettings settings) {
        this.settings = settings;
    }

    public TrackerSettings settings() {
        return settings;
    }

    /**
     * The answer with each face's track (the record passed in, its faces replaced: no deep copy, which Avro would refuse
     * for classes not yet trusted), the events the frame caused, and the source's state (null: nothing tracked).
     */
    public record Step(MatchResult result, List<TrackEvent> events, SourceTrackState state) {
    }

    /** Camera and WebSocket recognitions are tracked; requests (one photo each), other operations and errors are not. */
    public static boolean tracks(MatchResult result) {
        FrameHeader h = result.getHeader();
        return result.getError() == null && h.getOperation() == Operation.RECOGNIZE
                && (h.getSourceKind() == SourceKind.CAMERA || h.getSourceKind() == SourceKind.WEBSOCKET);
    }

    enum Order { NEXT, LATE, RESTART }

    /**
     * @param state      the source's state from the previous frame, or null for a source not seen (or forgotten)
     * @param embeddings the faces' embeddings, in the order of the result's faces (empty: link by place only)
     * @param wallClock  now, in epoch milliseconds, for ending the tracks of a source that stops sending ({@link #expire})
     */
    public Step track(SourceTrackState state, MatchResult result, List<float[]> embeddings, long wallClock) {
        if (!tracks(result)) {
            return new Step(result, List.of(), state);
        }
        FrameHeader header = result.getHeader();
        List<TrackEvent> events = new ArrayList<>();
        state = state == null ? fresh(header, 0) : mutable(state);
        Order order = order(state, header);
        if (order == Order.LATE) {
            return new Step(annotateOnly(state, result, embeddings), List.of(), state);
        }
        if (order == Order.RESTART) {
            endAll(state, events);
            long next = state.getNextTrack();
            state = fresh(header, next);
        }
        // A capture time a little behind the newest (a clock adjusted by NTP) must not move tracks back in time.
        long now = Math.max(header.getCaptureTime().toEpochMilli(), state.getLastCaptureTime().toEpochMilli());
        endTimedOut(state, now, events);

        List<FaceMatch> faces = result.getFaces();
        List<Association.Face> probes = probes(faces, embeddings);
        int[] links = Association.assign(state.getTracks(), probes, now, result.getThreshold());
        List<TrackState> linked = new ArrayList<>(state.getTracks());
        List<FaceMatch> answered = new ArrayList<>(faces.size());
        for (int f = 0; f < faces.size(); f++) {
            FaceMatch face = faces.get(f);
            TrackState track;
            if (links[f] >= 0) {
                track = linked.get(links[f]);
                extend(track, face, probes.get(f).embedding(), header, now);
            } else {
                track = start(state, face, probes.get(f).embedding(), header, now);
                state.getTracks().add(track);
                events.add(event(state, track, TrackEventKind.STARTED, now).build());
            }
            PersonMatch before = track.getPerson();
            IdentityVote.Decision decision = IdentityVote.decide(track, settings);
            track.setPerson(decision.person());
            track.setConfidence(decision.confidence());
            if (decision.person() != null && (before == null || before.getPersonId() != decision.person().getPersonId())) {
                TrackEvent.Builder e = event(state, track, before == null ? TrackEventKind.IDENTIFIED : TrackEventKind.IDENTITY_CHANGED, now);
                events.add(e.setPreviousPerson(before).build());
            }
            answered.add(new FaceMatch(face.getFace(), face.getPerson(), face.getBestSimilarity(), identity(track)));
        }
        state.setLastSequence(header.getSequence());
        state.setLastCaptureTime(Instant.ofEpochMilli(now));
        state.setLastWallClock(wallClock);
        result.setFaces(answered);
        return new Step(result, events, state);
    }

    /**
     * Ends every track of a source that has sent nothing for {@code idleMs} by the wall clock (a camera that stopped, a
     * closed WebSocket): the capture-time timeout only runs when frames come. Returns the ENDED events.
     */
    public List<TrackEvent> expire(SourceTrackState state, long wallClock) {
        if (state.getTracks().isEmpty() || wallClock - state.getLastWallClock() <= settings.idleMs()) {
            return List.of();
        }
        mutable(state);
        List<TrackEvent> events = new ArrayList<>();
        endAll(state, events);
        return events;
    }

    /**
     * The state with plain lists: one read from a store comes with Avro's arrays, whose iterators cannot remove. Small:
     * a source holds a handful of tracks.
     */
    static SourceTrackState mutable(SourceTrackState state) {
        List<TrackState> tracks = new ArrayList<>(state.getTracks().size());
        for (TrackState t : state.getTracks()) {
            t.setVotes(new ArrayList<>(t.getVotes()));
            t.setPersonBest(new ArrayList<>(t.getPersonBest()));
            tracks.add(t);
        }
        state.setTracks(tracks);
        return state;
    }

    Order order(SourceTrackState state, FrameHeader header) {
        if (state.getLastSequence() < 0) {
            return Order.NEXT;
        }
        long sequence = header.getSequence(), last = state.getLastSequence();
        long time = header.getCaptureTime().toEpochMilli(), lastTime = state.getLastCaptureTime().toEpochMilli();
        boolean farBehind = lastTime - time > settings.clockJumpMs();
        if (sequence > last) {
            return farBehind ? Order.RESTART : Order.NEXT;
        }
        if (sequence == last && time == lastTime) {
            return Order.LATE;   // the same frame again
        }
        // Sequence went back: a late frame keeps its old capture time; a restarted camera counts from 0 at a later time.
        return time > lastTime || farBehind ? Order.RESTART : Order.LATE;
    }

    private SourceTrackState fresh(FrameHeader header, long nextTrack) {
        return SourceTrackState.newBuilder()
                .setSourceId(header.getSourceId())
                .setSourceKind(header.getSourceKind())
                .setLastSequence(-1)
                .setLastCaptureTime(header.getCaptureTime())
                .setEpoch(Long.toString(header.getCaptureTime().toEpochMilli(), 36))
                .setNextTrack(nextTrack)
                .setTracks(new ArrayList<>())
                .build();
    }

    private static List<Association.Face> probes(List<FaceMatch> faces, List<float[]> embeddings) {
        List<Association.Face> probes = new ArrayList<>(faces.size());
        for (int f = 0; f < faces.size(); f++) {
            float[] e = embeddings != null && f < embeddings.size() ? embeddings.get(f) : null;
            probes.add(new Association.Face(faces.get(f).getFace().getBox(), e));
        }
        return probes;
    }

    /** A late or repeated frame: each face gets the track it overlaps, if any, and no track changes. */
    private MatchResult annotateOnly(SourceTrackState state, MatchResult result, List<float[]> embeddings) {
        List<FaceMatch> faces = result.getFaces();
        List<Association.Face> probes = probes(faces, embeddings);
        long time = result.getHeader().getCaptureTime().toEpochMilli();
        // Only tracks that were alive when the frame was taken: a very late frame's faces may belong to ended ones.
        List<TrackState> alive = state.getTracks().stream()
                .filter(t -> t.getFirstSeen().toEpochMilli() - settings.timeoutMs() <= time).toList();
        int[] links = Association.assign(alive, probes, time, result.getThreshold());
        List<FaceMatch> answered = new ArrayList<>(faces.size());
        for (int f = 0; f < faces.size(); f++) {
            FaceMatch face = faces.get(f);
            answered.add(new FaceMatch(face.getFace(), face.getPerson(), face.getBestSimilarity(), links[f] < 0 ? null : identity(alive.get(links[f]))));
        }
        result.setFaces(answered);
        return result;
    }

    private TrackState start(SourceTrackState state, FaceMatch face, float[] embedding, FrameHeader header, long now) {
        long number = state.getNextTrack();
        state.setNextTrack(number + 1);
        TrackState track = TrackState.newBuilder()
                .setTrackId(state.getSourceId() + "/" + state.getEpoch() + "-" + number)
                .setFirstSeen(Instant.ofEpochMilli(now))
                .setLastSeen(Instant.ofEpochMilli(now))
                .setLastSequence(header.getSequence())
                .setBox(face.getFace().getBox())
                .setEmbedding(embedding == null ? new ArrayList<>() : new ArrayList<>(Values.floatList(Vectors.l2normalize(embedding.clone()))))
                .setVotes(new ArrayList<>())
                .setPersonBest(new ArrayList<>())
                .build();
        observe(track, face, header);
        return track;
    }

    private void extend(TrackState track, FaceMatch face, float[] embedding, FrameHeader header, long now) {
        Box box = face.getFace().getBox();
        float dt = (now - track.getLastSeen().toEpochMilli()) / 1000f;
        if (dt > 0) {
            float vx = (Boxes.centreX(box) - Boxes.centreX(track.getBox())) / dt;
            float vy = (Boxes.centreY(box) - Boxes.centreY(track.getBox())) / dt;
            boolean first = track.getFacesSeen() <= 1;
            track.setVelocityX(first ? vx : VELOCITY_UPDATE * vx + (1 - VELOCITY_UPDATE) * track.getVelocityX());
            track.setVelocityY(first ? vy : VELOCITY_UPDATE * vy + (1 - VELOCITY_UPDATE) * track.getVelocityY());
        }
        track.setBox(box);
        track.setLastSeen(Instant.ofEpochMilli(now));
        track.setLastSequence(header.getSequence());
        if (embedding != null) {
            List<Float> mean = track.getEmbedding();
            if (mean.size() != embedding.length) {
                track.setEmbedding(new ArrayList<>(Values.floatList(Vectors.l2normalize(embedding.clone()))));
            } else {
                float[] e = Vectors.l2normalize(embedding.clone());
                float[] m = new float[e.length];
                for (int i = 0; i < m.length; i++) {
                    m[i] = (1 - EMBEDDING_UPDATE) * mean.get(i) + EMBEDDING_UPDATE * e[i];
                }
                track.setEmbedding(new ArrayList<>(Values.floatList(Vectors.l2normalize(m))));
            }
        }
        observe(track, face, header);
    }

    /** What every face adds to its track: a count, a vote, best similarities and perhaps a better snapshot. */
    private void observe(TrackState track, FaceMatch face, FrameHeader header) {
        track.setFacesSeen(track.getFacesSeen() + 1);
        List<TrackVote> votes = track.getVotes();
        votes.add(IdentityVote.vote(face));
        while (votes.size() > settings.maxVotes()) {
            votes.remove(0);
        }
        track.setBestSimilarity(Math.max(track.getBestSimilarity(), face.getBestSimilarity()));
        PersonMatch person = face.getPerson();
        if (person != null) {
            TrackPersonBest best = track.getPersonBest().stream().filter(b -> b.getPersonId() == person.getPersonId()).findFirst().orElse(null);
            if (best == null) {
                track.getPersonBest().add(new TrackPersonBest(person.getPersonId(), person.getSimilarity()));
            } else {
                best.setSimilarity(Math.max(best.getSimilarity(), person.getSimilarity()));
            }
        }
        float quality = IdentityVote.snapshotQuality(face.getFace());
        if (track.getBestFaceFrameId() == null || quality > track.getBestQuality()) {
            track.setBestQuality(quality);
            track.setBestFaceFrameId(header.getId());
            track.setBestFaceBox(face.getFace().getBox());
            track.setBestFaceId(face.getFace().getFaceId());
        }
    }

    private void endTimedOut(SourceTrackState state, long now, List<TrackEvent> events) {
        for (Iterator<TrackState> it = state.getTracks().iterator(); it.hasNext(); ) {
            TrackState track = it.next();
            if (now - track.getLastSeen().toEpochMilli() > settings.timeoutMs()) {
                events.add(ended(state, track));
                it.remove();
            }
        }
    }

    private static void endAll(SourceTrackState state, List<TrackEvent> events) {
        for (TrackState track : state.getTracks()) {
            events.add(ended(state, track));
        }
        state.getTracks().clear();
    }

    private static TrackEvent ended(SourceTrackState state, TrackState track) {
        return event(state, track, TrackEventKind.ENDED, track.getLastSeen().toEpochMilli()).build();
    }

    private static TrackEvent.Builder event(SourceTrackState state, TrackState track, TrackEventKind kind, long time) {
        PersonMatch person = track.getPerson();
        return TrackEvent.newBuilder()
                .setSourceId(state.getSourceId())
                .setSourceKind(state.getSourceKind())
                .setTrackId(track.getTrackId())
                .setKind(kind)
                .setTime(Instant.ofEpochMilli(time))
                .setPerson(person)
                .setConfidence(track.getConfidence())
                .setFacesSeen(track.getFacesSeen())
                .setFirstSeen(track.getFirstSeen())
                .setLastSeen(track.getLastSeen())
                .setBestSimilarity(person != null ? person.getSimilarity() : track.getBestSimilarity())
                .setBestFaceFrameId(track.getBestFaceFrameId())
                .setBestFaceBox(track.getBestFaceBox())
                .setBestFaceId(track.getBestFaceId());
    }

    private static TrackIdentity identity(TrackState track) {
        return new TrackIdentity(track.getTrackId(), track.getPerson(), track.getFacesSeen());
    }
}
