package io.facestream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.facestream.detector.DetectorConfig;
import io.facestream.embedder.EmbedderConfig;
import io.facestream.face.Detector;
import io.facestream.face.Face;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.Images;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.face.TestData;
import io.facestream.face.TestModels;
import io.facestream.models.ModelStore;

/**
 * The report's clusters section from real embeddings: deepface press photos of three strangers, each photo one unknown
 * track (as a stranger passing a camera on different days), through the configured pack's detector and recognizer.
 * No broker: the replay's tracks are built as TimelineBuilder builds them (one mean vector per track, best crop first).
 */
class ReportClustersTest {

    static final Instant T = Instant.parse("2026-12-01T09:00:00Z");
    /** deepface_person_01 (8 photos, clustered whole by both packs, FaceClustersOnPhotosTest) and two people seen once. */
    static final List<String> REPEATED = List.of("img1.jpg", "img2.jpg", "img4.jpg", "img5.jpg", "img6.jpg");
    static final List<String> ONCE = List.of("img3.jpg", "img16.jpg");

    static String model;
    static final Map<String, float[]> VECTORS = new java.util.HashMap<>();
    static final Map<String, byte[]> PHOTOS = new java.util.HashMap<>();

    @BeforeAll
    static void embed() throws Exception {
        Path data = TestData.dir().resolve("deepface/images");
        Detector detector = DetectorConfig.fromEnvironment().detector();
        EmbedderConfig config = EmbedderConfig.fromEnvironment();
        Recognizer recognizer = Recognizer.byModelName(config.recognizer());
        ModelStore store = TestModels.store(detector.modelName(), recognizer.modelName());
        try (FaceDetector faces = detector.create(store); FaceEmbedder embedder = OnnxFaceEmbedder.create(recognizer, store, config.flip())) {
            model = embedder.model();
            for (String name : concat(REPEATED, ONCE)) {
                byte[] bytes = Files.readAllBytes(data.resolve(name));
                Mat image = Images.decode(bytes);
                Face face = faces.detect(image).stream().max(Comparator.comparingDouble(x -> x.width() * x.height())).orElseThrow();
                VECTORS.put(name, embedder.embed(image, face));
                PHOTOS.put(name, bytes);
                image.release();
            }
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** One unknown track per photo, a minute apart, alternating two cameras; sorted as TimelineBuilder sorts them. */
    static TimelineReport report() {
        List<TimelineReport.UnknownTrack> tracks = new ArrayList<>();
        List<String> names = concat(REPEATED, ONCE);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String camera = i % 2 == 0 ? "door" : "lobby";
            Instant time = T.plusSeconds(60L * i);
            TimelineReport.UnknownFace face = new TimelineReport.UnknownFace(time, 0, i, null, 0.9f, model, VECTORS.get(name), PHOTOS.get(name));
            tracks.add(new TimelineReport.UnknownTrack(camera, name, time, time.plusSeconds(2), 4, 0.1f, model, VECTORS.get(name), List.of(face)));
        }
        tracks.sort(Comparator.comparing(TimelineReport.UnknownTrack::camera).thenComparing(TimelineReport.UnknownTrack::firstSeen));
        return new TimelineReport("frames", T, T.plusSeconds(3600), T, model, List.of(), List.of(), List.of(), List.of(), tracks, List.of());
    }

    @Test
    void unknownTracksOfOneStrangerFormOneClusterWithCountsCamerasTimesAndCrops(@TempDir Path dir) throws Exception {
        ReportClusters.Result result = ReportClusters.of(report());
        System.out.println(model + ": " + result.clusters().size() + " clusters, sizes "
                + result.clusters().stream().map(c -> c.tracks().size()).toList() + ", " + result.noiseTracks() + " unclustered");

        assertThat(result.clusters()).hasSize(1);
        ReportClusters.Cluster cluster = result.clusters().get(0);
        assertThat(cluster.index()).isEqualTo(1);
        assertThat(cluster.model()).isEqualTo(model);
        // Only the repeated stranger's tracks, at least the three a core needs; the people seen once are left out.
        assertThat(cluster.tracks()).extracting(TimelineReport.UnknownTrack::trackId).hasSizeGreaterThanOrEqualTo(3).allMatch(REPEATED::contains);
        assertThat(result.noiseTracks()).isEqualTo(REPEATED.size() + ONCE.size() - cluster.tracks().size());
        assertThat(cluster.faces()).isEqualTo(4L * cluster.tracks().size());
        assertThat(cluster.cameras()).containsExactly("door", "lobby");
        Instant first = cluster.tracks().stream().map(TimelineReport.UnknownTrack::firstSeen).min(Instant::compareTo).orElseThrow();
        assertThat(cluster.firstSeen()).isEqualTo(first);
        assertThat(cluster.samples()).hasSize(cluster.tracks().size());
        // Most typical track first, and its crop first.
        assertThat(cluster.samples().get(0)).isEqualTo(PHOTOS.get(cluster.tracks().get(0).trackId()));

        Path out = dir.resolve("report");
        ReportWriter.write(report(), out);
        JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode node = json.get("clusters").get(0);
        assertThat(json.get("clusters")).hasSize(1);
        assertThat(node.get("index").asInt()).isEqualTo(1);
        assertThat(node.get("tracks").asInt()).isEqualTo(cluster.tracks().size());
        assertThat(node.get("faces").asLong()).isEqualTo(cluster.faces());
        assertThat(node.get("first_seen").asText()).isEqualTo(first.toString());
        assertThat(json.get("unclustered_tracks").asInt()).isEqualTo(result.noiseTracks());
        for (JsonNode crop : node.get("crops")) {
            assertThat(out.resolve(crop.asText())).isRegularFile();
        }
        assertThat(node.get("crops")).hasSize(cluster.samples().size());
        assertThat(Files.readAllLines(out.resolve("clusters.csv"))).hasSize(2)
                .element(1).asString().startsWith("1," + model + "," + cluster.tracks().size() + "," + cluster.faces() + ",door lobby,");
        assertThat(Files.readString(out.resolve("report.html"))).contains("Clusters of unknown faces", "alt=\"cluster 1\" src=\"data:image/jpeg;base64,");

        // The same tracks twice: the same file, byte for byte.
        String before = Files.readString(out.resolve("report.json"));
        ReportWriter.write(report(), out);
        assertThat(Files.readString(out.resolve("report.json"))).isEqualTo(before);
    }

    @Test
    void aReportFromResultsHasNoClustersSection() {
        TimelineReport.UnknownTrack track = new TimelineReport.UnknownTrack("door", "door/1", T, T, 1, 0.1f, null, null, List.of());
        TimelineReport report = new TimelineReport("results", T, T.plusSeconds(60), T, null, List.of(), List.of(), List.of(), List.of(),
                List.of(track), List.of());
        assertThat(ReportWriter.tree(report).has("clusters")).isFalse();
        assertThat(ReportClusters.of(report).clusters()).isEmpty();
    }
}
