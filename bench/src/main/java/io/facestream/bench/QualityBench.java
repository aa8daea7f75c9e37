package io.facestream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.facestream.face.DetectorSettings;
import io.facestream.face.Detector;
import io.facestream.face.Face;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.Images;
import io.facestream.face.ImpostorTail;
import io.facestream.face.ModelPack;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.face.Vectors;
import io.facestream.models.ModelStore;

/**
 * Recognition quality and speed of every detector × recognizer combination on labelled photos,
 * through the same face library the services run.
 *
 * <pre>
 * java -jar bench/target/bench-0.1.0-SNAPSHOT-exec.jar [--data DIR] [--pairs FILE --pair-images DIR]
 *      [--identities FILE --identity-images DIR] [--recognizers a,b] [--out docs/quality.md] [--json target/quality.json]
 *      [--packs permissive,research [--flip on|off|both]] [--only detection,verification,identification,negatives,enrolment]
 *      [--gallery-sizes 100,1000] [--embedding-cache DIR] [--face-finding N|off]
 * </pre>
 * {@code ... clusters [options]} measures clusters of unknown faces instead ({@link ClusterBench}, docs/clustering.md).
 * Without options it runs the standard suite over {@code ../shared/data}. {@code --pairs} takes
 * LFW's pairs.txt format or a CSV ({@code [fold,]path1,path2,same}); {@code --identities} a CSV
 * ({@code path,identity}); both are added to the suite.
 */
public final class QualityBench {

    static final String USAGE = """
            usage: java -jar bench/target/bench-0.1.0-SNAPSHOT-exec.jar [--data DIR] [--pairs FILE --pair-images DIR]
                   [--identities FILE --identity-images DIR] [--recognizers a,b] [--detectors a,b] [--out docs/quality.md]
                   [--json target/quality.json] [--packs permissive,research [--flip on|off|both]] [--flip-detectors a,b]
                   [--only detection,verification,identification,negatives,enrolment] [--gallery-sizes 100,1000]
                   [--embedding-cache DIR] [--face-finding N|off] [--score-threshold detector=value,...]
                   ... performance [options]   (docs/performance.md; performance --help)
                   ... clusters [options]      (docs/clustering.md)
            Recognition quality of the detector x recognizer combinations over ../shared/data (docs/quality.md).""";

    private static final java.util.Set<String> OPTIONS = java.util.Set.of("data", "pairs", "pair-images", "identities", "identity-images",
            "recognizers", "detectors", "packs", "flip", "flip-detectors", "score-threshold", "only", "embedding-cache", "gallery-sizes",
            "out", "json", "face-finding");

    /** Issue 3's acceptance rule: at most one impostor pair in a thousand is accepted. */
    static final double TARGET_FAR = 1e-3;
    /** A stricter point: per-pair false accepts add up over a gallery, so open-set use wants fewer. */
    static final double STRICT_FAR = 1e-4;

    record PairSet(String name, Path file, Path images) {
    }

