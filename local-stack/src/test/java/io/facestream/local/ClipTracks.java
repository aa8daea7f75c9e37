package io.facestream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.facestream.schemas.Box;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.TrackEvent;
import io.facestream.schemas.TrackEventKind;

/**
 * The dev clip's answers, labelled by hand and scored per frame and per track. The clip has three shots (cuts found
 * with ffmpeg's scene filter at 1.50 s and 3.57 s, checked by eye): a wide shot with Lin-Manuel Miranda standing on the
 * right and Alex Lacamoire small at the piano on the left; a close-up of someone else in profile, panning to the
 * audience; a close-up of Lin-Manuel. So each face's true person follows from its time and place, and each shot in
 * which a man appears is one real appearance of him.
 */
final class ClipTracks {

    static final double FIRST_CUT = 1.5015;
    static final double SECOND_CUT = 3.5702;

    enum Who { LIN, ALEX, OTHER }

    record Seen(MatchResult frame, double time, FaceMatch face, Who who, int shot) {
        String trackId() {
            return face.getTrack() == null ? null : face.getTrack().getTrackId();
        }

        String trackName() {
            return face.getTrack() == null || face.getTrack().getPerson() == null ? null : face.getTrack().getPerson().getName();
        }
    }

    private final List<Seen> seen = new ArrayList<>();
    private final List<TrackEvent> events;
    private final long start;

    private final Map<String, List<float[]>> embeddings;

    /** @param embeddings each frame's face embeddings by frame id (from facestream.faces.embedded), in the answer's face order */
    ClipTracks(List<MatchResult> results, List<TrackEvent> events, Map<String, List<float[]>> embeddings, double fps) {
        this.events = events;
        this.embeddings = embeddings;
        List<MatchResult> ordered = results.stream().sorted(Comparator.comparingLong(r -> r.getHeader().getSequence())).toList();
        start = ordered.get(0).getHeader().getCaptureTime().toEpochMilli();
        for (MatchResult r : ordered) {
            double time = r.getHeader().getSequence() / fps;
            int shot = time < FIRST_CUT ? 1 : time < SECOND_CUT ? 2 : 3;
            FaceMatch largest = r.getFaces().stream().max(Comparator.comparingDouble(f -> f.getFace().getBox().getWidth())).orElse(null);
            for (FaceMatch face : r.getFaces()) {
                Box box = face.getFace().getBox();
                Who who = switch (shot) {
                    case 1 -> box.getX() + box.getWidth() / 2 > r.getImageWidth() / 2f ? Who.LIN : Who.ALEX;
                    case 3 -> face == largest ? Who.LIN : Who.OTHER;
                    default -> Who.OTHER;
                };
                seen.add(new Seen(r, time, face, who, shot));
            }
        }
    }

    int trackCount() {
        return (int) seen.stream().map(Seen::trackId).filter(Objects::nonNull).distinct().count();
    }

    /**
     * @param faces                 of this man, detected
     * @param namedPerFrame         named (anyone) by the per-frame answer
     * @param identitySwitches      within his tracks, how often the track's name changed from one person to another
     * @param appearances           shots he appears in
     * @param tracks                tracks his faces were put in (fragmentation: tracks per appearance)
     */
    record Summary(Who who, int faces, int namedPerFrame, Map<String, Integer> tracksNamed, int identitySwitches, int appearances, int tracks) {
        int facesInTracksNamed(String name) {
            return tracksNamed.getOrDefault(name, 0);
        }

        int facesInTracksNamedAnyone() {
            return tracksNamed.entrySet().stream().filter(e -> !e.getKey().equals("-")).mapToInt(Map.Entry::getValue).sum();
        }

        int facesInTracksNamedOther(String name) {
            return facesInTracksNamedAnyone() - facesInTracksNamed(name);
        }
    }

