package io.facestream.bench.gallery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import io.facestream.matcher.gallery.FaceIndex;

/**
 * How fast and how right the matcher's gallery finds the closest face among up to a million, on one thread.
 *
 * <pre>
 * java -cp ... io.facestream.bench.gallery.GalleryBench [--sizes 10000,100000,1000000] [--methods 4000:4000,8000:500]
 *      [--queries 150] [--planted-probes 1000] [--data ../shared/data] [--out docs/gallery.md]
 * </pre>
 * A method {@code C:R} keeps the C faces nearest by Hamming distance, then the R of them the codes estimate best with the
 * probe's floats, and re-ranks those exactly; {@code C:C} re-ranks all C exactly (the index before the estimate step).
 * {@code --candidates 4000,8000} is short for {@code --methods 4000:4000,8000:8000}.
 * The gallery holds synthetic faces drawn from the real embeddings' distribution ({@link SyntheticFaces}) plus real
 * ones planted: the first photo of each person with 2+ photos in LFW, CelebA and deepface. Queries: other photos of
 * the planted people (the query that matters: an enrolled person must be found), real strangers (people with one
 * photo, not enrolled), synthetic photos of enrolled synthetic people, and synthetic strangers. Each query's exact
 * answer (every face, float) is the reference for recall.
 */
public final class GalleryBench {

    /** Per-query times are this thread's CPU time: the machine is shared, and wall time would measure the neighbours. */
    static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    record Query(String kind, float[] vector, long expectedOwner) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int[] sizes = Arrays.stream(options.getOrDefault("sizes", "10000,100000").split(",")).mapToInt(Integer::parseInt).toArray();
        String methodList = options.containsKey("candidates")
                ? Arrays.stream(options.get("candidates").split(",")).map(c -> c + ":" + c).reduce((a, b) -> a + "," + b).orElseThrow()
                : options.getOrDefault("methods", "4000:4000,8000:500");
        int[][] methods = Arrays.stream(methodList.split(",")).map(m -> Arrays.stream(m.split(":")).mapToInt(Integer::parseInt).toArray())
                .toArray(int[][]::new);
        int perKind = Integer.parseInt(options.getOrDefault("queries", "150"));
        Path data = Path.of(options.getOrDefault("data", "../shared/data"));
        Path out = Path.of(options.getOrDefault("out", "docs/gallery.md"));

        RealFaces real = RealFaces.load(data, Path.of(options.getOrDefault("real-cache", "bench/target/gallery-real-faces.bin")));
        SyntheticFaces synthetic = new SyntheticFaces(real);
        SplittableRandom random = new SplittableRandom(13);
        System.out.printf(Locale.ROOT, "real faces: %d, within-person deviations: %d, person scale %.3f%n", real.size(), synthetic.withinSamples(),
                synthetic.betweenScale());
        Report report = new Report();
        report.distribution(real, synthetic, random.split());

        // Planted: owner ids 1..P are real people (first photo enrolled); synthetic people take ids from 1,000,000 up.
        Map<String, List<float[]>> byPerson = new LinkedHashMap<>();
        for (int i = 0; i < real.size(); i++) {
            byPerson.computeIfAbsent(real.identities().get(i), k -> new ArrayList<>()).add(real.vectors().get(i));
        }
        FaceIndex index = new FaceIndex(real.vectors().get(0).length);
        List<Query> queries = new ArrayList<>();
        long owner = 0;
        int strangers = 0, plantedProbes = 0;
        int maxPlantedProbes = Integer.parseInt(options.getOrDefault("planted-probes", "1000"));
        for (List<float[]> photos : byPerson.values()) {
            if (photos.size() >= 2) {
                index.add(++owner, photos.get(0));
                for (float[] probe : photos.subList(1, photos.size())) {
                    if (plantedProbes++ < maxPlantedProbes) {
                        queries.add(new Query("planted real", probe, owner));
                    }
                }
            } else if (strangers++ < perKind) {
                queries.add(new Query("real stranger", photos.get(0), -1));
            }
        }
        int planted = index.size();
        List<float[]> syntheticPeople = new ArrayList<>();
        long syntheticOwner = 1_000_000;
        for (int i = 0; i < perKind; i++) {
            queries.add(new Query("synthetic stranger", synthetic.photo(synthetic.person(random), random), -1));
        }
        System.out.printf(Locale.ROOT, "planted %d real people, %d queries%n", planted, queries.size());

