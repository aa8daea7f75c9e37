package io.facestream.matcher;

import java.util.Locale;
import java.util.function.Function;

import io.facestream.face.ImpostorTail;
import io.facestream.matcher.gallery.Erasures;
import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.Gallery;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.Values;

/**
 * What the read path and the people writer both ask of the galleries: the closest enrolled person, and whether a
 * similarity makes a face that person. The one place a match is decided.
 *
 * <p>Two thresholds. Comparing two faces (verification, negative examples) uses the recognizer's calibrated pair
 * threshold (1 impostor pair in 10,000). Naming a face out of a gallery compares it with every enrolled face, and
 * per-pair false accepts add up: with 2,917 people enrolled the pair threshold named 22.8 % of strangers (issue 14).
 * So identification uses the threshold at which a stranger is named with at most the stranger rate (1 %) for the
 * gallery's current size, from the recognizer's impostor tail, and never less than the pair threshold.
 *
 * <p>A recognizer with a margin ({@link MatcherConfig#CALIBRATED_MARGINS}: dlib's ResNet) names a face only if its best
 * person also beats the second-best person by the margin; its threshold is then taken for a looser stranger rate, since
 * the margin is what keeps strangers unnamed (a stranger's best and second-best people tend to be equally close).
 */
public final class Lookup {

    /** The threshold a face was named (or not) by, the margin over the second-best person (0: none), and why, for the answer. */
    public record Threshold(float value, float margin, String reason) {
    }

    /** A face's closest enrolled person (null: nobody) and the similarity of the next, different person (-2: nobody). */
    public record Closest(PersonMatch best, float second) {
    }

    private final Function<String, Gallery> galleries;
    private final Erasures erasures;
    private final MatcherConfig config;

    /** @param galleries each recognizer's gallery (the matcher's {@link Galleries}, or a replay's read-only snapshot) */
    public Lookup(Function<String, Gallery> galleries, Erasures erasures, MatcherConfig config) {
        this.galleries = galleries;
        this.erasures = erasures;
        this.config = config;
    }

    /** The 1:1 threshold: two faces are one person at or above it. */
    float pairThreshold(String model) {
        return config.threshold(model);
    }

    /** At or above the recognizer's calibrated pair threshold: the same person (1:1). */
    boolean verified(float similarity, String model) {
        return similarity >= config.threshold(model);
    }

    /** The threshold (and margin) for naming a face out of this recognizer's gallery as it is now. */
    public Threshold identification(String model) {
        return identification(model, config.margin(model));
    }

    /**
     * The threshold of {@link #known}: the gallery-size threshold for the stranger rate, without a margin. Registration
     * refuses a face this close to someone even when another person is as close (the margin decides whom to name, not
     * whether the face is someone's), and the looser threshold a margin comes with would refuse new people who merely
     * resemble someone (at 1,000 dlib faces its pair threshold named 7 % of strangers).
     */
    Threshold knownThreshold(String model) {
        return identification(model, null);
    }

