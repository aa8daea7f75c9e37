package io.facestream.matcher.gallery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.facestream.face.Detector;
import io.facestream.face.Face;
import io.facestream.face.FaceDetector;
import io.facestream.face.Images;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.face.TestData;
import io.facestream.face.TestModels;
import io.facestream.face.Vectors;
import io.facestream.models.ModelStore;
import io.facestream.schemas.PersonChange;
import io.facestream.schemas.PersonChangeKind;
import io.facestream.schemas.PersonMatch;

/**
 * The gallery above its exact-scan size (here made small, so the code scan runs on a few hundred faces): it names the
 * same person as exact search, with the exact similarity, and changes take effect on the very next search.
 */
class GalleryIndexTest {

    /** Small enough that the code scan runs and must really choose: 120 candidates by Hamming distance, 40 by estimate, of several hundred faces. */
    static Gallery indexed(String model) {
        return new Gallery(model, Gallery.Matching.BEST_OF, 10, 120, 40);
    }

    static Gallery exact(String model) {
        return new Gallery(model, Gallery.Matching.BEST_OF, Integer.MAX_VALUE, 0, 0);
    }

    @Test
    void onRealEmbeddingsTheIndexNamesTheSamePersonAsExactSearchWithTheExactSimilarity() throws Exception {
        Path data = TestData.dir();
        ModelStore models = TestModels.store("scrfd-500m", Recognizer.ARCFACE_MBF_INT8.modelName());
        Map<String, List<float[]>> byPerson = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(data.resolve("celeba/identities.csv"));
        try (FaceDetector detector = Detector.SCRFD_500M.create(models);
             OnnxFaceEmbedder embedder = OnnxFaceEmbedder.create(Recognizer.ARCFACE_MBF_INT8, models, false)) {
            // 80 photos of about 20 people: seconds of models, enough for the index to have to choose.
            for (String line : lines.subList(1, Math.min(lines.size(), 81))) {
                String[] f = line.split(",");
                var image = Images.decode(Files.readAllBytes(data.resolve("celeba").resolve(f[0])));
                double cx = image.cols() / 2.0, cy = image.rows() / 2.0;
                Face face = detector.detect(image).stream()
                        .min(Comparator.comparingDouble(d -> Math.hypot(d.x() + d.width() / 2 - cx, d.y() + d.height() / 2 - cy))).orElse(null);
                if (face != null) {
                    byPerson.computeIfAbsent(f[1].trim(), k -> new ArrayList<>()).add(embedder.embed(image, face));
                }
                image.release();
            }
        }
        Gallery indexed = indexed("arcface"), exact = exact("arcface");
        List<float[]> probes = new ArrayList<>();
        long id = 0;
        for (List<float[]> photos : byPerson.values()) {
            id++;
            indexed.put(id, "person " + id, new float[][] {photos.get(0)});
            exact.put(id, "person " + id, new float[][] {photos.get(0)});
            probes.addAll(photos.subList(1, photos.size()));
        }
        // Background faces around the real ones (a real face plus noise), so 40 candidates are a small share of the gallery.
        Random random = new Random(7);
        List<float[]> real = byPerson.values().stream().flatMap(List::stream).toList();
        for (int i = 0; i < 400; i++) {
            float[] v = noisy(real.get(random.nextInt(real.size())), 1f, random);
            indexed.put(10_000 + i, "background", new float[][] {v});
            exact.put(10_000 + i, "background", new float[][] {v});
        }
        assertThat(probes).hasSizeGreaterThan(40);
        for (float[] probe : probes) {
            PersonMatch want = exact.best(probe);
            PersonMatch got = indexed.best(probe);
            assertThat(got.getPersonId()).isEqualTo(want.getPersonId());
            assertThat(got.getSimilarity()).isEqualTo(want.getSimilarity());
        }
    }

    @Test
    void aRegisteredPersonIsFoundByTheNextSearchAndAnErasedOneNeverAgain() {
        Random random = new Random(11);
        Gallery gallery = indexed("m");
        List<float[]> enrolled = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            enrolled.add(randomUnit(128, random));
            gallery.put(i, "p" + i, new float[][] {enrolled.get(i)});
        }
        float[] face = randomUnit(128, random);
        gallery.apply(change(7_000, face));
        PersonMatch found = gallery.best(noisy(face, 0.02f, random));
        assertThat(found.getPersonId()).isEqualTo(7_000);
        assertThat(found.getName()).isEqualTo("p7000");

        gallery.apply(PersonChange.newBuilder().setPersonId(7_000).setKind(PersonChangeKind.DELETE).setModel("m").setChangedAt(Instant.now()).build());
        assertThat(gallery.top(face, 10)).extracting(PersonMatch::getPersonId).doesNotContain(7_000L);
        // The freed slot is reused by the next enrolment, which must not bring the erased person back.
        float[] next = randomUnit(128, random);
        gallery.put(8_000, "p8000", new float[][] {next});
        assertThat(gallery.best(next).getPersonId()).isEqualTo(8_000);
        assertThat(gallery.top(face, 40)).extracting(PersonMatch::getPersonId).doesNotContain(7_000L);
        assertThat(gallery.best(enrolled.get(3)).getPersonId()).isEqualTo(3);
        gallery.remove(3);
        assertThat(gallery.best(enrolled.get(3)).getPersonId()).isNotEqualTo(3);
        assertThat(gallery.compare(3, face)).isNull();
        assertThat(gallery.size()).isEqualTo(500);
    }

    @Test
    void topKNamesEachPersonOnceBestFirst() {
        Random random = new Random(3);
        Gallery gallery = indexed("m");
        float[] probe = randomUnit(64, random);
        for (int i = 0; i < 300; i++) {
            // Three faces each: two close to the probe for the first five people, so the index sees them twice.
            float[][] faces = i < 5
                    ? new float[][] {noisy(probe, 0.1f * (i + 1), random), noisy(probe, 0.1f * (i + 1), random), randomUnit(64, random)}
                    : new float[][] {randomUnit(64, random), randomUnit(64, random), randomUnit(64, random)};
            gallery.put(i, "p" + i, faces);
        }
        List<PersonMatch> top = gallery.top(probe, 5);
        assertThat(top).extracting(PersonMatch::getPersonId).containsExactly(0L, 1L, 2L, 3L, 4L);
        for (PersonMatch match : top) {
            assertThat(match.getSimilarity()).isEqualTo(gallery.compare(match.getPersonId(), probe).getSimilarity());
        }
        assertThat(gallery.faces()).isEqualTo(900);
    }

    private static PersonChange change(long id, float[] face) {
        return GalleryTest.person(id, face);
    }

    static float[] randomUnit(int dim, Random random) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.l2normalize(v);
    }

    static float[] noisy(float[] v, float amount, Random random) {
        float[] out = v.clone();
        // Noise of about `amount` in length: similarity to v about 1 / sqrt(1 + amount²).
        float scale = (float) (amount / Math.sqrt(v.length));
        for (int i = 0; i < out.length; i++) {
            out[i] += (float) random.nextGaussian() * scale;
        }
        return Vectors.l2normalize(out);
    }
}
