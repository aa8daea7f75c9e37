package io.facestream.matcher.gallery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.facestream.face.Vectors;
import io.facestream.schemas.PersonChange;
import io.facestream.schemas.PersonChangeKind;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.Values;

/**
 * The enrolled people of one recognizer, in memory. Their faces live in a {@link FaceIndex}: a small gallery is scanned
 * exactly, a large one by codes with an exact re-rank (docs/gallery.md). Changes take effect at once: a registration is
 * found by the next search, an erased person is never returned again, whatever the gallery's size.
 */
public final class Gallery {

    /** How a person enrolled with several photos is compared; docs/quality.md, "Enrolment", measured both per recognizer. */
    public enum Matching {
        /** The closest of the person's faces. */
        BEST_OF,
        /** The mean of the person's faces, normalised: one vector per person. */
        MEAN_TEMPLATE
    }

    /**
     * Faces kept by Hamming distance, of which the codes' estimate with the probe's floats picks {@link #RERANKED} for
     * the exact dot product. docs/gallery.md, 1,000,000 faces, one thread, 440 queries, methods taking turns in one run:
     * Hamming 4,000 all re-ranked exactly (the index before the estimate step) 7.5–9.9 ms p50, 19–21 ms p99, recall@1
     * 0.998, recall@10 0.977; Hamming 8,000 then 500 by estimate 5.8–7.9 / 8–14 ms, recall@1 0.998 (every photo of an
     * enrolled person; strangers 0.990), recall@10 0.982; 1,000 by estimate ~0.4 ms more for recall@10 0.987; 2,000
     * ~1.4 ms more for recall@1 1.000. At 100,000 faces 2.2 ms against 3.5 before. Hamming 16,000 cost ~3 ms more
     * (before the codes were copied into the buffer) for no better recall@1.
     */
    public static final int CANDIDATES = 8_000;
    /** See {@link #CANDIDATES}. */
    public static final int RERANKED = 500;
    /**
     * Up to this many faces every face is compared: the Hamming pass would keep them all anyway. At this size the exact
     * scan takes ~1.4 ms (0.17 µs a 512-d face, the 1,000,000 row of docs/gallery.md), and it is exact by definition.
     */
    public static final int EXACT_UP_TO = CANDIDATES;

    /** @param negatives faces kept as "not this person": a probe as close to one of them as the veto threshold is not named them */
    private record Person(long id, String name, int[] slots, float[][] negatives) {
    }

    private final String model;
    private final Matching matching;
    private final Map<Long, Person> people = new HashMap<>();
    private FaceIndex index;
    /** Searches share it; a change holds it alone for microseconds (one face coded and stored, or slots freed). */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    private final int exactUpTo;
    private final int candidates;
    private final int reranked;

    public Gallery(String model, Matching matching) {
        this(model, matching, EXACT_UP_TO, CANDIDATES, RERANKED);
    }

    /** With other sizes than the measured ones: tests exercise the code scan on small galleries. */
    Gallery(String model, Matching matching, int exactUpTo, int candidates, int reranked) {
        this.model = model;
        this.matching = matching;
        this.exactUpTo = exactUpTo;
        this.candidates = candidates;
        this.reranked = reranked;
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
        float[][] negatives = change.getNegatives() == null ? new float[0][] : change.getNegatives().stream().map(Values::floats).toArray(float[][]::new);
        put(change.getPersonId(), change.getName(), vectors, negatives);
    }

    /** A person's whole state (their faces replace any held before); what {@link #apply} does without a PersonChange. */
    public void put(long personId, String name, float[][] vectors) {
        put(personId, name, vectors, new float[0][]);
    }

