package io.facestream.face;

import java.util.Arrays;
import java.util.Locale;

/**
 * The upper tail of one recognizer's impostor distribution: for a few per-pair false-accept rates, the similarity that
 * share of impostor pairs (photos of two different people) reaches, as the bench measures it over 1.9 million pairs.
 * Between the measured points the rate is interpolated on a log scale, beyond the rarest one extrapolated along the
 * last two points' slope (an exponential tail), which is how impostor score tails of these recognizers look down to
 * the 1e-6 the bench can still count.
 *
 * <p>Open-set identification compares a stranger with every face of the gallery, so the chance that they are named
 * at all grows with the gallery: with N comparisons at a per-pair rate f it is 1 − (1 − f)^N. {@link #forStrangerRate}
 * inverts that: the threshold at which a stranger is named with probability {@code rate} in a gallery of N.
 *
 * @param far       per-pair false-accept rates, decreasing (e.g. 1e-2 … 1e-6)
 * @param threshold the similarity at each rate, increasing
 */
public record ImpostorTail(double[] far, double[] threshold) {

    public ImpostorTail {
        if (far.length < 2 || far.length != threshold.length) {
            throw new IllegalArgumentException("need at least two (rate, threshold) points, got " + far.length + " and " + threshold.length);
        }
        for (int i = 1; i < far.length; i++) {
            if (!(far[i] < far[i - 1]) || !(threshold[i] > threshold[i - 1])) {
                throw new IllegalArgumentException("rates must decrease and thresholds increase: " + Arrays.toString(far) + " " + Arrays.toString(threshold));
            }
        }
        far = far.clone();
        threshold = threshold.clone();
    }

    /** Points as "rate=threshold" pairs: {@code of(1e-3, 0.234, 1e-4, 0.289)}. */
    public static ImpostorTail of(double... rateThenThreshold) {
        double[] f = new double[rateThenThreshold.length / 2], t = new double[rateThenThreshold.length / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = rateThenThreshold[2 * i];
            t[i] = rateThenThreshold[2 * i + 1];
        }
        return new ImpostorTail(f, t);
    }

    /** The per-pair false-accept rate that names a stranger with probability {@code strangerRate} after {@code comparisons} comparisons. */
    public static double pairRate(double strangerRate, long comparisons) {
        if (comparisons <= 1) {
            return strangerRate;
        }
        // 1 − (1 − p)^(1/N), written so it stays exact for tiny rates and large N.
        return -Math.expm1(Math.log1p(-strangerRate) / comparisons);
    }

    /** The similarity at which a stranger compared with {@code comparisons} faces is named with probability {@code strangerRate}. */
    public double forStrangerRate(double strangerRate, long comparisons) {
        return at(pairRate(strangerRate, comparisons));
    }

    /**
     * The identification threshold the matcher uses and the bench measures: the one for the stranger rate and the
     * gallery's size, never below the 1:1 pair threshold (small galleries keep the pair threshold they always had).
     */
    public double identification(double pairThreshold, double strangerRate, long comparisons) {
        return Math.max(pairThreshold, forStrangerRate(strangerRate, comparisons));
    }

    /** The similarity that a share {@code pairFar} of impostor pairs reaches. */
    public double at(double pairFar) {
        double x = Math.log10(pairFar);
        int n = far.length;
        int hi = 1;
        while (hi < n - 1 && Math.log10(far[hi]) > x) {
            hi++;
        }
        int lo = hi - 1;
        double x0 = Math.log10(far[lo]), x1 = Math.log10(far[hi]);
        return threshold[lo] + (x - x0) * (threshold[hi] - threshold[lo]) / (x1 - x0);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < far.length; i++) {
            s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0e=%.4f", far[i], threshold[i]));
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImpostorTail other && Arrays.equals(far, other.far) && Arrays.equals(threshold, other.threshold);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(far) + Arrays.hashCode(threshold);
    }
}
