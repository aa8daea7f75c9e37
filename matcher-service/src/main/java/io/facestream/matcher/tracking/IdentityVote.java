package io.facestream.matcher.tracking;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.facestream.schemas.DetectedFace;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.FaceQuality;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.TrackPersonBest;
import io.facestream.schemas.TrackState;
import io.facestream.schemas.TrackVote;

/**
 * Names a track by a vote over its recent faces, after Frigate's face sub-labels: each face that the recognizer named
 * votes for that person with weight similarity × face quality; unknown faces vote for nobody but still count as
 * attempts; a name needs {@code minFaces} agreeing faces and no other person with as many (a tie gives no name). Added
 * here: a minimum share of the recent attempts, so one person's rare false matches among many unknown faces do not
 * name a track, and hysteresis, so a named track is renamed only when another person's weight is {@code renameMargin}
 * times its own.
 */
final class IdentityVote {

    /**
     * Faces with this many pixels between the eyes count fully; smaller ones proportionally less (Frigate caps its
     * weight at a 4000 px² face, about 25 px between the eyes). 28 px is where LFW faces, which match well, begin
     * (face-core FaceQuality).
     */
    static final float FULL_WEIGHT_EYE_DISTANCE = 28f;

    /** YuNet's eyes are about 0.4 of its box width apart: the estimate when a face came without a quality. */
    private static final float EYES_PER_BOX_WIDTH = 0.4f;

    private IdentityVote() {
    }

    /** How much a face counts: its size (capped) and half as much when it fails a quality rule (blurred, turned, uncertain). */
    static float quality(DetectedFace face) {
        FaceQuality q = face.getQuality();
        float eyes = q != null ? q.getInterEyeDistance() : face.getBox().getWidth() * EYES_PER_BOX_WIDTH;
        float size = Math.max(0.05f, Math.min(1f, eyes / FULL_WEIGHT_EYE_DISTANCE));
        return q != null && !q.getIssues().isEmpty() ? size / 2 : size;
    }

    /** For keeping the track's best face (for snapshots): larger and passing the quality rules is better; not capped. */
    static float snapshotQuality(DetectedFace face) {
        FaceQuality q = face.getQuality();
        float eyes = q != null ? q.getInterEyeDistance() : face.getBox().getWidth() * EYES_PER_BOX_WIDTH;
        return q != null && !q.getIssues().isEmpty() ? eyes / 2 : eyes;
    }

    static TrackVote vote(FaceMatch face) {
        PersonMatch person = face.getPerson();
        return new TrackVote(person, person == null ? 0f : person.getSimilarity() * quality(face.getFace()));
    }

    /** The track's identity after its latest vote: null while undecided; a decided name sticks until another wins clearly. */
    record Decision(PersonMatch person, float confidence) {
    }

    static Decision decide(TrackState track, TrackerSettings settings) {
        Map<Long, Tally> tallies = new LinkedHashMap<>();
        float named = 0;
        List<TrackVote> votes = track.getVotes();
        for (TrackVote vote : votes) {
            if (vote.getPerson() != null) {
                tallies.computeIfAbsent(vote.getPerson().getPersonId(), id -> new Tally()).add(vote);
                named += vote.getWeight();
            }
        }
        Tally leader = null;
        for (Tally tally : tallies.values()) {
            if (leader == null || tally.weight > leader.weight) {
                leader = tally;
            }
        }
        PersonMatch current = track.getPerson();
        if (leader == null) {
            return new Decision(current, current == null ? 0 : track.getConfidence());
        }
        final Tally top = leader;
        boolean tie = tallies.values().stream().anyMatch(other -> other != top && other.count == top.count);
        boolean decisive = top.count >= settings.minFaces() && top.count >= settings.minShare() * votes.size() && !tie;
        if (current == null) {
            return decisive ? new Decision(identity(track, top), top.weight / named) : new Decision(null, 0);
        }
        Tally mine = tallies.get(current.getPersonId());
        float myWeight = mine == null ? 0 : mine.weight;
        if (top != mine && decisive && top.weight >= settings.renameMargin() * myWeight) {
            return new Decision(identity(track, top), top.weight / named);
        }
        // Keeps the name (also when its faces have left the vote), with the latest name the person was matched under.
        PersonMatch kept = mine == null ? current : identity(track, mine);
        // With no named face among the recent ones, the confidence stays what the last named faces gave it.
        return new Decision(kept, named == 0 ? track.getConfidence() : myWeight / named);
    }

    /** The person with the best similarity any face of the track reached to them. */
    private static PersonMatch identity(TrackState track, Tally tally) {
        PersonMatch latest = tally.latest;
        float best = latest.getSimilarity();
        for (TrackPersonBest pb : track.getPersonBest()) {
            if (pb.getPersonId() == latest.getPersonId()) {
                best = Math.max(best, pb.getSimilarity());
            }
        }
        return new PersonMatch(latest.getPersonId(), latest.getName(), best);
    }

    private static final class Tally {
        int count;
        float weight;
        PersonMatch latest;

        void add(TrackVote vote) {
            count++;
            weight += vote.getWeight();
            latest = vote.getPerson();
        }
    }
}