    /** With negative examples ("not this person"). */
    public void put(long personId, String name, float[][] vectors, float[][] negatives) {
        if (matching == Matching.MEAN_TEMPLATE && vectors.length > 1) {
            vectors = new float[][] {Vectors.meanDirection(java.util.Arrays.asList(vectors))};
        }
        lock.writeLock().lock();
        try {
            Person old = people.remove(personId);
            if (old != null) {
                free(old);
            }
            int[] slots = new int[vectors.length];
            for (int i = 0; i < vectors.length; i++) {
                if (index == null) {
                    index = new FaceIndex(vectors[i].length);
                }
                slots[i] = index.add(personId, vectors[i]);
            }
            people.put(personId, new Person(personId, name, slots, negatives));
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** People enrolled. */
    public int size() {
        lock.readLock().lock();
        try {
            return people.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Faces held (a person may have several). */
    public int faces() {
        lock.readLock().lock();
        try {
            return index == null ? 0 : index.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many vectors a probe is compared with (every face; one template per person for the mean template): what the chance of naming a stranger grows with. */
    public long comparisons() {
        return faces();
    }

    /** The most similar person (best of their faces), or null for an empty gallery. Vectors are unit length, so cosine is a dot product. */
    public PersonMatch best(float[] probe) {
        List<PersonMatch> top = top(probe, 1);
        return top.isEmpty() ? null : top.get(0);
    }

    /**
     * The most similar person, skipping anyone with a negative example ("not this person") at least {@code veto} similar
     * to the probe; null when there is nobody else.
     */
    public PersonMatch best(float[] probe, float veto) {
        List<PersonMatch> best = best(probe, veto, 1);
        return best.isEmpty() ? null : best.get(0);
    }

    /**
     * The {@code n} most similar people (fewer if there are not so many), most similar first, skipping anyone with a
     * negative example at least {@code veto} similar to the probe. The search widens (n, 4n, 16n, ... people) only while
     * vetoed people fill the top, so negatives cost nothing when they do not apply.
     */
    public List<PersonMatch> best(float[] probe, float veto, int n) {
        for (int k = n; ; k *= 4) {
            List<PersonMatch> top = top(probe, k);
            List<PersonMatch> kept = new ArrayList<>(n);
            for (PersonMatch match : top) {
                if (!vetoed(match.getPersonId(), probe, veto)) {
                    kept.add(match);
                    if (kept.size() == n) {
                        return kept;
                    }
                }
            }
            if (top.size() < k) {
                return kept;
            }
        }
    }

    private boolean vetoed(long personId, float[] probe, float veto) {
        lock.readLock().lock();
        try {
            Person person = people.get(personId);
            if (person == null) {
                return false;
            }
            for (float[] negative : person.negatives()) {
                if (Vectors.dot(probe, negative) >= veto) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The k most similar people, most similar first, each once (by their closest face); their similarities are exact. */
    public List<PersonMatch> top(float[] probe, int k) {
        lock.readLock().lock();
        try {
            if (index == null || index.size() == 0) {
                return List.of();
            }
            if (probe.length != index.dim()) {
                throw new IllegalArgumentException("vectors of different dimension: " + probe.length + " and " + index.dim());
            }
            TopPeople top = new TopPeople(k);
            if (index.size() <= exactUpTo) {
                index.scanExact(probe, top);
            } else {
                index.scanCodes(probe, candidates, reranked, top);
            }
            List<PersonMatch> out = new ArrayList<>(top.count);
            for (int i = 0; i < top.count; i++) {
                Person person = people.get(top.owners[i]);
                out.add(new PersonMatch(person.id(), person.name(), top.similarities[i]));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How similar the probe is to one person (best of their faces); null if they are not in this gallery or have no face in it. */
    public PersonMatch compare(long personId, float[] probe) {
        lock.readLock().lock();
        try {
            Person person = people.get(personId);
            if (person == null || person.slots().length == 0) {
                return null;
            }
            if (probe.length != index.dim()) {
                throw new IllegalArgumentException("vectors of different dimension: " + probe.length + " and " + index.dim());
            }
            // The index's own dot product, so a person's similarity here is the one a search reported, to the bit.
            float best = -2f;
            for (int slot : person.slots()) {
                best = Math.max(best, index.similarity(slot, probe));
            }
            return new PersonMatch(person.id(), person.name(), best);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Forgets a person at once, before the DELETE on the people topic arrives. */
    public void remove(long personId) {
        lock.writeLock().lock();
        try {
            Person person = people.remove(personId);
            if (person != null) {
                free(person);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void free(Person person) {
        for (int slot : person.slots()) {
            index.remove(slot);
        }
    }

    /** The k best people seen, best first; a person seen again (another of their faces) keeps their better similarity. */
    private static final class TopPeople implements FaceIndex.Visitor {
        final long[] owners;
        final float[] similarities;
        int count;

        TopPeople(int k) {
            owners = new long[Math.max(1, k)];
            similarities = new float[owners.length];
        }

        @Override
        public void visit(int slot, long owner, float similarity) {
            if (count == owners.length && similarity <= similarities[count - 1]) {
                return;
            }
            int at = -1;
            for (int i = 0; i < count; i++) {
                if (owners[i] == owner) {
                    at = i;
                    break;
                }
            }
            if (at >= 0) {
                if (similarity <= similarities[at]) {
                    return;
                }
            } else {
                at = count < owners.length ? count++ : count - 1;
            }
            while (at > 0 && similarities[at - 1] < similarity) {
                owners[at] = owners[at - 1];
                similarities[at] = similarities[at - 1];
                at--;
            }
            owners[at] = owner;
            similarities[at] = similarity;
        }
    }
}