    Summary summary(Who who) {
        List<Seen> mine = seen.stream().filter(s -> s.who() == who).toList();
        Map<String, Integer> named = new LinkedHashMap<>();
        mine.forEach(s -> named.merge(s.trackName() == null ? "-" : s.trackName(), 1, Integer::sum));
        Set<String> tracks = new LinkedHashSet<>();
        mine.forEach(s -> tracks.add(s.trackId()));
        int switches = 0;
        for (String track : tracks) {
            String last = null;
            for (Seen s : seen) {
                if (track != null && track.equals(s.trackId()) && s.trackName() != null) {
                    if (last != null && !last.equals(s.trackName())) {
                        switches++;
                    }
                    last = s.trackName();
                }
            }
        }
        int appearances = (int) mine.stream().map(Seen::shot).distinct().count();
        return new Summary(who, mine.size(), (int) mine.stream().filter(s -> s.face().getPerson() != null).count(), named, switches,
                appearances, tracks.size());
    }

    /** Tracks holding faces of two different people (an id switch between them). */
    int mixedTracks() {
        Map<String, Set<Who>> whoByTrack = new LinkedHashMap<>();
        seen.forEach(s -> whoByTrack.computeIfAbsent(s.trackId(), k -> new LinkedHashSet<>()).add(s.who()));
        return (int) whoByTrack.values().stream().filter(w -> w.size() > 1).count();
    }

    /** Each track started and ended once, with the times its faces were seen; a track named {@code name} was identified as him. */
    void checkEvents(String name) {
        Map<String, List<Seen>> byTrack = new LinkedHashMap<>();
        seen.forEach(s -> byTrack.computeIfAbsent(s.trackId(), k -> new ArrayList<>()).add(s));
        assertThat(byTrack).doesNotContainKey(null);
        byTrack.forEach((track, faces) -> {
            List<TrackEvent> mine = events.stream().filter(e -> e.getTrackId().equals(track)).toList();
            assertThat(mine.stream().filter(e -> e.getKind() == TrackEventKind.STARTED)).as("started once: %s", track).hasSize(1);
            List<TrackEvent> ended = mine.stream().filter(e -> e.getKind() == TrackEventKind.ENDED).toList();
            assertThat(ended).as("ended once: %s", track).hasSize(1);
            long first = faces.get(0).frame().getHeader().getCaptureTime().toEpochMilli();
            long last = faces.get(faces.size() - 1).frame().getHeader().getCaptureTime().toEpochMilli();
            assertThat(ended.get(0).getFirstSeen().toEpochMilli()).isEqualTo(first);
            assertThat(ended.get(0).getLastSeen().toEpochMilli()).isEqualTo(last);
            assertThat(ended.get(0).getFacesSeen()).isEqualTo(faces.size());
            String trackName = faces.get(faces.size() - 1).trackName();
            if (name.equals(trackName)) {
                TrackEvent identified = mine.stream().filter(e -> e.getKind() == TrackEventKind.IDENTIFIED).findFirst().orElseThrow();
                assertThat(identified.getPerson().getName()).isEqualTo(name);
                assertThat(identified.getTime().toEpochMilli()).isBetween(first, last);
                assertThat(ended.get(0).getPerson().getName()).isEqualTo(name);
            }
        });
    }

