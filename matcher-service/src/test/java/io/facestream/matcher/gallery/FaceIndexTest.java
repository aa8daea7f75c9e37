package io.facestream.matcher.gallery;

import static io.facestream.matcher.gallery.GalleryIndexTest.noisy;
import static io.facestream.matcher.gallery.GalleryIndexTest.randomUnit;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.facestream.face.Vectors;

/**
 * The code scan (Hamming distance, then the codes' estimate with the probe's floats, then exact) on a few thousand 512-d
 * faces that, like embeddings, share a mean direction: it finds what the exact scan finds, sees enrolment and removal at
 * once, and keeps its codes right when the centre moves.
 */
class FaceIndexTest {

    private static final int DIM = 512;

    /** Faces around a common mean (as embeddings are: different people's faces are not orthogonal), unit length. */
    private static float[] face(float[] mean, Random random) {
        float[] v = randomUnit(DIM, random);
        for (int i = 0; i < DIM; i++) {
            v[i] += mean[i];
        }
        return Vectors.l2normalize(v);
    }

    private static float[] mean(Random random) {
        float[] mean = randomUnit(DIM, random);
        for (int i = 0; i < DIM; i++) {
            mean[i] *= 0.6f;
        }
        return mean;
    }

    /** {@code n} faces around {@code mean}, face i owned by i, added to {@code index} in order; returns them. */
    private static List<float[]> enrol(FaceIndex index, float[] mean, Random random, int n) {
        List<float[]> faces = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            faces.add(face(mean, random));
            index.add(i, faces.get(i));
        }
        return faces;
    }

    /** The best face's similarity, by the code scan or, with candidates and reranked at 0, by the exact one. */
    private static float best(FaceIndex index, float[] probe, int candidates, int reranked) {
        float[] best = {-2f};
        FaceIndex.Visitor visitor = (slot, owner, similarity) -> best[0] = Math.max(best[0], similarity);
        if (candidates == 0) {
            index.scanExact(probe, visitor);
        } else {
            index.scanCodes(probe, candidates, reranked, visitor);
        }
        return best[0];
    }

    @Test
    void theEstimateFindsTheExactBestForEnrolledFacesAndMoreStrangersThanHammingDistanceAlone() {
        Random random = new Random(21);
        float[] mean = mean(random);
        FaceIndex index = new FaceIndex(DIM);
        List<float[]> enrolled = enrol(index, mean, random, 4_000);
        int enrolledHits = 0, strangerHits = 0, hammingHits = 0, probes = 200;
        for (int q = 0; q < probes; q++) {
            // Another photo of an enrolled face (similarity ~0.8), and a stranger from the same population.
            float[] photo = noisy(enrolled.get(random.nextInt(enrolled.size())), 0.7f, random);
            enrolledHits += best(index, photo, 400, 100) == best(index, photo, 0, 0) ? 1 : 0;
            float[] stranger = face(mean, random);
            float exact = best(index, stranger, 0, 0);
            strangerHits += best(index, stranger, 400, 100) == exact ? 1 : 0;
            hammingHits += best(index, stranger, 100, 100) == exact ? 1 : 0;
        }
        // 100 of 4,000 faces are compared exactly either way (2.5 %): chosen by estimate from 400, or by Hamming alone.
        // Strangers here are the worst case (faces spread evenly around the mean, so the nearest is barely nearer than
        // the next hundred): the estimate found 156 of 200, Hamming alone 107.
        assertThat(enrolledHits).isEqualTo(probes);
        assertThat(strangerHits).isGreaterThan(hammingHits);
    }

    @Test
    void withNoMoreCandidatesThanReRankedTheEstimateStepIsSkippedAndOtherwiseChoosesAmongTheCandidates() {
        Random random = new Random(5);
        float[] mean = mean(random);
        FaceIndex index = new FaceIndex(DIM);
        for (int i = 0; i < 2_000; i++) {
            index.add(i, face(mean, random));
        }
        for (int q = 0; q < 50; q++) {
            float[] probe = face(mean, random);
            List<Integer> hamming = new ArrayList<>(), same = new ArrayList<>(), estimated = new ArrayList<>();
            index.scanCodes(probe, 200, 200, (slot, owner, similarity) -> hamming.add(slot));
            index.scanCodes(probe, 200, 1_000, (slot, owner, similarity) -> same.add(slot));
            index.scanCodes(probe, 200, 50, (slot, owner, similarity) -> estimated.add(slot));
            assertThat(same).isEqualTo(hamming).isNotEmpty();
            assertThat(estimated).hasSize(50).isSorted().isSubsetOf(hamming);
        }
    }

    @Test
    void aRemovedFaceIsNeverFoundAndItsReusedSlotFindsTheNewFace() {
        Random random = new Random(9);
        float[] mean = mean(random);
        FaceIndex index = new FaceIndex(DIM);
        List<float[]> faces = enrol(index, mean, random, 3_000);
        int slot = 1_234;
        assertThat(best(index, faces.get(slot), 300, 50)).isEqualTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        index.remove(slot);
        List<Long> owners = new ArrayList<>();
        index.scanCodes(faces.get(slot), 300, 50, (s, owner, similarity) -> owners.add(owner));
        assertThat(owners).isNotEmpty().doesNotContain(1_234L);

        float[] next = face(mean, random);
        assertThat(index.add(9_999, next)).isEqualTo(slot);
        List<Long> found = new ArrayList<>();
        index.scanCodes(next, 300, 50, (s, owner, similarity) -> {
            if (similarity > 0.9999f) {
                found.add(owner);
            }
        });
        assertThat(found).containsExactly(9_999L);
    }

    @Test
    void recentringRecodesEveryFace() {
        Random random = new Random(13);
        // The first faces sit around one mean, the rest around another: when the gallery doubles the centre moves, and
        // the codes of the first must be taken again from it (a near-duplicate probe would still find a stale code, so
        // the codes themselves are compared).
        float[] first = mean(random), second = mean(random);
        FaceIndex index = new FaceIndex(DIM);
        List<float[]> early = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            early.add(face(first, random));
            index.add(i, early.get(i));
        }
        for (int i = 600; i < 3_000; i++) {
            index.add(i, face(second, random));
        }
        for (int slot = 0; slot < early.size(); slot++) {
            assertThat(index.storedCode(slot)).isEqualTo(index.codeOf(early.get(slot)));
        }
        for (int q = 0; q < 100; q++) {
            float[] photo = noisy(early.get(random.nextInt(early.size())), 0.7f, random);
            assertThat(best(index, photo, 300, 50)).isEqualTo(best(index, photo, 0, 0));
        }
    }
}
