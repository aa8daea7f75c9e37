package io.facestream.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a report directory: {@code report.json}, {@code appearances.csv}, {@code unknown-tracks.csv}, {@code clusters.csv}
 * (unknown tracks grouped into strangers, {@link ReportClusters}), {@code events.csv}
 * (from results), {@code report.html} (self-contained: timeline chart as inline SVG, crops inlined) and the crops as
 * {@code crops/<person>-<n>.jpg} and
 * {@code crops/cluster-<index>-<n>.jpg}. All of it is written into a hidden sibling directory first and renamed into place, so
 * a replay killed midway leaves no half-written report (only a {@code .NAME.partial-*} directory, removed by the next
 * run into the same place), and a rerun replaces the previous report whole.
 */
public final class ReportWriter {

    static final String REPORT_JSON = "report.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    /** Checks before any work that {@code out} can take a report: absent, empty, or an earlier report. */
    public static void checkWritable(Path out) {
        Path dir = out.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ReplayException(ReplayException.Reason.OUTPUT, "--out " + out + " is a file, not a directory");
        }
        if (Files.isDirectory(dir) && !Files.isRegularFile(dir.resolve(REPORT_JSON))) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new ReplayException(ReplayException.Reason.OUTPUT, "--out " + out
                            + " holds other files; give an empty or new directory (an earlier report there is replaced)");
                }
            } catch (IOException e) {
                throw new ReplayException(ReplayException.Reason.OUTPUT, "cannot read --out " + out + ": " + e.getMessage(), e);
            }
        }
        Path parent = dir.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new ReplayException(ReplayException.Reason.OUTPUT, "cannot create " + parent + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(parent)) {
            throw new ReplayException(ReplayException.Reason.OUTPUT, "cannot write in " + parent);
        }
    }

    public static void write(TimelineReport report, Path out) {
        checkWritable(out);
        Path dir = out.toAbsolutePath().normalize();
        Path parent = dir.getParent();
        String name = dir.getFileName().toString();
        removeLeftovers(parent, "." + name + ".partial-");
        removeLeftovers(parent, "." + name + ".old-");
        Path partial = parent.resolve("." + name + ".partial-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(partial.resolve("crops"));
            ReportClusters.Result clusters = ReportClusters.of(report);
            Map<String, byte[]> crops = cropFiles(report);
            crops.putAll(clusterCropFiles(clusters));
            for (Map.Entry<String, byte[]> crop : crops.entrySet()) {
                Files.write(partial.resolve(crop.getKey()), crop.getValue());
            }
            Files.writeString(partial.resolve(REPORT_JSON), json(report, clusters), StandardCharsets.UTF_8);
            Files.writeString(partial.resolve("appearances.csv"), ReportCsv.appearances(report), StandardCharsets.UTF_8);
            Files.writeString(partial.resolve("unknown-tracks.csv"), ReportCsv.unknownTracks(report), StandardCharsets.UTF_8);
            Files.writeString(partial.resolve("clusters.csv"), ReportCsv.clusters(clusters), StandardCharsets.UTF_8);
            if (!report.events().isEmpty()) {
                Files.writeString(partial.resolve("events.csv"), ReportCsv.events(report), StandardCharsets.UTF_8);
            }
            Files.writeString(partial.resolve("report.html"), ReportHtml.render(report, clusters), StandardCharsets.UTF_8);
            if (Files.exists(dir)) {
                Path old = parent.resolve("." + name + ".old-" + UUID.randomUUID().toString().substring(0, 8));
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } else {
                Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ReplayException(ReplayException.Reason.OUTPUT, "--out " + out + " appeared while the report was written", e);
        } catch (IOException e) {
            deleteTree(partial);
            throw new ReplayException(ReplayException.Reason.OUTPUT, "cannot write the report to " + out + ": " + e.getMessage(), e);
        }
    }

    /** One file name per appearance with a crop, in report order: crops/&lt;person id&gt;-&lt;n&gt;.jpg. */
    static Map<String, byte[]> cropFiles(TimelineReport report) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (TimelineReport.PersonTimeline person : report.people()) {
            int n = 0;
            for (TimelineReport.Appearance appearance : person.appearances()) {
                n++;
                if (appearance.crop() != null) {
                    files.put(cropName(person, n), appearance.crop());
                }
            }
        }
        return files;
    }

    /** Each cluster's sample crops: crops/cluster-&lt;index&gt;-&lt;n&gt;.jpg, most typical first. */
    static Map<String, byte[]> clusterCropFiles(ReportClusters.Result clusters) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (ReportClusters.Cluster cluster : clusters.clusters()) {
            for (int n = 1; n <= cluster.samples().size(); n++) {
                files.put(ReportClusters.cropName(cluster.index(), n), cluster.samples().get(n - 1));
            }
        }
        return files;
    }

    static String cropName(TimelineReport.PersonTimeline person, int n) {
        return "crops/" + person.personId() + "-" + n + ".jpg";
    }

    static String json(TimelineReport report, ReportClusters.Result clusters) throws IOException {
        return JSON.writeValueAsString(tree(report, clusters)) + "\n";
    }

    /** The report as JSON (snake_case), as the file holds it and the REST job answers it. */
    public static ObjectNode tree(TimelineReport report) {
        return tree(report, ReportClusters.of(report));
    }

    static ObjectNode tree(TimelineReport report, ReportClusters.Result found) {
        ObjectNode root = JSON.createObjectNode();
        root.put("source", report.source());
        root.put("from", time(report.from()));
        root.put("to", time(report.to()));
        root.put("generated_at", time(report.generatedAt()));
        root.put("model", report.model());
        ArrayNode asked = root.putArray("cameras_asked");
        report.camerasAsked().forEach(asked::add);
        ArrayNode people = root.putArray("people_asked");
        report.peopleAsked().forEach(people::add);
        ArrayNode cameras = root.putArray("cameras");
        for (TimelineReport.CameraSummary camera : report.cameras()) {
            ObjectNode node = cameras.addObject();
            node.put("camera", camera.camera());
            node.put("frames", camera.frames());
            node.put("frames_with_faces", camera.framesWithFaces());
            node.put("faces", camera.faces());
            node.put("first_frame", time(camera.firstFrame()));
            node.put("last_frame", time(camera.lastFrame()));
        }
        ArrayNode persons = root.putArray("people");
        for (TimelineReport.PersonTimeline person : report.people()) {
            ObjectNode node = persons.addObject();
            node.put("person_id", person.personId());
            node.put("name", person.name());
            ArrayNode appearances = node.putArray("appearances");
            int n = 0;
            for (TimelineReport.Appearance appearance : person.appearances()) {
                n++;
                ObjectNode a = appearances.addObject();
                a.put("camera", appearance.camera());
                a.put("first_seen", time(appearance.firstSeen()));
                a.put("last_seen", time(appearance.lastSeen()));
                a.put("duration_ms", appearance.durationMs());
                a.put("best_similarity", round(appearance.bestSimilarity()));
                a.put("frames", appearance.frames());
                ArrayNode tracks = a.putArray("tracks");
                appearance.tracks().forEach(tracks::add);
                if (appearance.crop() != null) {
                    a.put("best_face_time", time(appearance.bestTime()));
                    a.put("crop", cropName(person, n));
                }
            }
        }
        ArrayNode unknown = root.putArray("unknown_tracks");
        for (TimelineReport.UnknownTrack track : report.unknownTracks()) {
            ObjectNode node = unknown.addObject();
            node.put("camera", track.camera());
            node.put("track_id", track.trackId());
            node.put("first_seen", time(track.firstSeen()));
            node.put("last_seen", time(track.lastSeen()));
            node.put("frames", track.frames());
            node.put("best_similarity", round(track.bestSimilarity()));
        }
        // Reports from results carry no vectors: no clusters section at all, rather than an empty one that looks measured.
        if (report.unknownTracks().stream().anyMatch(t -> t.embedding() != null)) {
            ArrayNode clusters = root.putArray("clusters");
            for (ReportClusters.Cluster cluster : found.clusters()) {
                ObjectNode node = clusters.addObject();
                node.put("index", cluster.index());
                node.put("model", cluster.model());
                node.put("tracks", cluster.tracks().size());
                node.put("faces", cluster.faces());
                ArrayNode cams = node.putArray("cameras");
                cluster.cameras().forEach(cams::add);
                node.put("first_seen", time(cluster.firstSeen()));
                node.put("last_seen", time(cluster.lastSeen()));
                ArrayNode ids = node.putArray("track_ids");
                cluster.tracks().forEach(t -> ids.add(t.camera() + "/" + t.trackId()));
                ArrayNode crops = node.putArray("crops");
                for (int n = 1; n <= cluster.samples().size(); n++) {
                    crops.add(ReportClusters.cropName(cluster.index(), n));
                }
            }
            root.put("unclustered_tracks", found.noiseTracks());
        }
        if (!report.events().isEmpty()) {
            ArrayNode events = root.putArray("events");
            for (TimelineReport.Event event : report.events()) {
                ObjectNode node = events.addObject();
                node.put("time", time(event.time()));
                node.put("camera", event.camera());
                node.put("track_id", event.trackId());
                node.put("kind", event.kind());
                if (event.personId() != null) {
                    node.put("person_id", event.personId());
                    node.put("name", event.name());
                }
                node.put("confidence", round(event.confidence()));
            }
        }
        return root;
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** Four decimals: what a similarity means to a reader, and stable across platforms' float printing. */
    static double round(float value) {
        return Math.round(value * 10000.0) / 10000.0;
    }

    private static void removeLeftovers(Path parent, String prefix) {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(parent, path -> path.getFileName().toString().startsWith(prefix))) {
            for (Path leftover : stream) {
                deleteTree(leftover);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
