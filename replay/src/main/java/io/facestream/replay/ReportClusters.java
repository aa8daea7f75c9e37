package io.facestream.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.facestream.face.EmbeddingModel;
import io.facestream.face.clusters.ClusterSettings;
import io.facestream.face.clusters.FaceCluster;
import io.facestream.face.clusters.FaceClusterer;
import io.facestream.face.clusters.FaceClusters;

/**
 * Groups a report's unknown tracks into strangers (docs/clustering.md, "For the replay"): one vector per track (its mean
 * direction), each recognizer's vectors apart with {@link ClusterSettings#forModel}, so {@code min faces} 3 means a
 * stranger seen in three separate tracks. Derived from the report alone and in its order (tracks sorted by camera, time,
 * id; recognizers by name), so the same report always gives the same clusters.
 */
public final class ReportClusters {

    /**
     * Sample crops per cluster: the best crop of each of its most typical tracks. Eight because enrolment from a
     * cluster sends them all (POST /api/replays/{id}/clusters/{n}/person) and more faces of one person add little.
     */
    public static final int SAMPLES = 8;

    /**
     * @param index   1-based, in report order (recognizers by name, then largest cluster first)
     * @param faces   frames with this stranger's face, over all its tracks
     * @param samples best crop of each of the most typical tracks, most typical first (empty for reports without crops)
     */
    public record Cluster(int index, String model, List<TimelineReport.UnknownTrack> tracks, long faces, List<String> cameras,
                          Instant firstSeen, Instant lastSeen, List<byte[]> samples) {
    }

    /** @param noiseTracks unknown tracks (with a vector) in no cluster */
    public record Result(List<Cluster> clusters, int noiseTracks) {
    }

    private ReportClusters() {
    }

    public static Result of(TimelineReport report) {
        Map<String, List<TimelineReport.UnknownTrack>> byModel = new TreeMap<>();
        for (TimelineReport.UnknownTrack track : report.unknownTracks()) {
            if (track.embedding() != null && track.model() != null) {
                byModel.computeIfAbsent(track.model(), m -> new ArrayList<>()).add(track);
            }
        }
        List<Cluster> clusters = new ArrayList<>();
        int noise = 0;
        for (Map.Entry<String, List<TimelineReport.UnknownTrack>> entry : byModel.entrySet()) {
            ClusterSettings settings = ClusterSettings.forModel(EmbeddingModel.parse(entry.getKey()));
            FaceClusters<TimelineReport.UnknownTrack> found = FaceClusterer.cluster(entry.getValue(), TimelineReport.UnknownTrack::embedding, settings);
            noise += found.noise().size();
            for (FaceCluster<TimelineReport.UnknownTrack> cluster : found.clusters()) {
                clusters.add(cluster(clusters.size() + 1, entry.getKey(), cluster));
            }
        }
        return new Result(List.copyOf(clusters), noise);
    }

    private static Cluster cluster(int index, String model, FaceCluster<TimelineReport.UnknownTrack> cluster) {
        List<TimelineReport.UnknownTrack> tracks = cluster.faces();
        long faces = tracks.stream().mapToLong(TimelineReport.UnknownTrack::frames).sum();
        List<String> cameras = List.copyOf(new TreeSet<>(tracks.stream().map(TimelineReport.UnknownTrack::camera).toList()));
        Instant first = tracks.stream().map(TimelineReport.UnknownTrack::firstSeen).min(Instant::compareTo).orElseThrow();
        Instant last = tracks.stream().map(TimelineReport.UnknownTrack::lastSeen).max(Instant::compareTo).orElseThrow();
        List<byte[]> samples = new ArrayList<>();
        for (TimelineReport.UnknownTrack track : tracks) {
            if (samples.size() == SAMPLES) {
                break;
            }
            // A track's samples are its best faces by detector score, best first.
            track.samples().stream().filter(face -> face.crop() != null).findFirst().ifPresent(face -> samples.add(face.crop()));
        }
        return new Cluster(index, model, tracks, faces, cameras, first, last, List.copyOf(samples));
    }

    /** The file of a cluster's sample crop in the report directory: crops/cluster-&lt;index&gt;-&lt;n&gt;.jpg, n from 1. */
    public static String cropName(int index, int n) {
        return "crops/cluster-" + index + "-" + n + ".jpg";
    }
}
