package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opencv.core.Mat;

import io.facestream.models.ModelStore;

/** Both recognizers on real photos: the same person scores higher than two different people. */
class FaceEmbedderTest {

    static YuNetDetector detector;

    @BeforeAll
    static void load() {
        detector = YuNetDetector.create(ModelStore.fromEnvironment(), DetectorSettings.defaults());
    }

    @AfterAll
    static void close() throws Exception {
        detector.close();
    }

    static float[] embed(FaceEmbedder embedder, Path photo) throws Exception {
        Mat image = Images.decode(Files.readAllBytes(photo));
        List<Face> faces = detector.detect(image);
        return faces.isEmpty() ? null : embedder.embed(image, faces.get(0));
    }

    @ParameterizedTest
    @CsvSource({"ARCFACE_MBF_INT8, 0.95", "MOBILEFACENET_128, 0.93"})
    void tellsPeopleApart(Recognizer recognizer, double minimumLfwAccuracy) throws Exception {
        try (FaceEmbedder embedder = OnnxFaceEmbedder.create(recognizer, ModelStore.fromEnvironment())) {
            Path refs = TestData.dir().resolve("refs");
            float[] obama = embed(embedder, refs.resolve("obama/obama.jpg"));
            assertThat(obama).hasSize(recognizer.dimension());
            assertThat(Vectors.cosine(obama, obama)).isCloseTo(1f, within(1e-4f));
            float[] obama2 = embed(embedder, refs.resolve("obama/obama2.jpg"));
            float[] biden = embed(embedder, refs.resolve("biden/biden.jpg"));
            float[] kit1 = embed(embedder, refs.resolve("kit_harington/john1.jpeg"));
            float[] kit2 = embed(embedder, refs.resolve("kit_harington/john2.jpeg"));
            float[] rose = embed(embedder, refs.resolve("rose_leslie/img1.jpg"));
            assertThat(Vectors.cosine(obama, obama2)).isGreaterThan(Vectors.cosine(obama, biden) + 0.2f);
            assertThat(Vectors.cosine(kit1, kit2)).isGreaterThan(Vectors.cosine(kit1, rose) + 0.2f);

            double accuracy = bestThresholdAccuracy(embedder);
            System.out.printf("%s: LFW dev pairs, best-threshold accuracy %.4f%n", recognizer.modelName(), accuracy);
            assertThat(accuracy).isGreaterThanOrEqualTo(minimumLfwAccuracy);
        }
    }

    /** Sanity check on the 280 LFW dev pairs; a pair without a face counts as wrong. docs/quality.md has the real protocol. */
    static double bestThresholdAccuracy(FaceEmbedder embedder) throws Exception {
        Path lfw = TestData.dir().resolve("lfw");
        Map<String, float[]> cache = new HashMap<>();
        List<double[]> pairs = new ArrayList<>();
        for (String line : Files.readAllLines(lfw.resolve("pairs_dev.csv")).subList(1, 281)) {
            String[] f = line.split(",");
            float[] a = cache.computeIfAbsent(f[1], p -> quietly(embedder, lfw.resolve(p)));
            float[] b = cache.computeIfAbsent(f[2], p -> quietly(embedder, lfw.resolve(p)));
            double similarity = a == null || b == null ? Double.NaN : Vectors.cosine(a, b);
            pairs.add(new double[] {similarity, Integer.parseInt(f[3])});
        }
        double best = 0;
        for (double threshold = -0.2; threshold <= 1; threshold += 0.005) {
            int correct = 0;
            for (double[] pair : pairs) {
                boolean same = !Double.isNaN(pair[0]) && pair[0] >= threshold;
                boolean wrongBecauseMissing = Double.isNaN(pair[0]);
                if (!wrongBecauseMissing && same == (pair[1] == 1)) {
                    correct++;
                }
            }
            best = Math.max(best, (double) correct / pairs.size());
        }
        return best;
    }

    private static float[] quietly(FaceEmbedder embedder, Path photo) {
        try {
            return embed(embedder, photo);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