    private Threshold identification(String model, MatcherConfig.Margin margin) {
        float pair = config.threshold(model);
        ImpostorTail tail = config.impostorTail(model);
        if (tail == null) {
            return new Threshold(pair, margin == null ? 0 : margin.value(), (config.strangerRate() > 0 ? "fixed: no impostor distribution measured for " + model
                    : "fixed: FACESTREAM_MATCH_THRESHOLD or FACESTREAM_STRANGER_RATE=0")
                    + (margin == null ? "" : String.format(Locale.ROOT, "; and a margin of %s over the second-best person", margin.value())));
        }
        long comparisons = gallery(model).comparisons();
        double rate = config.strangerRate();
        double alone = tail.identification(pair, rate, comparisons);
        // The margin only where the threshold alone would have to rise: in a gallery small enough for the pair threshold
        // to keep strangers under the rate (about 100 faces at 1 %), it would cost true accepts for nothing (dlib at 100
        // people: 66.8 % against 75.0 %, strangers 0.21 % against 0.42 %; docs/quality.md).
        if (margin == null || alone == pair) {
            String strangers = String.format(Locale.ROOT, "at most %s %% of strangers named with %d faces enrolled", percent(rate), comparisons);
            return alone == pair ? new Threshold(pair, 0, "pair threshold (1 impostor pair in 10,000): " + strangers)
                    : new Threshold((float) alone, 0, String.format(Locale.ROOT, "gallery size: %s (1 impostor pair in %,.0f)", strangers,
                            1 / ImpostorTail.pairRate(rate, comparisons)));
        }
        // With a margin, the threshold is taken for a looser rate (capped at one stranger in two); the margin keeps them to the rate.
        double loose = Math.min(0.5, rate * margin.strangerRateFactor());
        double scaled = tail.identification(pair, loose, comparisons);
        String strangers = String.format(Locale.ROOT, "at most %s %% of strangers named with %d faces enrolled", percent(loose), comparisons);
        String with = String.format(Locale.ROOT, "; and a margin of %s over the second-best person (at most %s %% of strangers named with it)",
                margin.value(), percent(rate));
        if (scaled == pair) {
            return new Threshold(pair, margin.value(), "pair threshold (1 impostor pair in 10,000): " + strangers + with);
        }
        return new Threshold((float) scaled, margin.value(), String.format(Locale.ROOT, "gallery size: %s (1 impostor pair in %,.0f)", strangers,
                1 / ImpostorTail.pairRate(loose, comparisons)) + with);
    }

    private static String percent(double rate) {
        return new java.math.BigDecimal(100 * rate).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /**
     * The closest enrolled person and the next one, skipping anyone erased whose DELETE has not reached this instance yet
     * and anyone the face is a negative example of. Erasures are checked (in Redis) only for people who decide the answer:
     * the best one at or above the threshold, and the second when they alone keep the best from clearing the margin.
     */
    public Closest closest(FaceEmbedding face, Threshold threshold) {
        Gallery gallery = gallery(face.getModel());
        float[] probe = Values.floats(face.getVector());
        float veto = pairThreshold(face.getModel());
        int wanted = threshold.margin() > 0 ? 2 : 1;
        while (true) {
            java.util.List<PersonMatch> top = gallery.best(probe, veto, wanted);
            PersonMatch best = top.isEmpty() ? null : top.get(0);
            PersonMatch next = top.size() > 1 ? top.get(1) : null;
            if (best != null && best.getSimilarity() >= threshold.value() && erasures.erased(best.getPersonId())) {
                gallery.remove(best.getPersonId());
            } else if (best != null && next != null && best.getSimilarity() >= threshold.value()
                    && best.getSimilarity() - next.getSimilarity() < threshold.margin() && erasures.erased(next.getPersonId())) {
                gallery.remove(next.getPersonId());
            } else {
                return new Closest(best, next == null ? -2f : next.getSimilarity());
            }
        }
    }

    /** The person the face is named, or null: the best at or above the threshold and ahead of the next person by the margin. */
    public static PersonMatch named(Closest closest, Threshold threshold) {
        PersonMatch best = closest.best();
        return best != null && best.getSimilarity() >= threshold.value() && best.getSimilarity() - closest.second() >= threshold.margin()
                ? best : null;
    }

    /** The closest enrolled person if they are at or above {@link #knownThreshold} (registration's "already enrolled"), else null. */
    PersonMatch known(FaceEmbedding face) {
        Threshold threshold = knownThreshold(face.getModel());
        return named(closest(face, threshold), threshold);
    }

    /** The probe against one person; null if they were erased or have no face in this recognizer's gallery. */
    PersonMatch compare(long personId, FaceEmbedding probe) {
        return erasures.erased(personId) ? null : gallery(probe.getModel()).compare(personId, Values.floats(probe.getVector()));
    }

    Gallery gallery(String model) {
        Gallery gallery = galleries.apply(model);
        if (gallery == null) {
            throw new IllegalStateException("no gallery for recognizer " + model + "; known: " + config.thresholds().keySet());
        }
        return gallery;
    }
}
