package io.facestream.matcher.gallery;

import java.util.Arrays;

/**
 * The face vectors of one gallery in flat arrays, found two ways: an exact scan (every face, float dot products) for
 * small galleries, and for larger ones ({@link Gallery} chooses) a code scan — a 1-bit code per dimension (the sign of the vector
 * minus the gallery's mean, 64 bytes for 512-d) compared with the probe's by Hamming distance over every face; of the
 * {@code candidates} nearest, the {@code reranked} whose codes give the best estimate with the probe's floats are
 * re-ranked by the exact float dot product. The similarity returned is always the exact one, so a found face's score is
 * never inflated or deflated; only a miss can lower the best score.
 *
 * <p>Why this and not a graph (docs/gallery.md has the numbers): on one core of this machine a float scan of a million
 * 512-d faces takes ~0.2–0.6 s and Lucene 9.12's HNSW (the newest Lucene for Java 17, without SIMD there) needed 2,040 s
 * to build for a million, lost enrolled faces on islands and reached recall@1 0.74–0.89; the code scan reads 64 MB for a
 * million faces instead of 2 GB, needs no build (a face is coded in ~4 µs, so enrolment and erasure stay immediate: a
 * slot written or freed under the gallery's write lock) and keeps recall@1 at or above 0.99.
 *
 * <p>Why the estimate step: at a million faces the Hamming pass costs ~2.5–3.5 ms (1.1–1.4× the memory floor) and
 * re-ranking 4,000 candidates exactly ~2–4 ms of random 2 KB reads; the estimate (64 table look-ups on a code) lets 500
 * exact comparisons do what 4,000 did, at the same recall (docs/gallery.md). It pays only because each candidate's
 * code is copied into the buffer as it enters, while in cache: reading the 8,000 codes back from the index at random
 * cost as much as the exact comparisons saved (back-to-back runs: 7.02 ms p50 / 20.0 ms p99 without the copy, 5.76 /
 * 8.33 with it, against 7.5 / 18–19 for 4,000 exact re-ranks). Tried and dropped: a 128-bit first code in its
 * own array (a quarter of the bytes) before the full one — the first 128 sign bits carry too little (recall@1 0.83–0.95
 * keeping 10,000–80,000 of a million, 4.4–14 ms): the 512 dimensions have nearly equal variance, so a short code needs a
 * rotation (PCA's first 128 directions hold 72 % of the variance, the raw 128 widest dimensions 27 %), which would cost
 * 128 × 512 multiply-adds at every enrolment; not done.
 *
 * <p>Not thread-safe: {@link Gallery} guards it with a read-write lock. Storage grows in chunks so a million faces never
 * need one array copy of 2 GB, and a small gallery stays small.
 */
public final class FaceIndex {

    static final int CHUNK_BITS = 14;
    static final int CHUNK = 1 << CHUNK_BITS;
    private static final long FREE = Long.MIN_VALUE;

    private final int dim;
    private final int words;
    private float[][] vectors = new float[0][];
    private long[][] codes = new long[0][];
    private long[][] owners = new long[0][];
    /** Slots ever used; freed slots below it are reused first. */
    private int slots;
    private int live;
    private int[] freeSlots = new int[16];
    private int freeCount;
    private final float[] centre;
    /** Per dimension, the mean distance of the stored faces from the centre: a code bit stands for centre ± spread. */
    private final float[] spread;
    private int centredAt;

