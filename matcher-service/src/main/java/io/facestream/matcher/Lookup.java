package io.facestream.matcher;

import java.util.Locale;

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
 */
final class Lookup {

    /** The threshold a face was named (or not) by, and why, for the answer. */
    record Threshold(float value, String reason) {
    }

    private final Galleries galleries;
    private final Erasures erasures;
    private final MatcherConfig config;

    Lookup(Galleries galleries, Erasures erasures, MatcherConfig config) {
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

    /** The threshold for naming a face out of this recognizer's gallery as it is now. */
    Threshold identification(String model) {
        float pair = config.threshold(model);
        ImpostorTail tail = config.impostorTail(model);
        if (tail == null) {
            return new Threshold(pair, config.strangerRate() > 0 ? "fixed: no impostor distribution measured for " + model
                    : "fixed: FACESTREAM_MATCH_THRESHOLD or FACESTREAM_STRANGER_RATE=0");
        }
        long comparisons = gallery(model).comparisons();
        double rate = config.strangerRate();
        double scaled = tail.identification(pair, rate, comparisons);
        String strangers = String.format(Locale.ROOT, "at most %s %% of strangers named with %d faces enrolled", percent(rate), comparisons);
        if (scaled == pair) {
            return new Threshold(pair, "pair threshold (1 impostor pair in 10,000): " + strangers);
        }
        return new Threshold((float) scaled, String.format(Locale.ROOT, "gallery size: %s (1 impostor pair in %,.0f)", strangers,
                1 / ImpostorTail.pairRate(rate, comparisons)));
    }

    private static String percent(double rate) {
        return new java.math.BigDecimal(100 * rate).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** The closest enrolled person, skipping anyone erased whose DELETE has not reached this instance yet and anyone the face is a negative example of. */
    PersonMatch best(FaceEmbedding face, float threshold) {
        Gallery gallery = gallery(face.getModel());
        float[] probe = Values.floats(face.getVector());
        float veto = pairThreshold(face.getModel());
        PersonMatch best = gallery.best(probe, veto);
        while (best != null && best.getSimilarity() >= threshold && erasures.erased(best.getPersonId())) {
            gallery.remove(best.getPersonId());
            best = gallery.best(probe, veto);
        }
        return best;
    }

    /** The closest enrolled person if they are close enough to be named, else null. */
    PersonMatch known(FaceEmbedding face) {
        float threshold = identification(face.getModel()).value();
        PersonMatch best = best(face, threshold);
        return best != null && best.getSimilarity() >= threshold ? best : null;
    }

    /** The probe against one person; null if they were erased or have no face in this recognizer's gallery. */
    PersonMatch compare(long personId, FaceEmbedding probe) {
        return erasures.erased(personId) ? null : gallery(probe.getModel()).compare(personId, Values.floats(probe.getVector()));
    }

    Gallery gallery(String model) {
        Gallery gallery = galleries.of(model);
        if (gallery == null) {
            throw new IllegalStateException("no gallery for recognizer " + model + "; known: " + config.thresholds().keySet());
        }
        return gallery;
    }
}
