package io.facestream.bench.gallery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.facestream.face.Vectors;

/**
 * Synthetic 512-d faces that follow the real embeddings' distribution instead of the uniform sphere (on which every
 * face is about equally far from every other, the worst case for any index and unlike faces). A person is a draw from
 * a Gaussian with the mean and covariance of the real embeddings; a photo of that person adds a draw from a Gaussian
 * with the covariance of the real within-person deviations (people with 2+ photos). Each draw is the mean plus a
 * random combination of {@value #TERMS} real deviations with N(0, 1/k) weights: the same covariance as the data
 * (exactly, in expectation) at 32 × 512 multiply-adds a face, so a million take seconds, not the hours a 512 × 512
 * Cholesky product would on one core.
 */
final class SyntheticFaces {

    static final int TERMS = 32;

    private final float[] mean;
    private final List<float[]> between;
    private final List<float[]> within;
    private final int dim;
    private final float betweenScale;

    SyntheticFaces(RealFaces real) {
        dim = real.vectors().get(0).length;
        mean = new float[dim];
        for (float[] v : real.vectors()) {
            for (int i = 0; i < dim; i++) {
                mean[i] += v[i] / real.size();
            }
        }
        between = new ArrayList<>();
        for (float[] v : real.vectors()) {
            float[] d = new float[dim];
            for (int i = 0; i < dim; i++) {
                d[i] = v[i] - mean[i];
            }
            between.add(d);
        }
        Map<String, List<float[]>> byPerson = new HashMap<>();
        for (int i = 0; i < real.size(); i++) {
            byPerson.computeIfAbsent(real.identities().get(i), k -> new ArrayList<>()).add(real.vectors().get(i));
        }
        within = new ArrayList<>();
        for (List<float[]> photos : byPerson.values()) {
            if (photos.size() < 2) {
                continue;
            }
            float[] m = new float[dim];
            for (float[] v : photos) {
                for (int i = 0; i < dim; i++) {
                    m[i] += v[i] / photos.size();
                }
            }
            // Deviations from a mean of n are shrunk by (n-1)/n in variance; undo it.
            float scale = (float) Math.sqrt(photos.size() / (photos.size() - 1.0));
            for (float[] v : photos) {
                float[] d = new float[dim];
                for (int i = 0; i < dim; i++) {
                    d[i] = (v[i] - m[i]) * scale;
                }
                within.add(d);
            }
        }
        // The real embeddings' spread holds both who someone is and how their photos vary; a person draw takes only the
        // first part, so a photo (person + within draw) has the real total spread: scale by sqrt(1 - within/total).
        betweenScale = (float) Math.sqrt(Math.max(0, 1 - meanSquare(within) / meanSquare(between)));
    }

    private static double meanSquare(List<float[]> deviations) {
        double sum = 0;
        for (float[] d : deviations) {
            for (float x : d) {
                sum += x * x;
            }
        }
        return sum / deviations.size();
    }

    float betweenScale() {
        return betweenScale;
    }

    int withinSamples() {
        return within.size();
    }

    /** A new person's identity (not unit length: {@link #photo} adds a photo's variation, then normalises). */
    float[] person(SplittableRandom random) {
        float[] out = mean.clone();
        addDraw(out, between, betweenScale, random);
        return out;
    }

    /** A photo of a person: identity plus a within-person draw, at unit length. */
    float[] photo(float[] person, SplittableRandom random) {
        float[] out = person.clone();
        addDraw(out, within, 1f, random);
        return Vectors.l2normalize(out);
    }

    private void addDraw(float[] out, List<float[]> deviations, float scale, SplittableRandom random) {
        double sd = scale / Math.sqrt(TERMS);
        for (int t = 0; t < TERMS; t++) {
            float[] d = deviations.get(random.nextInt(deviations.size()));
            float w = (float) (gaussian(random) * sd);
            for (int i = 0; i < dim; i++) {
                out[i] += w * d[i];
            }
        }
    }

    static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble(), v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
