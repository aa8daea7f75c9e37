package io.facestream.replay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.facestream.schemas.Box;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.TrackIdentity;

/**
 * The replay's own stand-in tracker, used where no live tracker is on the classpath: a face continues the open track
 * of its source whose last box overlaps it most (intersection over union at least {@link #MIN_IOU}), if that track was
 * seen within {@link #MAX_GAP_MS} and the face is not named as someone other than the track; otherwise it starts a track. A track is named by a vote: the person its faces named
 * most often (ties to the higher summed similarity, then the lower id). Track ids count per source
 * ({@code camera#1}, {@code camera#2}, ...), so a replay of the same frames gives the same ids.
 *
 * <p>0.3 and 2 s: at 5 frames/s a walking face moves a fraction of its width between frames (the dev clip's faces
 * overlap 0.6-0.9 from frame to frame), and a face lost for two seconds (turned away, occluded) is more often back
 * than replaced by someone else in the same place.
 */
public final class SimpleTracker implements FaceTracking {

    static final double MIN_IOU = 0.3;
    static final long MAX_GAP_MS = 2000;

    private static final class Track {
        final String id;
        Box box;
        long lastSeen;
        int faces;
        final Map<Long, int[]> counts = new TreeMap<>();
        final Map<Long, float[]> sums = new HashMap<>();
        final Map<Long, PersonMatch> persons = new HashMap<>();

        Track(String id) {
            this.id = id;
        }

        TrackIdentity identity() {
            PersonMatch chosen = null;
            int bestCount = 0;
            float bestSum = 0;
            for (Map.Entry<Long, int[]> entry : counts.entrySet()) {
                int count = entry.getValue()[0];
                float sum = sums.get(entry.getKey())[0];
                if (count > bestCount || (count == bestCount && sum > bestSum)) {
                    chosen = persons.get(entry.getKey());
                    bestCount = count;
                    bestSum = sum;
                }
            }
            return TrackIdentity.newBuilder().setTrackId(id).setPerson(chosen).setFacesSeen(faces).build();
        }
    }

    private final Map<String, List<Track>> open = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();

    @Override
    public MatchResult track(MatchResult result) {
        if (result.getFaces().isEmpty()) {
            return result;
        }
        String source = result.getHeader().getSourceId();
        long time = result.getHeader().getCaptureTime().toEpochMilli();
        List<Track> tracks = open.computeIfAbsent(source, key -> new ArrayList<>());
        tracks.removeIf(track -> time - track.lastSeen > MAX_GAP_MS);

        // Greedy by overlap: the best-overlapping pair first, each track and face used once.
        record Pair(int face, Track track, double iou) {
        }
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < result.getFaces().size(); i++) {
            Box box = result.getFaces().get(i).getFace().getBox();
            PersonMatch named = result.getFaces().get(i).getPerson();
            for (Track track : tracks) {
                double iou = iou(box, track.box);
                // A face named as someone else does not continue a named track: two people passing the same spot.
                PersonMatch trackPerson = track.identity().getPerson();
                boolean contradicts = named != null && trackPerson != null && trackPerson.getPersonId() != named.getPersonId();
                if (iou >= MIN_IOU && !contradicts) {
                    pairs.add(new Pair(i, track, iou));
                }
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::iou).reversed().thenComparingInt(Pair::face));
        Track[] assigned = new Track[result.getFaces().size()];
        List<Track> taken = new ArrayList<>();
        for (Pair pair : pairs) {
            if (assigned[pair.face()] == null && !taken.contains(pair.track())) {
                assigned[pair.face()] = pair.track();
                taken.add(pair.track());
            }
        }
        List<FaceMatch> faces = new ArrayList<>(result.getFaces().size());
        for (int i = 0; i < result.getFaces().size(); i++) {
            FaceMatch face = result.getFaces().get(i);
            Track track = assigned[i];
            if (track == null) {
                int n = counters.merge(source, 1, Integer::sum);
                track = new Track(source + "#" + n);
                tracks.add(track);
            }
            track.box = face.getFace().getBox();
            track.lastSeen = time;
            track.faces++;
            PersonMatch person = face.getPerson();
            if (person != null) {
                track.counts.computeIfAbsent(person.getPersonId(), key -> new int[1])[0]++;
                track.sums.computeIfAbsent(person.getPersonId(), key -> new float[1])[0] += person.getSimilarity();
                track.persons.put(person.getPersonId(), person);
            }
            faces.add(FaceMatch.newBuilder(face).setTrack(track.identity()).build());
        }
        return MatchResult.newBuilder(result).setFaces(faces).build();
    }

    static double iou(Box a, Box b) {
        double x1 = Math.max(a.getX(), b.getX());
        double y1 = Math.max(a.getY(), b.getY());
        double x2 = Math.min(a.getX() + a.getWidth(), b.getX() + b.getWidth());
        double y2 = Math.min(a.getY() + a.getHeight(), b.getY() + b.getHeight());
        double inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        double union = a.getWidth() * a.getHeight() + b.getWidth() * b.getHeight() - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
