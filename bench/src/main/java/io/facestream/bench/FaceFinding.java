package io.facestream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.opencv.core.Mat;
import org.opencv.core.Rect;

import io.facestream.face.Detector;
import io.facestream.face.Face;
import io.facestream.face.Images;
import io.facestream.face.PaddedRetry;
import io.facestream.models.ModelStore;

/**
 * Photos without a face, per set: with the detector alone, with the padded retry the services run
 * ({@link PaddedRetry}), and with every photo padded. Besides the labelled sets, two derived ones stand for the photos
 * users enrol from: the central 150×150 of every LFW photo (the face fills the frame, as in face datasets and ID
 * crops) and a tight square around each reference photo's face (a profile picture).
 *
 * <pre>java -cp bench.jar io.facestream.bench.FaceFinding [--data DIR] [--detectors yunet,scrfd-500m] [--lfw-every N]</pre>
 */
public final class FaceFinding {

    /** @param always photos still without a face when every photo is padded (no first pass) */
    record Row(String set, int photos, int single, int retry, int always, List<String> stillMissing) {
    }

    private FaceFinding() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path data = Path.of(options.getOrDefault("data", "../shared/data")).toAbsolutePath().normalize();
        ModelStore models = ModelStore.fromEnvironment();
        for (String name : options.getOrDefault("detectors", "yunet,scrfd-500m").split(",")) {
            Detector known = Detector.named(name);
            try (PaddedRetry detector = known.create(models, known.defaultSettings())) {
                System.out.println("## " + name);
                System.out.println(markdown(measure(detector, data, Integer.parseInt(options.getOrDefault("lfw-every", "1")))));
            }
        }
    }

    /** @param lfwEvery every how many LFW photos one is measured (1: all 1,549), to bound the run on a busy machine */
    static List<Row> measure(PaddedRetry detector, Path data, int lfwEvery) throws Exception {
        Map<String, List<Path>> sets = new LinkedHashMap<>();
        List<Path> allLfw = photos(data, "lfw/identities.csv", "lfw");
        sets.put(lfwEvery == 1 ? "LFW" : "LFW (every " + lfwEvery + "th)", java.util.stream.IntStream.range(0, allLfw.size())
                .filter(i -> i % lfwEvery == 0).mapToObj(allLfw::get).toList());
        sets.put("CelebA", photos(data, "celeba/identities.csv", "celeba"));
        sets.put("deepface", photos(data, "deepface/identities.csv", "deepface"));
        sets.put("refs", photos(data, "refs/identities.csv", "refs"));
        List<Row> rows = new ArrayList<>();
        for (var set : sets.entrySet()) {
            rows.add(count(detector, set.getKey(), set.getValue().stream().<Supplier<Mat>>map(p -> () -> decode(p)).toList(), set.getValue()));
        }
        List<Path> lfw = sets.values().iterator().next();
        rows.add(count(detector, "LFW central 150×150 crops", lfw.stream().<Supplier<Mat>>map(p -> () -> crop(decode(p), 50, 50, 150, 150)).toList(), lfw));
        List<Path> refs = sets.get("refs");
        List<Supplier<Mat>> tight = refs.stream().<Supplier<Mat>>map(p -> () -> tightCrop(detector, decode(p))).toList();
        rows.add(count(detector, "refs, tight face crops", tight, refs));
        return rows;
    }

    /** A square around the photo's largest face, 1.1 times the box's longer side: the face fills the frame. */
    static Mat tightCrop(PaddedRetry detector, Mat image) {
        Face face = detector.detect(image).stream().max(java.util.Comparator.comparingDouble(f -> f.width() * f.height()))
                .orElseThrow(() -> new IllegalStateException("no face to crop around"));
        int side = (int) Math.round(1.1 * Math.max(face.width(), face.height()));
        int cx = Math.round(face.x() + face.width() / 2), cy = Math.round(face.y() + face.height() / 2);
        return crop(image, cx - side / 2, cy - side / 2, side, side);
    }

    static Mat crop(Mat image, int x, int y, int w, int h) {
        int x0 = Math.max(0, x), y0 = Math.max(0, y);
        int x1 = Math.min(image.cols(), x + w), y1 = Math.min(image.rows(), y + h);
        Mat out = image.submat(new Rect(x0, y0, x1 - x0, y1 - y0)).clone();
        image.release();
        return out;
    }

    private static Row count(PaddedRetry detector, String set, List<Supplier<Mat>> images, List<Path> paths) {
        int single = 0, retry = 0, always = 0;
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Mat image = images.get(i).get();
            List<Face> first = detector.single().detect(image);
            single += first.isEmpty() ? 1 : 0;
            // The retry's own first pass is the one just made: only photos it would retry cost another pass.
            if (PaddedRetry.retries(first, image) && detector.detect(image).isEmpty()) {
                retry++;
                missing.add(paths.get(i).getParent().getFileName() + "/" + paths.get(i).getFileName());
            }
            always += detector.detectPadded(image).isEmpty() ? 1 : 0;
            image.release();
        }
        return new Row(set, images.size(), single, retry, always, missing);
    }

    static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder("| set | photos | without a face: detector alone | with the padded retry | every photo padded | still without |\n"
                + "|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s |%n", r.set(), r.photos(), r.single(), r.retry(), r.always(),
                    r.stillMissing().isEmpty() ? "" : String.join(", ", r.stillMissing().subList(0, Math.min(5, r.stillMissing().size())))
                            + (r.stillMissing().size() > 5 ? ", ..." : "")));
        }
        return md.toString();
    }

    private static List<Path> photos(Path data, String csv, String folder) throws Exception {
        return PairList.identities(data.resolve(csv), data.resolve(folder)).stream().map(PairList.Labelled::image).toList();
    }

    private static Mat decode(Path path) {
        try {
            return Images.decode(Files.readAllBytes(path));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