    void print(PrintStream out, String camera) {
        out.printf(Locale.ROOT, "tracking %s: %d frames, %d faces, %d tracks; load %s%n", camera,
                seen.stream().map(Seen::frame).distinct().count(), seen.size(), trackCount(), PipelineLoad.uptime());
        out.println("   t(s) who    box x,w   per-frame (similarity)      track            track name");
        Map<String, String> shortIds = new LinkedHashMap<>();
        for (Seen s : seen) {
            String id = s.trackId() == null ? "-" : shortIds.computeIfAbsent(s.trackId(), k -> "T" + (shortIds.size() + 1));
            PersonMatch p = s.face().getPerson();
            out.printf(Locale.ROOT, "  %5.2f %-6s %4.0f,%-4.0f %-20s %.3f   %-4s %3d faces  %s%n", s.time(), s.who(),
                    s.face().getFace().getBox().getX(), s.face().getFace().getBox().getWidth(), p == null ? "unknown" : p.getName(),
                    s.face().getBestSimilarity(), id, s.face().getTrack() == null ? 0 : s.face().getTrack().getFacesSeen(),
                    s.trackName() == null ? "unknown" : s.trackName());
        }
        out.println("  events:");
        for (TrackEvent e : events) {
            out.printf(Locale.ROOT, "    %-16s %-4s at %5.2f s  %-20s conf %.2f faces %3d  seen %.2f-%.2f s  best %.3f%n", e.getKind(),
                    shortIds.getOrDefault(e.getTrackId(), e.getTrackId()), (e.getTime().toEpochMilli() - start) / 1000.0,
                    e.getPerson() == null ? "unknown" : e.getPerson().getName(), e.getConfidence(), e.getFacesSeen(),
                    (e.getFirstSeen().toEpochMilli() - start) / 1000.0, (e.getLastSeen().toEpochMilli() - start) / 1000.0, e.getBestSimilarity());
        }
        out.println("  who     faces  named per frame  faces by track name                 switches  appearances  tracks");
        for (Who who : Who.values()) {
            Summary s = summary(who);
            out.printf(Locale.ROOT, "  %-6s %6d %16d  %-36s %8d %12d %7d%n", who, s.faces(), s.namedPerFrame(), s.tracksNamed(),
                    s.identitySwitches(), s.appearances(), s.tracks());
        }
        out.printf(Locale.ROOT, "  tracks holding two people: %d%n", mixedTracks());
        double[] sim = frameToFrameSimilarity();
        float threshold = seen.isEmpty() ? 0 : seen.get(0).frame().getThreshold();
        out.printf(Locale.ROOT, "  face to the previous frame's faces (threshold %.3f): same man min %.3f median %.3f (%d pairs);"
                + " different people max %.3f (%d pairs)%n", threshold, sim[0], sim[1], (int) sim[3], sim[2], (int) sim[4]);
    }

    /**
     * Cosine similarity of each face to the faces of the frame before, split into the same man (Lin-Manuel or Alex in
     * consecutive frames) and two different people (anyone against someone else, across the shot cuts too): what the
     * tracker's appearance veto must tell apart. Returns {same min, same median, different max, count same, count different}.
     */
    double[] frameToFrameSimilarity() {
        List<Double> same = new ArrayList<>(), different = new ArrayList<>();
        List<MatchResult> frames = seen.stream().map(Seen::frame).distinct().toList();
        for (int n = 1; n < frames.size(); n++) {
            List<Seen> now = of(frames.get(n)), before = of(frames.get(n - 1));
            for (Seen a : now) {
                for (Seen b : before) {
                    float[] ea = embedding(a), eb = embedding(b);
                    if (ea == null || eb == null) {
                        continue;
                    }
                    double cos = io.facestream.face.Vectors.cosine(ea, eb);
                    if (a.who() == b.who() && a.who() != Who.OTHER) {
                        same.add(cos);
                    } else if (a.who() != b.who()) {
                        different.add(cos);
                    }
                }
            }
        }
        same.sort(null);
        different.sort(null);
        return new double[] {same.isEmpty() ? Double.NaN : same.get(0), same.isEmpty() ? Double.NaN : same.get(same.size() / 2),
                different.isEmpty() ? Double.NaN : different.get(different.size() - 1), same.size(), different.size()};
    }

    private List<Seen> of(MatchResult frame) {
        return seen.stream().filter(s -> s.frame() == frame).toList();
    }

    private float[] embedding(Seen s) {
        List<float[]> list = embeddings.get(s.frame().getHeader().getId());
        int index = s.frame().getFaces().indexOf(s.face());
        return list == null || index < 0 || index >= list.size() ? null : list.get(index);
    }

    /** The machine's load, printed with every measurement (2 shared cores). */
    static final class PipelineLoad {
        static String uptime() {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
            } catch (java.io.IOException e) {
                return "?";
            }
        }
    }
}