    record IdentitySet(String name, Path file, Path images) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("clusters")) {
            ClusterBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].replaceFirst("^--", "");
            // A stray or misspelt option would otherwise start the whole bench (tens of minutes) with it ignored.
            if (!args[i].startsWith("--") || !OPTIONS.contains(name) || i + 1 >= args.length) {
                System.err.println("bench: " + (i + 1 >= args.length && OPTIONS.contains(name) ? "no value for " + args[i] : "unknown option " + args[i]));
                System.err.println(USAGE);
                System.exit(2);
            }
            options.put(name, args[i + 1]);
        }
        Path data = Path.of(options.getOrDefault("data", "../shared/data")).toAbsolutePath().normalize();
        List<PairSet> pairSets = new ArrayList<>(List.of(
                new PairSet("LFW dev (pairs_dev.txt)", data.resolve("lfw/pairs_dev.txt"), data.resolve("lfw/images")),
                new PairSet("CelebA in-the-wild", data.resolve("celeba/pairs.csv"), data.resolve("celeba")),
                new PairSet("deepface press photos", data.resolve("deepface/pairs.csv"), data.resolve("deepface"))));
        if (options.containsKey("pairs")) {
            pairSets.add(new PairSet(options.get("pairs"), Path.of(options.get("pairs")), Path.of(options.getOrDefault("pair-images", "."))));
        }
        List<IdentitySet> identitySets = new ArrayList<>(List.of(
                new IdentitySet("LFW", data.resolve("lfw/identities.csv"), data.resolve("lfw")),
                new IdentitySet("CelebA", data.resolve("celeba/identities.csv"), data.resolve("celeba"))));
        if (options.containsKey("identities")) {
            identitySets.add(new IdentitySet(options.get("identities"), Path.of(options.get("identities")),
                    Path.of(options.getOrDefault("identity-images", "."))));
        }
        List<String> recognizers = List.of(options.getOrDefault("recognizers", "arcface-mbf-int8,mobilefacenet-128,dlib-resnet-128").split(","));
        List<String> detectors = List.of(options.getOrDefault("detectors", String.join(",", Detector.names())).split(","));
        // "--packs permissive,research": only each pack's own detector × recognizer × flip, the combinations the services run.
        List<ModelPack> packs = options.containsKey("packs")
                ? java.util.Arrays.stream(options.get("packs").split(",")).map(ModelPack::named).toList() : List.of();
        if (!packs.isEmpty()) {
            detectors = packs.stream().map(p -> p.detector().modelName()).distinct().toList();
        }
        // Flip averaging doubles embedding time; measure it where it could pay off.
        List<Boolean> flips = switch (options.getOrDefault("flip", "both")) {
            case "on" -> List.of(true);
            case "off" -> List.of(false);
            default -> List.of(false, true);
        };
        // "scrfd-500m=0.27,yunet=0.7": a detector's score threshold other than its default, to measure a candidate default.
        Map<String, Float> scoreThresholds = new HashMap<>();
        for (String entry : options.getOrDefault("score-threshold", "").split(",")) {
            if (!entry.isBlank()) {
                String[] kv = entry.split("=", 2);
                scoreThresholds.put(kv[0].strip(), Float.parseFloat(kv[1].strip()));
            }
        }
        // "--only identification,verification": just those parts (detection, verification, identification, negatives,
        // enrolment); the calibration the identification tables need always runs. "--embedding-cache DIR": vectors kept between runs.
        java.util.Set<String> only = options.containsKey("only") ? java.util.Set.of(options.get("only").split(","))
                : java.util.Set.of("detection", "verification", "identification", "negatives", "enrolment");
        Path embeddingCache = options.containsKey("embedding-cache") ? Path.of(options.get("embedding-cache")) : null;
        // "--gallery-sizes 100,200,500,1000": the identification table's gallery sizes besides the largest (all enrolled).
        int[] gallerySizes = java.util.Arrays.stream(options.getOrDefault("gallery-sizes", "100,1000").split(",")).mapToInt(Integer::parseInt).toArray();
        Path out = Path.of(options.getOrDefault("out", "docs/quality.md"));
        Path json = Path.of(options.getOrDefault("json", "target/quality.json"));

        ModelStore models = ModelStore.fromEnvironment();
        Report report = new Report(String.join(" ", args));
        for (String detectorName : detectors) {
            Detector known = Detector.named(detectorName);
            DetectorSettings settings = known.defaultSettings();
            if (scoreThresholds.containsKey(detectorName)) {
                settings = settings.withScoreThreshold(scoreThresholds.get(detectorName));
            }
            String detectorLabel = detectorName + (scoreThresholds.containsKey(detectorName) ? "@" + settings.scoreThreshold() : "");
            try (io.facestream.face.PaddedRetry detector = known.create(models, settings)) {
                CentralFaces faces = new CentralFaces(detector);
                if (only.contains("detection")) {
                    report.detection(detectorLabel + " (" + known.model(models.manifest()).licence() + ")",
                        Detection.measure(detector, faces, data, json.getParent().resolve("bench-images").resolve(detectorName)));
                }
                // "--face-finding N": every Nth LFW photo (1: all; "off": none) through the three ways of finding faces (FaceFinding).
                String faceFinding = options.getOrDefault("face-finding", "1");
                if (!faceFinding.equals("off") && only.contains("detection")) {
                    report.faceFinding(detectorLabel, FaceFinding.measure(detector, data, Integer.parseInt(faceFinding)));
                }
                // Flip rows only for the detectors named (all by default): flip doubles the embedding time of a run.
                boolean flipRows = !options.containsKey("flip-detectors") || List.of(options.get("flip-detectors").split(",")).contains(detectorName);
                List<String> detectorRecognizers = packs.isEmpty() ? recognizers
                        : packs.stream().filter(p -> p.detector().modelName().equals(detectorName)).map(p -> p.recognizer().modelName()).toList();
                for (String name : detectorRecognizers) {
                    List<Boolean> recognizerFlips = packs.isEmpty() ? (flipRows ? flips : List.of(false))
                            : options.containsKey("flip") ? flips // "--packs research --flip both": a pack's pair with and without flip
                            : packs.stream().filter(p -> p.detector().modelName().equals(detectorName) && p.recognizer().modelName().equals(name)).map(ModelPack::flip).toList();
                    for (boolean flip : recognizerFlips) {
                        Recognizer recognizer = Recognizer.byModelName(name);
                        try (FaceEmbedder embedder = OnnxFaceEmbedder.create(recognizer, models, flip)) {
                            FacePipeline pipeline = new FacePipeline(faces, embedder);
                            EmbeddingCache cache = embeddingCache == null ? null : pipeline.useCache(embeddingCache, detectorLabel);
                            Map<String, Object> row = new LinkedHashMap<>();
                            row.put("detector", detectorLabel + " (" + known.model(models.manifest()).licence() + ")");
                            row.put("recognizer", embedder.model() + " (" + models.manifest().get(name).licence() + ")");
                            for (PairSet set : only.contains("verification") ? pairSets : List.<PairSet>of()) {
                                row.put(set.name(), Verification.run(pipeline, PairList.read(set.file(), set.images())));
                            }
                            if (cache != null) {
                                cache.save(pipeline.vectors());
                            }
                            List<PairList.Labelled> all = new ArrayList<>();
                            for (IdentitySet set : identitySets) {
                                all.addAll(PairList.identities(set.file(), set.images()));
                            }
                            Calibration calibration = Calibration.run(pipeline, all, TARGET_FAR, STRICT_FAR);
                            row.put("calibration", calibration);
                            for (IdentitySet set : only.contains("identification") ? identitySets : List.<IdentitySet>of()) {
                                List<PairList.Labelled> labelled = PairList.identities(set.file(), set.images());
                                row.put("identification " + set.name(), Identification.run(pipeline, labelled, calibration.threshold()));
                                row.put("identification " + set.name() + ", strict", Identification.run(pipeline, labelled, calibration.strictThreshold()));
                            }
                            if (only.contains("identification")) {
                                GallerySize.Result sizes = GallerySize.run(pipeline, all, calibration, embedder.model(), gallerySizes);
                                row.put("identification by gallery size", sizes.rows());
                                row.put("margin trade-off", sizes.tradeOff());
                            }
                            if (only.contains("negatives")) {
                                row.put("negative examples", Negatives.run(pipeline, all, calibration.strictThreshold()));
                            }
                            if (only.contains("enrolment")) {
                                row.put("enrolment", Enrolment.run(pipeline, PairList.identities(identitySets.get(1).file(), identitySets.get(1).images()),
                                        calibration.strictThreshold()));
                            }
                            row.put("speed", Speed.of(pipeline));
                            if (cache != null) {
                                cache.save(pipeline.vectors());
                            }
                            report.row(row);
                            System.out.println(new ObjectMapper().writeValueAsString(row));
                        }
                    }
                }
            }
        }
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report.rows());
        String markdown = report.markdown();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, markdown);
        System.out.println(markdown);
    }

    record Speed(double decodeMedianMs, double decodeP95Ms, double detectMedianMs, double detectP95Ms, double embedMedianMs, double embedP95Ms) {
        static Speed of(FacePipeline p) {
            return new Speed(Metrics.percentile(p.decodeMs, 0.5), Metrics.percentile(p.decodeMs, 0.95),
                    Metrics.percentile(p.faces.detectMs, 0.5), Metrics.percentile(p.faces.detectMs, 0.95),
                    Metrics.percentile(p.embedMs, 0.5), Metrics.percentile(p.embedMs, 0.95));
        }
    }

    record Verification(int pairs, int failures, double accuracy, double std, double auc) {
        static Verification run(FacePipeline pipeline, List<PairList.Pair> pairs) {
            double[] similarity = new double[pairs.size()];
            boolean[] same = new boolean[pairs.size()];
            int failures = 0;
            for (int i = 0; i < pairs.size(); i++) {
                float[] a = pipeline.embedding(pairs.get(i).first());
                float[] b = pipeline.embedding(pairs.get(i).second());
                similarity[i] = a == null || b == null ? Double.NaN : Vectors.dot(a, b);
                failures += a == null || b == null ? 1 : 0;
                same[i] = pairs.get(i).same();
            }
            double[] accuracy = Metrics.tenFoldAccuracy(similarity, same);
            return new Verification(pairs.size(), failures, accuracy[0], accuracy[1], Metrics.auc(similarity, same));
        }
    }

    /**
     * The service threshold: impostors are every pair of photos of different people in the
     * identity sets (over a million pairs, so FAR 1e-3 is measured, not extrapolated); genuine
     * pairs every two photos of one person.
     */
    record Calibration(long impostorPairs, long genuinePairs, double threshold, double falseRejectRate, double tarAtFar,
                       double strictThreshold, double tarAtStrictFar, ImpostorTail tail) {

        /** The rates the impostor tail is stored at (MatcherConfig.IMPOSTOR_TAILS): 1e-6 is still about 2 of 1.9 million pairs. */
        static final double[] TAIL_RATES = {1e-2, 1e-3, 1e-4, 1e-5, 1e-6};
        static Calibration run(FacePipeline pipeline, List<PairList.Labelled> photos, double far, double strictFar) {
            List<float[]> vectors = new ArrayList<>();
            List<String> identities = new ArrayList<>();
            int missing = 0;
            for (PairList.Labelled photo : photos) {
                float[] v = pipeline.embedding(photo.image());
                if (v == null) {
                    missing++;
                    continue;
                }
                vectors.add(v);
                identities.add(photo.identity());
            }
            List<Double> genuine = new ArrayList<>();
            double[] impostors = new double[vectors.size() * (vectors.size() - 1) / 2];
            int n = 0;
            for (int i = 0; i < vectors.size(); i++) {
                for (int j = i + 1; j < vectors.size(); j++) {
                    double s = Vectors.dot(vectors.get(i), vectors.get(j));
                    if (identities.get(i).equals(identities.get(j))) {
                        genuine.add(s);
                    } else {
                        impostors[n++] = s;
                    }
                }
            }
            double[] measured = java.util.Arrays.copyOf(impostors, n);
            double threshold = Metrics.thresholdAtFar(measured, far);
            double strict = Metrics.thresholdAtFar(measured, strictFar);
            double[] g = genuine.stream().mapToDouble(Double::doubleValue).toArray();
            double tar = Metrics.acceptRate(g, threshold);
            if (missing > 0) {
                System.out.println("calibration: " + missing + " photos without a face left out");
            }
            double[] tail = new double[TAIL_RATES.length];
            for (int i = 0; i < tail.length; i++) {
                tail[i] = Metrics.thresholdAtFar(measured, TAIL_RATES[i]);
                if (i > 0 && tail[i] <= tail[i - 1]) {
                    tail[i] = Math.nextUp(tail[i - 1]); // ties at the very top of a small set
                }
            }
            return new Calibration(n, g.length, threshold, 1 - tar, tar, strict, Metrics.acceptRate(g, strict), new ImpostorTail(TAIL_RATES, tail));
        }
    }

    /**
     * One enrolment photo per identity (the first), the other photos as probes. Rank-1 counts
     * probes whose best match is their own identity. Open set: identities with a single photo
     * are split, half enrolled (gallery distractors), half never enrolled (probes that must come out unknown).
     */
    record Identification(int galleryPeople, int probes, int strangerProbes, double rank1, double openSetTrueAccept, double strangerFalseAccept) {
        static Identification run(FacePipeline pipeline, List<PairList.Labelled> photos, double threshold) {
            Map<String, List<Path>> byIdentity = new LinkedHashMap<>();
            photos.forEach(p -> byIdentity.computeIfAbsent(p.identity(), k -> new ArrayList<>()).add(p.image()));
            List<String> galleryIds = new ArrayList<>();
            List<float[]> gallery = new ArrayList<>();
            List<String> probeIds = new ArrayList<>();
            List<Path> probes = new ArrayList<>();
            List<Path> strangers = new ArrayList<>();
            int single = 0;
            for (var entry : byIdentity.entrySet()) {
                List<Path> images = entry.getValue();
                if (images.size() == 1 && single++ % 2 == 1) {
                    strangers.add(images.get(0));
                    continue;
                }
                float[] enrolled = pipeline.embedding(images.get(0));
                if (enrolled != null) {
                    galleryIds.add(entry.getKey());
                    gallery.add(enrolled);
                }
                for (Path probe : images.subList(1, images.size())) {
                    probeIds.add(entry.getKey());
                    probes.add(probe);
                }
            }
            int rank1 = 0, trueAccept = 0;
            for (int i = 0; i < probes.size(); i++) {
                float[] v = pipeline.embedding(probes.get(i));
                int best = best(gallery, v);
                if (best >= 0 && galleryIds.get(best).equals(probeIds.get(i))) {
                    rank1++;
                    if (Vectors.dot(v, gallery.get(best)) >= threshold) {
                        trueAccept++;
                    }
                }
            }
            int falseAccept = 0;
            for (Path stranger : strangers) {
                float[] v = pipeline.embedding(stranger);
                int best = best(gallery, v);
                if (best >= 0 && Vectors.dot(v, gallery.get(best)) >= threshold) {
                    falseAccept++;
                }
            }
            return new Identification(gallery.size(), probes.size(), strangers.size(), (double) rank1 / probes.size(),
                    (double) trueAccept / probes.size(), strangers.isEmpty() ? 0 : (double) falseAccept / strangers.size());
        }

        static int best(List<float[]> gallery, float[] probe) {
            if (probe == null) {
                return -1;
            }
            int best = -1;
            double bestSimilarity = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < gallery.size(); g++) {
                double s = Vectors.dot(probe, gallery.get(g));
                if (s > bestSimilarity) {
                    bestSimilarity = s;
                    best = g;
                }
            }
            return best;
        }
    }

    /**
     * "Not this person" feedback, as the matcher applies it (Gallery.best: a person is skipped when the probe is at least
     * the pair threshold similar to one of their negative examples). People with several photos alternate between
     * enrolled (first photo; the rest are probes) and strangers; single-photo people are enrolled as distractors. At the
     * pair threshold, every stranger whose first photo is named someone gets that photo kept as a negative of that
     * person; then the strangers' other photos and the enrolled people's probes are matched again.
     *
     * @param targetedBefore stranger photos (not the one given as feedback) named the person their feedback was about
     * @param otherFalseBefore stranger photos named anyone, before; {@code otherFalseAfter} after
     */
    record Negatives(double threshold, int gallery, int negatives, int strangerPhotos, int targetedBefore, int targetedAfter,
                     int falseBefore, int falseAfter, int probes, int trueBefore, int trueAfter) {

        static Negatives run(FacePipeline pipeline, List<PairList.Labelled> photos, double threshold) {
            Map<String, List<Path>> byIdentity = new LinkedHashMap<>();
            photos.forEach(p -> byIdentity.computeIfAbsent(p.identity(), k -> new ArrayList<>()).add(p.image()));
            List<String> ids = new ArrayList<>();
            List<float[]> gallery = new ArrayList<>();
            List<String> probeIds = new ArrayList<>();
            List<float[]> probes = new ArrayList<>();
            List<List<float[]>> strangers = new ArrayList<>();
            int multi = 0;
            for (var entry : byIdentity.entrySet()) {
                List<float[]> vectors = entry.getValue().stream().map(pipeline::embedding).filter(java.util.Objects::nonNull).toList();
                if (vectors.isEmpty()) {
                    continue;
                }
                if (entry.getValue().size() > 1 && multi++ % 2 == 1) {
                    if (vectors.size() > 1) {
                        strangers.add(vectors);
                    }
                    continue;
                }
                ids.add(entry.getKey());
                gallery.add(vectors.get(0));
                for (float[] v : vectors.subList(1, vectors.size())) {
                    probeIds.add(entry.getKey());
                    probes.add(v);
                }
            }
            Map<Integer, List<float[]>> negatives = new HashMap<>();
            int[] target = new int[strangers.size()];
            int given = 0;
            for (int s = 0; s < strangers.size(); s++) {
                float[] feedback = strangers.get(s).get(0);
                int best = named(gallery, Map.of(), feedback, threshold);
                target[s] = best;
                if (best >= 0) {
                    negatives.computeIfAbsent(best, k -> new ArrayList<>()).add(feedback);
                    given++;
                }
            }
            int photosCount = 0, targetedBefore = 0, targetedAfter = 0, falseBefore = 0, falseAfter = 0;
            for (int s = 0; s < strangers.size(); s++) {
                for (float[] v : strangers.get(s).subList(1, strangers.get(s).size())) {
                    photosCount++;
                    int before = named(gallery, Map.of(), v, threshold), after = named(gallery, negatives, v, threshold);
                    falseBefore += before >= 0 ? 1 : 0;
                    falseAfter += after >= 0 ? 1 : 0;
                    targetedBefore += target[s] >= 0 && before == target[s] ? 1 : 0;
                    targetedAfter += target[s] >= 0 && after == target[s] ? 1 : 0;
                }
            }
            int trueBefore = 0, trueAfter = 0;
            for (int p = 0; p < probes.size(); p++) {
                int before = named(gallery, Map.of(), probes.get(p), threshold), after = named(gallery, negatives, probes.get(p), threshold);
                trueBefore += before >= 0 && ids.get(before).equals(probeIds.get(p)) ? 1 : 0;
                trueAfter += after >= 0 && ids.get(after).equals(probeIds.get(p)) ? 1 : 0;
            }
            return new Negatives(threshold, gallery.size(), given, photosCount, targetedBefore, targetedAfter, falseBefore, falseAfter,
                    probes.size(), trueBefore, trueAfter);
        }

        /** The person named (index), or -1: the best person not vetoed by a negative example, if at or above the threshold. */
        private static int named(List<float[]> gallery, Map<Integer, List<float[]>> negatives, float[] probe, double threshold) {
            int best = -1;
            double bestSimilarity = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < gallery.size(); g++) {
                double s = Vectors.dot(probe, gallery.get(g));
                if (s > bestSimilarity && negatives.getOrDefault(g, List.of()).stream().noneMatch(n -> Vectors.dot(probe, n) >= threshold)) {
                    bestSimilarity = s;
                    best = g;
                }
            }
            return bestSimilarity >= threshold ? best : -1;
        }
    }

    /**
     * Several photos per person: two enrolled, the rest as probes, matched against every
     * person's best photo (best-of) or against the normalised mean of their photos (template).
     */
    record Enrolment(int people, int probes, double bestOfRank1, double templateRank1, double bestOfAccept, double templateAccept) {
        static Enrolment run(FacePipeline pipeline, List<PairList.Labelled> photos, double threshold) {
            Map<String, List<Path>> byIdentity = new LinkedHashMap<>();
            photos.forEach(p -> byIdentity.computeIfAbsent(p.identity(), k -> new ArrayList<>()).add(p.image()));
            List<String> ids = new ArrayList<>();
            List<List<float[]>> enrolled = new ArrayList<>();
            List<float[]> templates = new ArrayList<>();
            List<String> probeIds = new ArrayList<>();
            List<float[]> probes = new ArrayList<>();
            for (var entry : byIdentity.entrySet()) {
                if (entry.getValue().size() < 3) {
                    continue;
                }
                List<float[]> vectors = entry.getValue().subList(0, 2).stream().map(pipeline::embedding).filter(java.util.Objects::nonNull).toList();
                if (vectors.isEmpty()) {
                    continue;
                }
                ids.add(entry.getKey());
                enrolled.add(vectors);
                templates.add(Vectors.meanDirection(vectors));
                for (Path probe : entry.getValue().subList(2, entry.getValue().size())) {
                    probeIds.add(entry.getKey());
                    probes.add(pipeline.embedding(probe));
                }
            }
            int bestRank1 = 0, templateRank1 = 0, bestAccept = 0, templateAccept = 0;
            for (int p = 0; p < probes.size(); p++) {
                float[] probe = probes.get(p);
                if (probe == null) {
                    continue;
                }
                int best = -1, template = -1;
                double bestSim = -2, templateSim = -2;
                for (int g = 0; g < ids.size(); g++) {
                    for (float[] v : enrolled.get(g)) {
                        double s = Vectors.dot(probe, v);
                        if (s > bestSim) {
                            bestSim = s;
                            best = g;
                        }
                    }
                    double t = Vectors.dot(probe, templates.get(g));
                    if (t > templateSim) {
                        templateSim = t;
                        template = g;
                    }
                }
                boolean bestRight = ids.get(best).equals(probeIds.get(p)), templateRight = ids.get(template).equals(probeIds.get(p));
                bestRank1 += bestRight ? 1 : 0;
                templateRank1 += templateRight ? 1 : 0;
                bestAccept += bestRight && bestSim >= threshold ? 1 : 0;
                templateAccept += templateRight && templateSim >= threshold ? 1 : 0;
            }
            double n = probes.size();
            return new Enrolment(ids.size(), probes.size(), bestRank1 / n, templateRank1 / n, bestAccept / n, templateAccept / n);
        }
    }

    /** Share of labelled single-face photos where a face is found, exact counts on group photos, and annotated PNGs to look at. */
    record Detection(int lfwImages, int lfwFound, List<String> groups) {
        /** LFW through the shared {@link CentralFaces}, so the recognizers' passes reuse these detections; group photos in full. */
        static Detection measure(FaceDetector detector, CentralFaces central, Path data, Path pictures) throws Exception {
            int images = 0, found = 0;
            for (PairList.Labelled photo : PairList.identities(data.resolve("lfw/identities.csv"), data.resolve("lfw"))) {
                Mat image = Images.decode(Files.readAllBytes(photo.image()));
                images++;
                found += central.of(photo.image(), image).isPresent() ? 1 : 0;
                image.release();
            }
            Files.createDirectories(pictures);
            List<String> groups = new ArrayList<>();
            List<String> lines = Files.readAllLines(data.resolve("groups/groups.csv"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                Mat image = Images.decode(Files.readAllBytes(data.resolve("groups").resolve(f[0])));
                List<Face> faces = detector.detect(image);
                int min = Integer.parseInt(f[2]), max = Integer.parseInt(f[3]);
                groups.add(String.format(Locale.ROOT, "%s: %d faces (expected %s) %s", f[0], faces.size(),
                        min == max ? String.valueOf(min) : min + "–" + max, faces.size() >= min && faces.size() <= max ? "ok" : "WRONG"));
                draw(image, faces);
                Imgcodecs.imwrite(pictures.resolve(f[0].replaceAll("\\.\\w+$", "") + ".png").toString(), image);
                image.release();
            }
            return new Detection(images, found, groups);
        }

        private static void draw(Mat image, List<Face> faces) {
            int thickness = Math.max(2, image.cols() / 400);
            for (Face f : faces) {
                Imgproc.rectangle(image, new Point(f.x(), f.y()), new Point(f.x() + f.width(), f.y() + f.height()), new Scalar(0, 0, 255), thickness);
                float[] l = f.landmarks();
                for (int k = 0; k < 5; k++) {
                    Imgproc.circle(image, new Point(l[2 * k], l[2 * k + 1]), thickness + 1, new Scalar(255, 128, 0), -1);
                }
            }
        }
    }
}
