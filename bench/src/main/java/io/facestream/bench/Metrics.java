package io.facestream.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Verification and identification statistics. A similarity of NaN means no face was found: always counted wrong. */
final class Metrics {

    static final int FOLDS = 10;

    private Metrics() {
    }

    /** LFW protocol: threshold chosen on 9 folds, accuracy measured on the 10th; returns {mean, std}. Pairs are dealt to folds in turn. */
    static double[] tenFoldAccuracy(double[] similarity, boolean[] same) {
        int[] fold = new int[same.length];
        int positives = 0, negatives = 0;
        for (int i = 0; i < same.length; i++) {
            fold[i] = same[i] ? positives++ % FOLDS : negatives++ % FOLDS;
        }
        double[] accuracies = new double[FOLDS];
        for (int k = 0; k < FOLDS; k++) {
            List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
            for (int i = 0; i < same.length; i++) {
                (fold[i] == k ? test : train).add(i);
            }
            double threshold = bestThreshold(similarity, same, train);
            accuracies[k] = accuracy(similarity, same, test, threshold);
        }
        double mean = Arrays.stream(accuracies).average().orElse(0);
        double variance = Arrays.stream(accuracies).map(a -> (a - mean) * (a - mean)).sum() / FOLDS;
        return new double[] {mean, Math.sqrt(variance)};
    }

    static double bestThreshold(double[] similarity, boolean[] same, List<Integer> indices) {
        double[] candidates = indices.stream().mapToDouble(i -> similarity[i]).filter(s -> !Double.isNaN(s)).sorted().distinct().toArray();
        double best = 0, bestAccuracy = -1;
        for (int c = 0; c < candidates.length; c++) {
            double threshold = c == 0 ? candidates[0] - 1e-6 : (candidates[c - 1] + candidates[c]) / 2;
            double accuracy = accuracy(similarity, same, indices, threshold);
            if (accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                best = threshold;
            }
        }
        return best;
    }

    static double accuracy(double[] similarity, boolean[] same, List<Integer> indices, double threshold) {
        long correct = indices.stream().filter(i -> !Double.isNaN(similarity[i]) && (similarity[i] >= threshold) == same[i]).count();
        return indices.isEmpty() ? 0 : (double) correct / indices.size();
    }

    /** Area under the ROC curve (probability that a genuine pair outscores an impostor pair); failures score lowest. */
    static double auc(double[] similarity, boolean[] same) {
        List<Double> genuine = new ArrayList<>(), impostor = new ArrayList<>();
        for (int i = 0; i < same.length; i++) {
            double s = Double.isNaN(similarity[i]) ? Double.NEGATIVE_INFINITY : similarity[i];
            (same[i] ? genuine : impostor).add(s);
        }
        double wins = 0;
        for (double g : genuine) {
            for (double m : impostor) {
                wins += g > m ? 1 : g == m ? 0.5 : 0;
            }
        }
        return wins / ((double) genuine.size() * impostor.size());
    }

    /** The lowest threshold at which at most {@code far} of the impostor similarities are accepted. */
    static double thresholdAtFar(double[] impostors, double far) {
        double[] sorted = impostors.clone();
        Arrays.sort(sorted);
        int allowed = (int) Math.floor(far * sorted.length);
        // Accept is similarity >= threshold: put the threshold just above the (allowed+1)-th highest impostor.
        double above = sorted[sorted.length - 1 - allowed];
        return Math.nextUp(above);
    }

    /** Share of genuine similarities at or above the threshold; failures (NaN) are rejections. */
    static double acceptRate(double[] similarities, double threshold) {
        return similarities.length == 0 ? 0 : (double) Arrays.stream(similarities).filter(s -> !Double.isNaN(s) && s >= threshold).count() / similarities.length;
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
    }
}
