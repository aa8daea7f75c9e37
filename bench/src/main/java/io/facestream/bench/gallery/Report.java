package io.facestream.bench.gallery;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.facestream.face.Vectors;
import io.facestream.matcher.gallery.FaceIndex;

/** The gallery bench's tables, as markdown. */
final class Report {

    private static final String[] KINDS = {"planted real", "real stranger", "synthetic enrolled", "synthetic stranger"};

    private final List<String> sizeRows = new ArrayList<>();
    private final List<String> methodRows = new ArrayList<>();
    private final List<String> loadRows = new ArrayList<>();
    private String distribution = "";
    private final String started = uptime();

    void distribution(RealFaces real, SyntheticFaces synthetic, SplittableRandom random) {
        List<Double> realSame = new ArrayList<>(), realOther = new ArrayList<>();
        for (int i = 0; i < real.size(); i++) {
            for (int j = i + 1; j < real.size(); j++) {
                boolean same = real.identities().get(i).equals(real.identities().get(j));
                if (same || random.nextInt(200) == 0) {
                    (same ? realSame : realOther).add((double) Vectors.dot(real.vectors().get(i), real.vectors().get(j)));
                }
            }
        }
        List<Double> synSame = new ArrayList<>(), synOther = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            float[] a = synthetic.person(random), b = synthetic.person(random);
            float[] a1 = synthetic.photo(a, random);
            synSame.add((double) Vectors.dot(a1, synthetic.photo(a, random)));
            synOther.add((double) Vectors.dot(a1, synthetic.photo(b, random)));
        }
        distribution = String.format(Locale.ROOT, """
                | pairs | same person: mean ± sd | different people: mean ± sd, 99.9th percentile |
                |---|---|---|
                | real (ArcFace MBF int8, %d same / %d different pairs) | %s | %s |
                | synthetic (5,000 / 5,000) | %s | %s |
                """, realSame.size(), realOther.size(), stats(realSame, false), stats(realOther, true), stats(synSame, false), stats(synOther, true));
        System.out.print(distribution);
    }

    private static String stats(List<Double> values, boolean tail) {
        double mean = values.stream().mapToDouble(d -> d).average().orElse(0);
        double sd = Math.sqrt(values.stream().mapToDouble(d -> (d - mean) * (d - mean)).average().orElse(0));
        String out = String.format(Locale.ROOT, "%.3f ± %.3f", mean, sd);
        return tail ? out + String.format(Locale.ROOT, ", %.3f", percentile(values.stream().mapToDouble(d -> d).toArray(), 0.999)) : out;
    }

    void size(int size, int planted, long addNanos, long heapBytes, int bytesPerFace) {
        sizeRows.add(String.format(Locale.ROOT, "| %,d | %,d | %.1f | %.2f | %,d | %,d |", size, planted, addNanos / 1e9, addNanos / 1e3 / size,
                bytesPerFace, heapBytes / size));
    }

    void method(int size, String method, double[] ms, List<GalleryBench.Query> queries, int[][] exactTop, int[][] found, float[] exactBest,
                float[] foundBest, FaceIndex index) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %,d | %s | %.2f | %.2f | %.2f |", size, method, percentile(ms, 0.5),
                percentile(ms, 0.99), percentile(ms, 0.5) / floorMs));
        int hits = 0, total = 0;
        for (String kind : KINDS) {
            int kindHits = 0, kindTotal = 0;
            for (int q = 0; q < queries.size(); q++) {
                if (queries.get(q).kind().equals(kind)) {
                    kindTotal++;
                    if (foundBest[q] == exactBest[q]) {
                        kindHits++;
                    }
                }
            }
            hits += kindHits;
            total += kindTotal;
            row.append(String.format(Locale.ROOT, " %s |", kindTotal == 0 ? "–" : String.format(Locale.ROOT, "%.3f", kindHits / (double) kindTotal)));
        }
        row.append(String.format(Locale.ROOT, " %.3f |", hits / (double) total));
        double recall10 = 0;
        for (int q = 0; q < queries.size(); q++) {
            int[] want = exactTop[q];
            int got = 0;
            for (int slot : found[q]) {
                for (int w : want) {
                    got += w == slot ? 1 : 0;
                }
            }
            recall10 += got / (double) want.length;
        }
        row.append(String.format(Locale.ROOT, " %.3f |", recall10 / queries.size()));
        // The query that matters: an enrolled person's other photo names them (exact top-1 is them), and is still found.
        int plantedTotal = 0, exactNamed = 0, methodNamed = 0;
        for (int q = 0; q < queries.size(); q++) {
            GalleryBench.Query query = queries.get(q);
            if (query.kind().equals("planted real")) {
                plantedTotal++;
                exactNamed += index.owner(exactTop[q][0]) == query.expectedOwner() ? 1 : 0;
                methodNamed += found[q].length > 0 && index.owner(found[q][0]) == query.expectedOwner() ? 1 : 0;
            }
        }
        row.append(String.format(Locale.ROOT, " %d / %d / %d |", methodNamed, exactNamed, plantedTotal));
        methodRows.add(row.toString());
    }

    private final List<String> floorRows = new ArrayList<>();

    /** The last memory floor measured: each method's p50 is also given as a multiple of it. */
    private double floorMs = Double.NaN;

    void floor(int size, double ms, long sink) {
        floorMs = ms;
        floorRows.add(String.format(Locale.ROOT, "| %,d | %.2f | %.1f |", size, ms, size * 64 / 1e6 / ms));
        System.out.println(floorRows.get(floorRows.size() - 1) + (sink == 42 ? "" : ""));
    }

    String lastRow() {
        return methodRows.get(methodRows.size() - 1);
    }

    void load(String row) {
        loadRows.add(row);
    }

    String markdown(String args) {
        return String.format(Locale.ROOT, """
                ## Gallery

                Written by `GalleryBench` (bench module, `%s`); JDK %s, one thread, load average at start: %s; at end: %s.

                **Faces.** Synthetic 512-d faces drawn from the real embeddings' distribution (Gaussian with the mean and
                covariance of ArcFace MBF int8 embeddings of LFW, CelebA and deepface photos; a photo = a person draw plus a
                within-person draw), plus real people planted: the first photo of everyone with two or more photos.
                Similarities, real against synthetic:

                %s
                **Gallery build** (adding the faces one by one, the way enrolment does; heap measured after a GC, bench data included):

                | faces | of them real | add all (s CPU) | per face (µs CPU) | bytes per face (vector + codes + owner) | heap per face (B) |
                |---|---|---|---|---|---|
                %s

                **Search, one thread.** Recall@1: the method's top-1 has the exact top-1's similarity. Planted: photos of
                enrolled real people named by the method / by exact search / probes.

                | faces | method | p50 ms CPU | p99 ms CPU | p50 / memory floor | recall@1 planted real | real strangers | synthetic enrolled | synthetic strangers | all | recall@10 | planted named (method / exact / probes) |
                |---|---|---|---|---|---|---|---|---|---|---|---|
                %s

                **Memory floor** (the same run, measured just before the searches): summing an array of as many bytes as
                the faces' full codes (64 B a face), once — what one pass over the full codes must at least take here now.
                The search table gives each p50 as a multiple of it, a yardstick that moves with the machine's load.

                | faces | ms CPU (p50 of 20) | GB/s |
                |---|---|---|
                %s
                %s
                """, args, System.getProperty("java.version"), started, uptime(), distribution, String.join("\n", sizeRows),
                String.join("\n", methodRows), String.join("\n", floorRows), loadRows.isEmpty() ? "" : "\n**Load at start**\n\n" + String.join("\n", loadRows) + "\n");
    }

    static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return String.valueOf(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
