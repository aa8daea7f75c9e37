package io.facestream.matcher.gallery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.facestream.face.Vectors;
import io.facestream.schemas.PersonChange;
import io.facestream.schemas.PersonChangeKind;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.Values;

/** The enrolled people of one recognizer, in memory: every face of every frame is compared against all of them. */
public final class Gallery {

    /** How a person enrolled with several photos is compared; docs/quality.md, "Enrolment", measured both per recognizer. */
    public enum Matching {
        /** The closest of the person's faces. */
        BEST_OF,
        /** The mean of the person's faces, normalised: one vector per person. */
        MEAN_TEMPLATE
    }

    /** @param negatives faces kept as "not this person": a probe as close to one of them as the veto threshold is not named them */
    private record Person(long id, String name, float[][] vectors, float[][] negatives) {
    }

    private final String model;
    private final Matching matching;
    private final Map<Long, Person> people = new ConcurrentHashMap<>();
    /** Vectors a probe is compared with, over all people: what the chance of naming a stranger grows with. */
    private final java.util.concurrent.atomic.AtomicLong comparisons = new java.util.concurrent.atomic.AtomicLong();

    public Gallery(String model, Matching matching) {
        this.model = model;
        this.matching = matching;
    }

    public String model() {
        return model;
    }

    /** Idempotent: a change carries the person's whole state, so applying it twice or late is harmless. */
    public void apply(PersonChange change) {
        if (!change.getModel().equals(model)) {
            return;
        }
        if (change.getKind() == PersonChangeKind.DELETE) {
            remove(change.getPersonId());
            return;
        }
        float[][] vectors = change.getEmbeddings().stream().map(Values::floats).toArray(float[][]::new);
        if (matching == Matching.MEAN_TEMPLATE && vectors.length > 1) {
            vectors = new float[][] {Vectors.meanDirection(java.util.Arrays.asList(vectors))};
        }
        float[][] negatives = change.getNegatives() == null ? new float[0][] : change.getNegatives().stream().map(Values::floats).toArray(float[][]::new);
        Person person = new Person(change.getPersonId(), change.getName(), vectors, negatives);
        people.compute(change.getPersonId(), (id, before) -> {
            comparisons.addAndGet(person.vectors().length - (before == null ? 0 : before.vectors().length));
            return person;
        });
    }

    public int size() {
        return people.size();
    }

    /** How many vectors a probe is compared with: every face (best-of) or one template per person. */
    public long comparisons() {
        return comparisons.get();
    }

    /** The most similar person (best of their faces), or null for an empty gallery; {@link #best(float[], float)} without negatives. */
    public PersonMatch best(float[] probe) {
        return best(probe, Float.POSITIVE_INFINITY);
    }

    /**
     * The most similar person, skipping anyone with a negative example ("not this person") at least {@code veto} similar
     * to the probe; null for an empty gallery. Vectors are unit length, so cosine is a dot product. Negatives are only
     * looked at for a person who would otherwise be the best so far, so they cost nothing for the rest of the gallery.
     */
    public PersonMatch best(float[] probe, float veto) {
        Person best = null;
        float bestSimilarity = -2f;
        for (Person person : people.values()) {
            float similarity = similarity(person, probe);
            if (similarity > bestSimilarity && !vetoed(person, probe, veto)) {
                bestSimilarity = similarity;
                best = person;
            }
        }
        return best == null ? null : new PersonMatch(best.id(), best.name(), bestSimilarity);
    }

    private static boolean vetoed(Person person, float[] probe, float veto) {
        for (float[] negative : person.negatives()) {
            if (Vectors.dot(probe, negative) >= veto) {
                return true;
            }
        }
        return false;
    }

    /** How similar the probe is to one person (best of their faces); null if they are not in this gallery or have no face in it. */
    public PersonMatch compare(long personId, float[] probe) {
        Person person = people.get(personId);
        if (person == null || person.vectors().length == 0) {
            return null;
        }
        return new PersonMatch(person.id(), person.name(), similarity(person, probe));
    }

    /** Forgets a person at once, before the DELETE on the people topic arrives. */
    public void remove(long personId) {
        people.computeIfPresent(personId, (id, before) -> {
            comparisons.addAndGet(-before.vectors().length);
            return null;
        });
    }

    private static float similarity(Person person, float[] probe) {
        float best = -2f;
        for (float[] vector : person.vectors()) {
            best = Math.max(best, Vectors.dot(probe, vector));
        }
        return best;
    }
}
