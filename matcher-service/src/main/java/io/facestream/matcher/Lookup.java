package io.facestream.matcher;

import io.facestream.matcher.gallery.Erasures;
import io.facestream.matcher.gallery.Galleries;
import io.facestream.matcher.gallery.Gallery;
import io.facestream.schemas.FaceEmbedding;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.Values;

/**
 * What the read path and the people writer both ask of the galleries: the closest enrolled person, and whether a
 * similarity makes a face that person. The one place a match is decided.
 */
final class Lookup {

    private final Galleries galleries;
    private final Erasures erasures;
    private final MatcherConfig config;

    Lookup(Galleries galleries, Erasures erasures, MatcherConfig config) {
        this.galleries = galleries;
        this.erasures = erasures;
        this.config = config;
    }

    float threshold(String model) {
        return config.threshold(model);
    }

    /** At or above the recognizer's calibrated threshold: the same person. */
    boolean same(float similarity, String model) {
        return similarity >= config.threshold(model);
    }

    /** The closest enrolled person, skipping anyone erased whose DELETE has not reached this instance yet. */
    PersonMatch best(FaceEmbedding face) {
        Gallery gallery = gallery(face.getModel());
        float[] probe = Values.floats(face.getVector());
        PersonMatch best = gallery.best(probe);
        while (best != null && same(best.getSimilarity(), face.getModel()) && erasures.erased(best.getPersonId())) {
            gallery.remove(best.getPersonId());
            best = gallery.best(probe);
        }
        return best;
    }

    /** The closest enrolled person if they are close enough to be named, else null. */
    PersonMatch known(FaceEmbedding face) {
        PersonMatch best = best(face);
        return best != null && same(best.getSimilarity(), face.getModel()) ? best : null;
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