        long addNanos = 0;
        for (int size : sizes) {
            long genStart = System.nanoTime();
            while (index.size() < size) {
                int batch = Math.min(4096, size - index.size());
                float[][] faces = new float[batch][];
                for (int b = 0; b < batch; b++) {
                    float[] person = synthetic.person(random);
                    if (syntheticPeople.size() < perKind) {
                        syntheticPeople.add(person);
                    }
                    faces[b] = synthetic.photo(person, random);
                }
                long t = CPU.getCurrentThreadCpuTime();
                for (float[] face : faces) {
                    index.add(syntheticOwner++, face);
                }
                addNanos += CPU.getCurrentThreadCpuTime() - t;
            }
            System.out.printf(Locale.ROOT, "%d faces: generated in %.1f s%n", size, (System.nanoTime() - genStart) / 1e9);
            List<Query> all = new ArrayList<>(queries);
            if (all.stream().noneMatch(q -> q.kind().equals("synthetic enrolled"))) {
                for (int i = 0; i < syntheticPeople.size(); i++) {
                    queries.add(new Query("synthetic enrolled", synthetic.photo(syntheticPeople.get(i), random), 1_000_000 + i));
                }
                all = new ArrayList<>(queries);
            }
            System.gc();
            long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            report.size(size, planted, addNanos, heap, index.bytesPerFace());
            // Exact: the reference answers, timed.
            // JIT warm-up, untimed.
            for (int q = 0; q < Math.min(20, all.size()); q++) {
                index.scanExact(all.get(q).vector(), new TopK(10));
                for (int[] method : methods) {
                    index.scanCodes(all.get(q).vector(), method[0], method[1], new TopK(10));
                }
            }
            int[][] exactTop = new int[all.size()][];
            float[] exactBest = new float[all.size()];
            double[] exactMs = new double[all.size()];
            for (int q = 0; q < all.size(); q++) {
                TopK top = new TopK(10);
                long t = CPU.getCurrentThreadCpuTime();
                index.scanExact(all.get(q).vector(), top);
                exactMs[q] = (CPU.getCurrentThreadCpuTime() - t) / 1e6;
                exactTop[q] = top.slots();
                exactBest[q] = top.best();
            }
            // The floor of any full code scan: reading as many bytes as the codes (N × 64 B) once, on this machine, now.
            // Compiled before it is timed (the first size's floor used to run interpreted: 0.5 GB/s at 10,000 faces),
            // and with four independent sums, so that memory and not one chain of additions bounds it.
            long[] bytes = new long[index.size() * 8];
            Arrays.fill(bytes, 7L);
            long sink = 0;
            long[] warm = new long[1 << 14];
            for (int r = 0; r < 5_000; r++) {
                sink += sumAll(warm);
            }
            double[] floorMs = new double[20];
            for (int r = 0; r < floorMs.length; r++) {
                long t = CPU.getCurrentThreadCpuTime();
                sink += sumAll(bytes);
                floorMs[r] = (CPU.getCurrentThreadCpuTime() - t) / 1e6;
            }
            bytes = null;
            report.floor(size, Report.percentile(floorMs, 0.5), sink);
            report.method(size, "exact (float, all faces)", exactMs, all, exactTop, exactTop, exactBest, exactBest, index);
            System.out.println(report.lastRow());
            // Methods take turns query by query, so a change in the machine's load during the run (it is shared) falls
            // on all of them alike instead of on whichever ran at that moment.
            int[][][] found = new int[methods.length][all.size()][];
            float[][] foundBest = new float[methods.length][all.size()];
            double[][] ms = new double[methods.length][all.size()];
            for (int q = 0; q < all.size(); q++) {
                for (int m = 0; m < methods.length; m++) {
                    TopK top = new TopK(10);
                    long t = CPU.getCurrentThreadCpuTime();
                    index.scanCodes(all.get(q).vector(), methods[m][0], methods[m][1], top);
                    ms[m][q] = (CPU.getCurrentThreadCpuTime() - t) / 1e6;
                    found[m][q] = top.slots();
                    foundBest[m][q] = top.best();
                }
            }
            for (int m = 0; m < methods.length; m++) {
                int candidates = methods[m][0], reranked = methods[m][1];
                if (candidates >= size) {
                    continue;
                }
                String name = reranked < candidates
                        ? String.format(Locale.ROOT, "codes: Hamming keeps %,d, estimate keeps %,d, exact re-rank", candidates, reranked)
                        : String.format(Locale.ROOT, "codes: Hamming keeps %,d, exact re-rank", candidates);
                report.method(size, name, ms[m], all, exactTop, found[m], exactBest, foundBest[m], index);
                System.out.println(report.lastRow());
            }
        }
        String markdown = report.markdown(String.join(" ", args));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, markdown);
        System.out.println(markdown);
    }

    static long sumAll(long[] values) {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < values.length; i += 4) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
        }
        for (; i < values.length; i++) {
            s0 += values[i];
        }
        return s0 + s1 + s2 + s3;
    }

    /** The k best faces seen, best first. */
    static final class TopK implements FaceIndex.Visitor {
        private final int[] slots;
        private final float[] similarities;
        private int count;

        TopK(int k) {
            slots = new int[k];
            similarities = new float[k];
        }

        @Override
        public void visit(int slot, long owner, float similarity) {
            if (count == slots.length && similarity <= similarities[count - 1]) {
                return;
            }
            int at = count < slots.length ? count++ : count - 1;
            while (at > 0 && similarities[at - 1] < similarity) {
                slots[at] = slots[at - 1];
                similarities[at] = similarities[at - 1];
                at--;
            }
            slots[at] = slot;
            similarities[at] = similarity;
        }

        int[] slots() {
            return Arrays.copyOf(slots, count);
        }

        float best() {
            return count == 0 ? Float.NaN : similarities[0];
        }
    }
}
