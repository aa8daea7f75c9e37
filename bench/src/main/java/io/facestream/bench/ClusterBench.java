package io.facestream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.facestream.face.Detector;
import io.facestream.face.EmbeddingModel;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.ModelPack;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Vectors;
import io.facestream.face.clusters.ClusterQuality;
import io.facestream.face.clusters.ClusterSettings;
import io.facestream.face.clusters.FaceClusterer;
import io.facestream.face.clusters.FaceClusters;
import io.facestream.models.ModelStore;

/**
 * Clusters of unknown faces measured on photos of known people treated as strangers: each model pack's detector and
 * recognizer embed the central face of every photo (as the services do), {@link FaceClusterer} groups them, and
 * {@link ClusterQuality} holds the clusters against the identities, for a grid of settings around each recognizer's
 * calibrated threshold.
 *
 * <pre>
 * java -jar bench/target/bench-0.1.0-SNAPSHOT-exec.jar clusters [--data DIR] [--packs permissive,research]
 *      [--similarities permissive=0.93,0.94;research=0.25,0.3] [--min-faces 2,3,4] [--out docs/clustering.md]
 * </pre>
 * Embeddings are kept in {@code target/cluster-embeddings/PACK.tsv}, so a second run with other settings runs no model
 * ({@code --fresh true} recomputes them).
 */
public final class ClusterBench {

    /** Around each pack's calibrated threshold (MatcherConfig.CALIBRATED_THRESHOLDS: FAR 1e-4 over 1.9 million impostor pairs). */
    static final Map<ModelPack, List<Float>> SIMILARITIES = Map.of(
            ModelPack.PERMISSIVE, List.of(0.93f, 0.944f, 0.95f, 0.955f, 0.96f, 0.965f),
            ModelPack.RESEARCH, List.of(0.25f, 0.289f, 0.35f, 0.40f, 0.45f, 0.50f));

    record Labelled(String identity, String path, float[] vector) {
    }

    /** @param impostorLinks share of pairs of different people at or above the setting's similarity: its pairwise false-accept rate */
    record Row(String pack, String model, String set, ClusterSettings settings, boolean isDefault, ClusterQuality quality, double impostorLinks,
               double millis) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path data = Path.of(options.getOrDefault("data", "../shared/data")).toAbsolutePath().normalize();
        Path cache = Path.of(options.getOrDefault("cache", "target/cluster-embeddings"));
        boolean fresh = Boolean.parseBoolean(options.getOrDefault("fresh", "false"));
        List<ModelPack> packs = Arrays.stream(options.getOrDefault("packs", "permissive,research").split(",")).map(ModelPack::parse).toList();
        List<Integer> minFaces = Arrays.stream(options.getOrDefault("min-faces", "2,3,4").split(",")).map(String::strip).map(Integer::parseInt).toList();
        Map<ModelPack, List<Float>> similarities = new HashMap<>(SIMILARITIES);
        for (String entry : options.getOrDefault("similarities", "").split(";")) {
            if (!entry.isBlank()) {
                String[] kv = entry.split("=", 2);
                similarities.put(ModelPack.parse(kv[0]), Arrays.stream(kv[1].split(",")).map(String::strip).map(Float::parseFloat).toList());
            }
        }
        Path out = Path.of(options.getOrDefault("out", "docs/clustering.md"));