    private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);

    public FaceIndex(int dim) {
        this.dim = dim;
        this.words = (dim + 63) / 64;
        this.centre = new float[dim];
        this.spread = new float[dim];
        Arrays.fill(spread, 1f);
    }

    public int dim() {
        return dim;
    }

    /** Faces held. */
    public int size() {
        return live;
    }

    /** Stores a unit vector for its owner; returns the slot, which {@link #remove} frees. */
    public int add(long owner, float[] vector) {
        if (vector.length != dim) {
            throw new IllegalArgumentException("vector of dimension " + vector.length + " in a gallery of " + dim);
        }
        int slot = freeCount > 0 ? freeSlots[--freeCount] : slots++;
        ensureCapacity(slot);
        System.arraycopy(vector, 0, vectors[slot >> CHUNK_BITS], (slot & (CHUNK - 1)) * dim, dim);
        owners[slot >> CHUNK_BITS][slot & (CHUNK - 1)] = owner;
        encode(slot);
        live++;
        // The mean of face embeddings settles within a few thousand faces; recentring while the gallery doubles up to
        // 2^17 faces costs a few hundred thousand encodings in a gallery's lifetime (~50 ms at most, once).
        if (live >= 2 * Math.max(centredAt, 512) && live <= 1 << 17) {
            recentre();
        }
        return slot;
    }

    public void remove(int slot) {
        long[] chunk = owners[slot >> CHUNK_BITS];
        if (chunk[slot & (CHUNK - 1)] == FREE) {
            return;
        }
        chunk[slot & (CHUNK - 1)] = FREE;
        live--;
        if (freeCount == freeSlots.length) {
            freeSlots = Arrays.copyOf(freeSlots, freeCount * 2);
        }
        freeSlots[freeCount++] = slot;
    }

    public long owner(int slot) {
        return owners[slot >> CHUNK_BITS][slot & (CHUNK - 1)];
    }

    /** Exact similarity (dot product of unit vectors) of the probe with one stored face. */
    public float similarity(int slot, float[] probe) {
        return dot(vectors[slot >> CHUNK_BITS], (slot & (CHUNK - 1)) * dim, probe, dim);
    }

    /** A copy of a stored face. */
    public float[] vector(int slot) {
        int at = (slot & (CHUNK - 1)) * dim;
        return Arrays.copyOfRange(vectors[slot >> CHUNK_BITS], at, at + dim);
    }

    /** The code a vector gets from the current centre: every stored code must be this (tests check it after recentring). */
    long[] codeOf(float[] vector) {
        long[] out = new long[words];
        code(vector, 0, centre, out, 0);
        return out;
    }

    /** A copy of a stored face's code. */
    long[] storedCode(int slot) {
        int at = (slot & (CHUNK - 1)) * words;
        return Arrays.copyOfRange(codes[slot >> CHUNK_BITS], at, at + words);
    }

    /** Bytes held per face slot: the vector, its code and its owner. */
    public int bytesPerFace() {
        return dim * Float.BYTES + words * Long.BYTES + Long.BYTES;
    }

    /** What a search visits: each candidate slot once, with its exact similarity. */
    public interface Visitor {
        void visit(int slot, long owner, float similarity);
    }

    /** Every stored face, exactly. */
    public void scanExact(float[] probe, Visitor visitor) {
        for (int slot = 0; slot < slots; slot++) {
            long owner = owner(slot);
            if (owner != FREE) {
                visitor.visit(slot, owner, similarity(slot, probe));
            }
        }
    }

    /**
     * The faces nearest the probe by code, re-ranked exactly, in three steps. (1) Every face's code is compared with the
     * probe's by Hamming distance and the {@code candidates} nearest are kept (fewer when many tie at the cut). (2) When
     * that is more than {@code reranked}, each kept face gets a better estimate from the same code: the probe's own
     * float values summed with the signs the code gives ({@link Buffer#estimate}), and the {@code reranked} best stay.
     * (3) Those get the float dot product, in ascending slot order so memory is read forwards.
     *
     * <p>Step 1 is one pass: faces within the current cut distance gather in a buffer; when it fills, the cut tightens
     * to the distance that keeps {@code candidates} of them. After a few thousand faces the cut is tight and almost no
     * face enters the buffer, so the pass costs little more than the popcounts. Step 2 costs ~0.05 µs a face (64 table
     * look-ups on a code the buffer copied) against ~0.5–1 µs for step 3's 2 KB of floats per face.
     */
    public void scanCodes(float[] probe, int candidates, int reranked, Visitor visitor) {
        long[] query = new long[words];
        code(probe, 0, centre, query, 0);
        Buffer buffer = buffers.get();
        buffer.reset(candidates, words);
        int cut = dim;
        long[] q = Arrays.copyOf(query, 8);
        long q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3], q4 = q[4], q5 = q[5], q6 = q[6], q7 = q[7];
        for (int c = 0; c * CHUNK < slots; c++) {
            long[] chunkCodes = codes[c];
            int n = Math.min(CHUNK, slots - c * CHUNK);
            int base = c * CHUNK;
            for (int i = 0; i < n; i++) {
                int d;
                int at = i * words;
                if (words == 8) {
                    // 512-d, the common case, unrolled.
                    d = Long.bitCount(chunkCodes[at] ^ q0) + Long.bitCount(chunkCodes[at + 1] ^ q1)
                            + Long.bitCount(chunkCodes[at + 2] ^ q2) + Long.bitCount(chunkCodes[at + 3] ^ q3)
                            + Long.bitCount(chunkCodes[at + 4] ^ q4) + Long.bitCount(chunkCodes[at + 5] ^ q5)
                            + Long.bitCount(chunkCodes[at + 6] ^ q6) + Long.bitCount(chunkCodes[at + 7] ^ q7);
                } else {
                    d = 0;
                    for (int w = 0; w < words; w++) {
                        d += Long.bitCount(chunkCodes[at + w] ^ query[w]);
                    }
                }
                if (d <= cut && buffer.add(base + i, d, chunkCodes, at)) {
                    cut = buffer.tighten(dim);
                }
            }
        }
        buffer.tighten(dim);
        if (buffer.count > reranked) {
            buffer.keepBestEstimates(probe, spread, reranked);
        }
        for (int k = 0; k < buffer.count; k++) {
            int slot = buffer.slots[k];
            long owner = owner(slot);
            if (owner != FREE) {
                visitor.visit(slot, owner, similarity(slot, probe));
            }
        }
    }

    /** Candidate slots and their code distances, per searching thread. */
    private static final class Buffer {
        int[] slots = new int[0];
        short[] distances = new short[0];
        int[] histogram = new int[0];
        int count;
        int wanted;
        float[] table = new float[0];
        /** The candidates' codes, {@code words} longs each, in the order of {@link #slots}. */
        long[] held = new long[0];
        int words;
        float[] estimates = new float[0];
        float[] scratch = new float[0];

        /**
         * Keeps the {@code reranked} slots whose codes estimate the highest dot product with the probe, in ascending
         * slot order. A code bit says whether a face is above or below the centre in that dimension, so the face is
         * estimated as centre ± spread and its dot product with the probe, less the same {@code probe · centre} for
         * every face, as the sum over dimensions of ± probe × spread: eight bits at a time, from a table of the 256 sums
         * each byte of a code can give (built per search: 64 × 256 additions for 512-d).
         */
        void keepBestEstimates(float[] probe, float[] spread, int reranked) {
            int bytes = words * 8;
            if (table.length < bytes * 256) {
                table = new float[bytes * 256];
            }
            for (int b = 0; b < bytes; b++) {
                int at = b * 256;
                float all = 0;
                for (int k = 0; k < 8; k++) {
                    int d = b * 8 + k;
                    all -= d < probe.length ? probe[d] * spread[d] : 0f;
                }
                table[at] = all;
                for (int v = 1; v < 256; v++) {
                    int k = Integer.numberOfTrailingZeros(v);
                    int d = b * 8 + k;
                    table[at + v] = table[at + (v & (v - 1))] + (d < probe.length ? 2 * probe[d] * spread[d] : 0f);
                }
            }
            if (estimates.length < count) {
                estimates = new float[slots.length];
                scratch = new float[slots.length];
            }
            for (int k = 0; k < count; k++) {
                long[] chunk = held;
                int at = k * words;
                float estimate = 0;
                for (int w = 0; w < words; w++) {
                    long code = chunk[at + w];
                    int t = w * 8 * 256;
                    estimate += table[t + (int) (code & 0xFF)] + table[t + 256 + (int) ((code >>> 8) & 0xFF)]
                            + table[t + 512 + (int) ((code >>> 16) & 0xFF)] + table[t + 768 + (int) ((code >>> 24) & 0xFF)]
                            + table[t + 1024 + (int) ((code >>> 32) & 0xFF)] + table[t + 1280 + (int) ((code >>> 40) & 0xFF)]
                            + table[t + 1536 + (int) ((code >>> 48) & 0xFF)] + table[t + 1792 + (int) (code >>> 56)];
                }
                estimates[k] = estimate;
            }
            // The reranked-th best estimate by selection (a full sort of 8,000 took ~0.3 ms), then one forward pass keeps
            // the slots above it, and as many at it as there is room for, still in ascending slot order.
            System.arraycopy(estimates, 0, scratch, 0, count);
            float threshold = kthLargest(scratch, count, reranked - 1);
            int ties = reranked;
            for (int k = 0; k < count; k++) {
                ties -= estimates[k] > threshold ? 1 : 0;
            }
            int kept = 0;
            for (int k = 0; k < count; k++) {
                float estimate = estimates[k];
                if (estimate > threshold || (estimate == threshold && ties-- > 0)) {
                    slots[kept++] = slots[k];
                }
            }
            count = kept;
        }

        /** The k-th largest (0 first) of values[0..n), by quickselect; reorders values. */
        static float kthLargest(float[] values, int n, int k) {
            int lo = 0, hi = n - 1;
            while (lo < hi) {
                float pivot = values[(lo + hi) >>> 1];
                int i = lo, j = hi;
                while (i <= j) {
                    while (values[i] > pivot) {
                        i++;
                    }
                    while (values[j] < pivot) {
                        j--;
                    }
                    if (i <= j) {
                        float swap = values[i];
                        values[i++] = values[j];
                        values[j--] = swap;
                    }
                }
                if (k <= j) {
                    hi = j;
                } else if (k >= i) {
                    lo = i;
                } else {
                    return values[k];
                }
            }
            return values[k];
        }

        void reset(int candidates, int words) {
            wanted = Math.max(1, candidates);
            this.words = words;
            if (slots.length < 2 * wanted || held.length < slots.length * words) {
                slots = new int[2 * wanted];
                distances = new short[2 * wanted];
                held = new long[2 * wanted * words];
            }
            count = 0;
        }

        /**
         * Takes a face within the cut, with a copy of its code (read just now, so in cache): the estimate step then reads
         * the candidates' codes in order from here instead of at random from the index. True when full: time to tighten.
         */
        boolean add(int slot, int distance, long[] codes, int at) {
            System.arraycopy(codes, at, held, count * words, words);
            slots[count] = slot;
            distances[count++] = (short) distance;
            return count == slots.length;
        }

        /** Keeps the faces within the largest distance that holds at most {@code wanted} of them; returns that distance. */
        int tighten(int dim) {
            if (histogram.length < dim + 1) {
                histogram = new int[dim + 1];
            }
            Arrays.fill(histogram, 0);
            for (int k = 0; k < count; k++) {
                histogram[distances[k]]++;
            }
            int cut = -1, taken = 0;
            while (cut < dim && taken + histogram[cut + 1] <= wanted) {
                taken += histogram[++cut];
            }
            if (cut < 0) {
                // More than `wanted` faces share the smallest distance: keep them all, with room for more.
                cut = 0;
                if (histogram[0] * 2 > slots.length) {
                    slots = Arrays.copyOf(slots, histogram[0] * 2);
                    distances = Arrays.copyOf(distances, histogram[0] * 2);
                    held = Arrays.copyOf(held, histogram[0] * 2 * words);
                }
            }
            int kept = 0;
            for (int k = 0; k < count; k++) {
                if (distances[k] <= cut) {
                    if (kept != k) {
                        System.arraycopy(held, k * words, held, kept * words, words);
                    }
                    slots[kept] = slots[k];
                    distances[kept++] = distances[k];
                }
            }
            count = kept;
            return cut;
        }
    }

    private void ensureCapacity(int slot) {
        int chunk = slot >> CHUNK_BITS;
        if (chunk >= vectors.length) {
            vectors = Arrays.copyOf(vectors, chunk + 1);
            codes = Arrays.copyOf(codes, chunk + 1);
            owners = Arrays.copyOf(owners, chunk + 1);
        }
        int within = (slot & (CHUNK - 1)) + 1;
        long[] ownerChunk = owners[chunk];
        if (ownerChunk == null || ownerChunk.length < within) {
            // The first chunk grows by doubling (a gallery of ten people holds ten faces' room, not 16,384); later ones are whole.
            int capacity = chunk > 0 ? CHUNK : Math.min(CHUNK, Math.max(16, Integer.highestOneBit(within - 1) << 1));
            vectors[chunk] = vectors[chunk] == null ? new float[capacity * dim] : Arrays.copyOf(vectors[chunk], capacity * dim);
            codes[chunk] = codes[chunk] == null ? new long[capacity * words] : Arrays.copyOf(codes[chunk], capacity * words);
            long[] grown = ownerChunk == null ? new long[capacity] : Arrays.copyOf(ownerChunk, capacity);
            Arrays.fill(grown, ownerChunk == null ? 0 : ownerChunk.length, capacity, FREE);
            owners[chunk] = grown;
        }
    }

    private void encode(int slot) {
        code(vectors[slot >> CHUNK_BITS], (slot & (CHUNK - 1)) * dim, centre, codes[slot >> CHUNK_BITS], (slot & (CHUNK - 1)) * words);
    }

    /** Sign bits of vector[from..from+dim) minus a centre. */
    private void code(float[] source, int from, float[] centre, long[] target, int at) {
        for (int w = 0; w < words; w++) {
            long bits = 0;
            int end = Math.min(dim, (w + 1) * 64);
            for (int i = w * 64; i < end; i++) {
                // Branch-free: the sign bit of centre - value is 1 exactly when value > centre. With an if, half the
                // branches were mispredicted and coding was the largest cost of loading a million faces (JFR, 10 %).
                bits |= (long) (Float.floatToRawIntBits(centre[i] - source[from + i]) >>> 31) << (i & 63);
            }
            target[at + w] = bits;
        }
    }

    /**
     * The mean of the stored faces becomes the centre the codes are taken from, every code is taken again, and each
     * dimension's mean distance from the centre becomes its spread.
     */
    void recentre() {
        double[] sum = new double[dim];
        for (int slot = 0; slot < slots; slot++) {
            if (owner(slot) != FREE) {
                float[] chunk = vectors[slot >> CHUNK_BITS];
                int at = (slot & (CHUNK - 1)) * dim;
                for (int i = 0; i < dim; i++) {
                    sum[i] += chunk[at + i];
                }
            }
        }
        for (int i = 0; i < dim; i++) {
            centre[i] = live == 0 ? 0f : (float) (sum[i] / live);
        }
        Arrays.fill(sum, 0);
        for (int slot = 0; slot < slots; slot++) {
            if (owner(slot) != FREE) {
                encode(slot);
                float[] chunk = vectors[slot >> CHUNK_BITS];
                int at = (slot & (CHUNK - 1)) * dim;
                for (int i = 0; i < dim; i++) {
                    sum[i] += Math.abs(chunk[at + i] - centre[i]);
                }
            }
        }
        for (int i = 0; i < dim; i++) {
            spread[i] = live == 0 ? 1f : (float) (sum[i] / live);
        }
        centredAt = live;
    }

    /** Eight independent sums: plain Java 17 does not vectorise a float reduction, but it keeps eight in flight (~3x one sum). */
    static float dot(float[] a, int from, float[] b, int dim) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 7 < dim; i += 8) {
            int j = from + i;
            s0 += a[j] * b[i];
            s1 += a[j + 1] * b[i + 1];
            s2 += a[j + 2] * b[i + 2];
            s3 += a[j + 3] * b[i + 3];
            s4 += a[j + 4] * b[i + 4];
            s5 += a[j + 5] * b[i + 5];
            s6 += a[j + 6] * b[i + 6];
            s7 += a[j + 7] * b[i + 7];
        }
        for (; i < dim; i++) {
            s0 += a[from + i] * b[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
