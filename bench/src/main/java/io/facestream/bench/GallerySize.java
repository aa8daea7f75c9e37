package io.facestream.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.facestream.face.Vectors;

/**
 * Open-set identification as the matcher does it, at growing gallery sizes: one enrolment photo per person, the people
 * with several photos first (their other photos are the probes), then people with one photo as distractors; every third
 * single-photo person is never enrolled and probes as a stranger. Per policy: the share of strangers named as anyone,
 * and of probes named as the right person.
 *
 * <p>Policies. "fixed": the pair threshold (1 impostor pair in 10,000). "gallery size": {@code ImpostorTail.identification}
 * with the measured tail for at most 1 % of strangers. The margin policies name a face only if its best person also
 * beats the second-best (different) person by a margin: "threshold + margin" any threshold and margin; "gallery size +
 * margin" the gallery-size threshold plus a margin; "gallery size at rate r + margin" the gallery-size threshold for a
 * looser stranger rate r plus a margin (the form the matcher runs: MatcherConfig.Margin). Their parameters are chosen, at
 * the largest gallery, as the ones with the most true accepts that name at most 1 % of strangers, on one half of the
 * people (probe people and strangers alternate between the halves; the gallery is everyone's), and applied to the other
 * half, both ways (2-fold cross-validation): every row counts every probe and stranger, none judged with parameters
 * chosen on it. "matcher default" is the matcher's own margin, chosen on all these photos (in-sample). The tail itself
 * is measured on these same photos (in-sample for the impostor side) in every row.
 */