        String loadBefore = load();
        long started = System.nanoTime();
        ModelStore models = ModelStore.fromEnvironment();
        List<Row> rows = new ArrayList<>();
        Map<ModelPack, String> embedTimes = new LinkedHashMap<>();
        for (ModelPack pack : packs) {
            EmbeddingModel model = new EmbeddingModel(pack.recognizer(), pack.flip());
            long t0 = System.nanoTime();
            boolean cached = !fresh && Files.exists(cache.resolve(pack.value() + ".tsv"));
            List<Labelled> all = embeddings(pack, models, data, cache.resolve(pack.value() + ".tsv"), fresh);
            embedTimes.put(pack, String.format(Locale.ROOT, "%d faces in %.0f s%s", all.size(), (System.nanoTime() - t0) / 1e9,
                    cached ? " (read from the cache)" : ""));
            List<Labelled> celeba = all.stream().filter(l -> l.identity().startsWith("celeba:")).toList();
            Map<String, List<Labelled>> sets = new LinkedHashMap<>();
            sets.put("CelebA", celeba);
            sets.put("CelebA + LFW", all);
            ClusterSettings chosen = ClusterSettings.forModel(model);
            for (var set : sets.entrySet()) {
                List<ClusterSettings> grid = new ArrayList<>();
                for (float similarity : similarities.get(pack)) {
                    for (int faces : minFaces) {
                        grid.add(new ClusterSettings(similarity, faces));
                    }
                }
                if (!grid.contains(chosen)) {
                    grid.add(chosen);
                }
                for (ClusterSettings settings : grid) {
                    long c0 = System.nanoTime();
                    FaceClusters<Labelled> clusters = FaceClusterer.cluster(set.getValue(), Labelled::vector, settings);
                    double ms = (System.nanoTime() - c0) / 1e6;
                    Row row = new Row(pack.value(), pack.detector().modelName() + " + " + model.name(), set.getKey(), settings, settings.equals(chosen),
                            ClusterQuality.of(clusters, Labelled::identity), impostorLinks(set.getValue(), settings.minSimilarity()), ms);
                    rows.add(row);
                    System.out.println(line(row));
                }
            }
        }
        String markdown = markdown(rows, embedTimes, loadBefore, load(), (System.nanoTime() - started) / 1e9, String.join(" ", args));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, markdown);
        System.out.println(markdown);
    }

    /** The central face of every CelebA and LFW photo, through the pack's detector and recognizer (or from the cache). */
    static List<Labelled> embeddings(ModelPack pack, ModelStore models, Path data, Path file, boolean fresh) throws Exception {
        if (!fresh && Files.exists(file)) {
            return read(file);
        }
        List<PairList.Labelled> photos = new ArrayList<>();
        PairList.identities(data.resolve("celeba/identities.csv"), data.resolve("celeba"))
                .forEach(p -> photos.add(new PairList.Labelled(p.image(), "celeba:" + p.identity())));
        PairList.identities(data.resolve("lfw/identities.csv"), data.resolve("lfw"))
                .forEach(p -> photos.add(new PairList.Labelled(p.image(), "lfw:" + p.identity())));
        List<Labelled> out = new ArrayList<>();
        Detector detector = pack.detector();
        try (FaceDetector faces = detector.create(models, detector.defaultSettings());
             FaceEmbedder embedder = OnnxFaceEmbedder.create(pack.recognizer(), models, pack.flip())) {
            FacePipeline pipeline = new FacePipeline(new CentralFaces(faces), embedder);
            int done = 0;
            for (PairList.Labelled photo : photos) {
                float[] v = pipeline.embedding(photo.image());
                if (v != null) {
                    out.add(new Labelled(photo.identity(), data.relativize(photo.image()).toString(), v));
                }
                if (++done % 200 == 0) {
                    System.out.printf(Locale.ROOT, "%s: %d of %d photos embedded%n", pack.value(), done, photos.size());
                }
            }
            System.out.printf(Locale.ROOT, "%s: %d photos without a face left out%n", pack.value(), pipeline.imagesWithoutFace);
        }
        write(file, out);
        return out;
    }

    static double impostorLinks(List<Labelled> faces, float similarity) {
        long impostors = 0, linked = 0;
        for (int i = 0; i < faces.size(); i++) {
            for (int j = i + 1; j < faces.size(); j++) {
                if (!faces.get(i).identity().equals(faces.get(j).identity())) {
                    impostors++;
                    linked += Vectors.dot(faces.get(i).vector(), faces.get(j).vector()) >= similarity ? 1 : 0;
                }
            }
        }
        return impostors == 0 ? 0 : (double) linked / impostors;
    }

    private static void write(Path file, List<Labelled> faces) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> lines = new ArrayList<>();
        for (Labelled f : faces) {
            StringBuilder line = new StringBuilder(f.identity()).append('\t').append(f.path()).append('\t');
            for (int i = 0; i < f.vector().length; i++) {
                line.append(i == 0 ? "" : ",").append(f.vector()[i]);
            }
            lines.add(line.toString());
        }
        Files.write(file, lines);
    }

    private static List<Labelled> read(Path file) throws IOException {
        List<Labelled> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t");
            String[] values = f[2].split(",");
            float[] v = new float[values.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = Float.parseFloat(values[i]);
            }
            out.add(new Labelled(f[0], f[1], v));
        }
        return out;
    }

    static String load() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String line(Row r) {
        ClusterQuality q = r.quality();
        return String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %.1e | %d | %d | %d | %d | %.1f %% | %.1f %% | %d of %d | %d | %.1f %% | %d | %.0f |%s",
                r.pack(), r.model(), r.set(), r.settings().minSimilarity(), r.impostorLinks(), r.settings().minFaces(), q.faces(), q.identities(), q.clusters(),
                100 * q.precision(), 100 * q.recall(), q.splitIdentities(), q.identities(), q.mergedClusters(), 100 * q.noiseShare(),
                q.loneFacesClustered(), r.millis(), r.isDefault() ? " **default**" : "");
    }

    private static String markdown(List<Row> rows, Map<ModelPack, String> embedTimes, String loadBefore, String loadAfter, double seconds,
                                   String arguments) {
        StringBuilder md = new StringBuilder();
        md.append("## Measured clusters (`bench clusters`)\n\n");
        md.append(String.format(Locale.ROOT, "Produced by `java -jar bench/target/bench-0.1.0-SNAPSHOT-exec.jar clusters %s` in %.0f s; "
                + "load average (1 min) %s at the start, %s at the end, on this 2-core machine. Embedding: %s.%n%n",
                arguments, seconds, loadBefore, loadAfter, embedTimes));
        md.append("| pack | detector + recognizer | set | min similarity | impostor pairs linked | min faces | faces | identities | clusters | pairwise precision "
                + "| pairwise recall | identities split | clusters merging identities | noise | lone faces clustered | ms |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(line(r)).append('\n');
        }
        return md.toString();
    }
}
