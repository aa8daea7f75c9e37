package io.facestream.face;

import java.util.List;

/** Embedding arithmetic: the one home of it for the face code, the matcher's galleries and the bench. */
public final class Vectors {

    private Vectors() {
    }

    /** Scales to unit length in place (and returns it), so that cosine similarity becomes a dot product. */
    public static float[] l2normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        // A zero vector stays zero instead of turning into NaNs.
        float inverse = (float) (1 / Math.sqrt(Math.max(sum, 1e-12)));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inverse;
        }
        return v;
    }

    /** Cosine similarity; 0 when either vector is zero. */
    public static float cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different dimension: " + a.length + " and " + b.length);
        }
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
    }

    /** Cosine similarity of two unit vectors: their dot product (the matcher compares every probe with every gallery face this way). */
    public static float dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different dimension: " + a.length + " and " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return (float) sum;
    }

    /** The mean of unit vectors, scaled to unit length: one template standing for several faces of a person. */
    public static float[] meanDirection(List<float[]> vectors) {
        float[] mean = new float[vectors.get(0).length];
        for (float[] vector : vectors) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += vector[i];
            }
        }
        return l2normalize(mean);
    }
}