record GallerySize(String policy, int gallery, int probes, int strangers, String threshold, String margin,
                   double trueAccept, double strangersNamed) {

    static final double STRANGER_RATE = 0.01;
    /** Looser stranger rates the gallery-size threshold is tried at, a margin then keeping strangers to 1 %. */
    static final double[] LOOSER_RATES = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0};

    /** A face's two closest enrolled people: the best (index into the gallery) and their similarities; second is -2 with one person. */
    record Top2(int best, double first, double second) {
        boolean named(double threshold, double margin) {
            return first >= threshold && first - second >= margin;
        }
    }

    /** Queries at one gallery size: probes (with their person's index into the gallery ids) and strangers, each split into halves. */
    private record Queries(List<String> ids, List<Top2> probes, List<String> probeIds, List<Integer> probeHalf, List<Top2> strangers, List<Integer> strangerHalf) {
    }

    /** The table's rows, and the trade-off at the largest gallery. */
    record Result(List<GallerySize> rows, List<TradeOff> tradeOff) {
    }

    /**
     * @param model the embedder's model name, for the matcher's margin ({@code MatcherConfig.CALIBRATED_MARGINS})
     * @param sizes gallery sizes measured besides the largest (every enrolled person)
     */
    static Result run(FacePipeline pipeline, List<PairList.Labelled> photos, QualityBench.Calibration calibration, String model, int[] sizes) {
        io.facestream.matcher.MatcherConfig.Margin matcher = io.facestream.matcher.MatcherConfig.CALIBRATED_MARGINS.get(
                io.facestream.face.EmbeddingModel.parse(model));
        Map<String, List<Path>> byIdentity = new LinkedHashMap<>();
        photos.forEach(p -> byIdentity.computeIfAbsent(p.identity(), k -> new ArrayList<>()).add(p.image()));
        List<String> ids = new ArrayList<>();
        List<float[]> gallery = new ArrayList<>();
        List<String> probeIds = new ArrayList<>();
        List<Integer> probeHalf = new ArrayList<>();
        List<float[]> probes = new ArrayList<>();
        List<float[]> strangers = new ArrayList<>();
        List<String> distractorIds = new ArrayList<>();
        List<float[]> distractors = new ArrayList<>();
        int single = 0, multi = 0;
        for (var entry : byIdentity.entrySet()) {
            List<Path> images = entry.getValue();
            float[] first = pipeline.embedding(images.get(0));
            if (images.size() == 1) {
                if (first != null) {
                    if (single++ % 3 == 0) {
                        strangers.add(first);
                    } else {
                        distractorIds.add(entry.getKey());
                        distractors.add(first);
                    }
                }
                continue;
            }
            if (first == null) {
                continue;
            }
            ids.add(entry.getKey());
            gallery.add(first);
            int half = multi++ % 2;
            for (Path probe : images.subList(1, images.size())) {
                float[] v = pipeline.embedding(probe);
                if (v != null) {
                    probeIds.add(entry.getKey());
                    probeHalf.add(half);
                    probes.add(v);
                }
            }
        }
        ids.addAll(distractorIds);
        gallery.addAll(distractors);
        List<Integer> strangerHalf = new ArrayList<>();
        for (int s = 0; s < strangers.size(); s++) {
            strangerHalf.add(s % 2);
        }
        double pair = calibration.strictThreshold();
        int largest = gallery.size();
        Queries all = queries(largest, ids, gallery, probeIds, probeHalf, probes, strangers, strangerHalf);
        // Parameters chosen on each half at the largest gallery, each applied to the other half (2-fold cross-validation).
        double[][] free = {chooseFree(all, 0), chooseFree(all, 1)};
        double scaledLargest = calibration.tail().identification(pair, STRANGER_RATE, largest);
        double[] marginOnScaled = {chooseMargin(all, 0, scaledLargest), chooseMargin(all, 1, scaledLargest)};
        double[][] looser = {chooseLooser(all, 0, calibration, largest), chooseLooser(all, 1, calibration, largest)};
        List<GallerySize> out = new ArrayList<>();
        int[] measured = java.util.stream.IntStream.concat(java.util.Arrays.stream(sizes).filter(n -> n < largest), java.util.stream.IntStream.of(largest)).toArray();
        for (int size : measured) {
            int n = Math.min(size, largest);
            Queries q = n == largest ? all : queries(n, ids, gallery, probeIds, probeHalf, probes, strangers, strangerHalf);
            double scaled = calibration.tail().identification(pair, STRANGER_RATE, n);
            out.add(measure("fixed (pair FAR 1e-4)", n, q, new double[] {pair, pair}, new double[2]));
            out.add(measure("gallery size (≤ 1 % strangers)", n, q, new double[] {scaled, scaled}, new double[2]));
            out.add(measure("threshold + margin", n, q, new double[] {free[0][0], free[1][0]}, new double[] {free[0][1], free[1][1]}));
            out.add(measure("gallery size + margin", n, q, new double[] {scaled, scaled}, marginOnScaled));
            out.add(measure("gallery size at " + percent(looser[0][0]) + " / " + percent(looser[1][0]) + " % + margin", n, q,
                    new double[] {calibration.tail().identification(pair, looser[0][0], n), calibration.tail().identification(pair, looser[1][0], n)},
                    new double[] {looser[0][1], looser[1][1]}));
            if (matcher != null) { // the matcher's default, chosen on all these photos: in-sample
                // As Lookup: the margin only where the threshold alone rises above the pair threshold for this size.
                boolean needed = scaled != pair;
                double t = needed ? calibration.tail().identification(pair, Math.min(0.5, STRANGER_RATE * matcher.strangerRateFactor()), n) : pair;
                double m = needed ? matcher.value() : 0;
                out.add(measure("matcher default: gallery size at " + percent(Math.min(0.5, STRANGER_RATE * matcher.strangerRateFactor()))
                        + " % + margin where the threshold alone would rise (in-sample)", n, q, new double[] {t, t}, new double[] {m, m}));
            }
        }
        return new Result(out, tradeOff(all));
    }

    private static String percent(double rate) {
        return new java.math.BigDecimal(100 * rate).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /**
     * At the largest gallery, over every query (in-sample for both families; the margin family has one parameter more,
     * so its curve is the more optimistic): for each number of strangers named, the most true accepts a threshold alone
     * reaches, and a threshold with a margin.
     */
    record TradeOff(int strangersNamed, int strangers, double thresholdOnly, double thresholdOnlyTrueAccept,
                    double threshold, double margin, double trueAccept) {
    }

    /** Strangers named (of all strangers) the trade-off table has a row for. */
    static final int[] TRADE_OFF_NAMED = {0, 1, 2, 3, 4, 5, 7, 10, 15};

    private static List<TradeOff> tradeOff(Queries q) {
        List<Double> candidates = new ArrayList<>();
        q.probes().forEach(t -> candidates.add(t.first()));
        q.strangers().forEach(t -> candidates.add(Math.nextUp(t.first())));
        candidates.sort(java.util.Comparator.reverseOrder());
        int k = TRADE_OFF_NAMED.length;
        int[] onlyAccepted = new int[k], accepted = new int[k];
        double[] onlyThreshold = new double[k], threshold = new double[k], margin = new double[k];
        java.util.Arrays.fill(onlyAccepted, -1);
        java.util.Arrays.fill(accepted, -1);
        int probes = 0, strangers = 0;
        for (double t : candidates) {
            for (double m : margins()) {
                int[] c = counts(q, -1, t, m);
                probes = c[0];
                strangers = c[2];
                for (int i = 0; i < k; i++) {
                    if (c[3] <= TRADE_OFF_NAMED[i]) {
                        if (m == 0 && c[1] > onlyAccepted[i]) {
                            onlyAccepted[i] = c[1];
                            onlyThreshold[i] = t;
                        }
                        if (c[1] > accepted[i]) {
                            accepted[i] = c[1];
                            threshold[i] = t;
                            margin[i] = m;
                        }
                    }
                }
            }
        }
        List<TradeOff> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(new TradeOff(TRADE_OFF_NAMED[i], strangers, onlyThreshold[i], (double) onlyAccepted[i] / Math.max(1, probes),
                    threshold[i], margin[i], (double) accepted[i] / Math.max(1, probes)));
        }
        return out;
    }

    private static Queries queries(int n, List<String> ids, List<float[]> gallery, List<String> probeIds, List<Integer> probeHalf,
                                   List<float[]> probes, List<float[]> strangers, List<Integer> strangerHalf) {
        List<float[]> enrolled = gallery.subList(0, n);
        java.util.Set<String> enrolledIds = new java.util.HashSet<>(ids.subList(0, n));
        List<Top2> p = new ArrayList<>();
        List<String> pIds = new ArrayList<>();
        List<Integer> pHalf = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            if (enrolledIds.contains(probeIds.get(i))) {
                p.add(top2(enrolled, probes.get(i)));
                pIds.add(probeIds.get(i));
                pHalf.add(probeHalf.get(i));
            }
        }
        List<Top2> s = strangers.stream().map(v -> top2(enrolled, v)).toList();
        return new Queries(ids, p, pIds, pHalf, s, strangerHalf);
    }

    /** One enrolment photo per person here, so the second-closest face is the second-closest person. */
    static Top2 top2(List<float[]> enrolled, float[] probe) {
        int best = -1;
        double first = -2, second = -2;
        for (int g = 0; g < enrolled.size(); g++) {
            double s = Vectors.dot(probe, enrolled.get(g));
            if (s > first) {
                second = first;
                first = s;
                best = g;
            } else if (s > second) {
                second = s;
            }
        }
        return new Top2(best, first, second);
    }

    /**
     * Every query, half h judged with the parameters of index 1 − h (chosen on the other half): 2-fold cross-validation.
     * Policies that choose nothing pass the same value twice.
     */
    private static GallerySize measure(String policy, int n, Queries q, double[] threshold, double[] margin) {
        int[] a = counts(q, 0, threshold[1], margin[1]), b = counts(q, 1, threshold[0], margin[0]);
        int probes = a[0] + b[0], strangers = a[2] + b[2];
        return new GallerySize(policy, n, probes, strangers, pairOf(threshold), pairOf(margin),
                (double) (a[1] + b[1]) / Math.max(1, probes), (double) (a[3] + b[3]) / Math.max(1, strangers));
    }

    private static String pairOf(double[] v) {
        return v[0] == v[1] ? String.format(java.util.Locale.ROOT, "%.4f", v[0]) : String.format(java.util.Locale.ROOT, "%.4f / %.4f", v[0], v[1]);
    }

    /** {probes, true accepts, strangers, strangers named} over one half (or all, half -1). */
    private static int[] counts(Queries q, int half, double threshold, double margin) {
        int probes = 0, accepted = 0, strangers = 0, named = 0;
        for (int i = 0; i < q.probes().size(); i++) {
            if (half >= 0 && q.probeHalf().get(i) != half) {
                continue;
            }
            probes++;
            Top2 t = q.probes().get(i);
            accepted += t.named(threshold, margin) && q.ids().get(t.best()).equals(q.probeIds().get(i)) ? 1 : 0;
        }
        for (int i = 0; i < q.strangers().size(); i++) {
            if (half >= 0 && q.strangerHalf().get(i) != half) {
                continue;
            }
            strangers++;
            named += q.strangers().get(i).named(threshold, margin) ? 1 : 0;
        }
        return new int[] {probes, accepted, strangers, named};
    }

    /** Margins tried: 0 to 0.15 in steps of 0.0005 (dlib's similarities crowd into 0.90–0.97, ArcFace's spread over 0–0.8). */
    private static double[] margins() {
        double[] m = new double[301];
        for (int i = 0; i < m.length; i++) {
            m[i] = i * 0.0005;
        }
        return m;
    }

    /** Whether (accepted, named) beats the best so far: more true accepts, then fewer strangers named; ties keep the earlier. */
    private static boolean better(int[] c, int[] best) {
        if (c[3] > STRANGER_RATE * c[2]) {
            return false;
        }
        return best == null || c[1] > best[1] || (c[1] == best[1] && c[3] < best[3]);
    }

    /** {threshold, margin}: thresholds are the probes' and strangers' own best similarities on the half (where counts change). */
    private static double[] chooseFree(Queries q, int half) {
        List<Double> candidates = new ArrayList<>();
        for (int i = 0; i < q.probes().size(); i++) {
            if (q.probeHalf().get(i) == half) {
                candidates.add(q.probes().get(i).first());
            }
        }
        for (int i = 0; i < q.strangers().size(); i++) {
            if (q.strangerHalf().get(i) == half) {
                candidates.add(Math.nextUp(q.strangers().get(i).first()));
            }
        }
        // From the highest threshold down and the smallest margin up, so a tie keeps the higher threshold and the smaller margin.
        candidates.sort(java.util.Comparator.reverseOrder());
        int[] best = null;
        double[] chosen = {Double.POSITIVE_INFINITY, 0};
        for (double t : candidates) {
            for (double m : margins()) {
                int[] c = counts(q, half, t, m);
                if (better(c, best)) {
                    best = c;
                    chosen = new double[] {t, m};
                }
            }
        }
        return chosen;
    }

    /** The smallest margin over a given threshold with the most true accepts at ≤ 1 % strangers on the half. */
    private static double chooseMargin(Queries q, int half, double threshold) {
        int[] best = null;
        double chosen = 0;
        for (double m : margins()) {
            int[] c = counts(q, half, threshold, m);
            if (better(c, best)) {
                best = c;
                chosen = m;
            }
        }
        return chosen;
    }

    /** {stranger rate, margin} for the gallery-size threshold at a looser rate plus a margin, chosen on the half. */
    private static double[] chooseLooser(Queries q, int half, QualityBench.Calibration calibration, int n) {
        int[] best = null;
        double[] chosen = {STRANGER_RATE, 0};
        for (double rate : LOOSER_RATES) {
            double t = calibration.tail().identification(calibration.strictThreshold(), rate, n);
            for (double m : margins()) {
                int[] c = counts(q, half, t, m);
                if (better(c, best)) {
                    best = c;
                    chosen = new double[] {rate, m};
                }
            }
        }
        return chosen;
    }

}
