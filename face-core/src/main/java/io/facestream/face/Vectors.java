package io.facestream.face;

/** Embedding arithmetic. */
public final class Vectors {

    private Vectors() {
    }

    /** Scales to unit length in place, so cosine similarity is a dot product. */
    public static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        float inverse = (float) (1 / Math.sqrt(Math.max(sum, 1e-12)));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inverse;
        }
        return v;
    }

    public static float cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return (float) (dot / Math.sqrt(na * nb));
    }
}
