package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencv.core.Mat;

/** Every recognizer on real photos: the same person scores clearly higher than two different people. */
class FaceEmbedderTest {

    /** A decoded photo and its best face, detected once for both recognizers. */
    record Detected(Mat image, Face face) {
    }

    private static final Map<Path, Detected> DETECTED = new HashMap<>();

    static synchronized Detected detected(Path photo) {
        return DETECTED.computeIfAbsent(photo, p -> {
            Mat image = SharedModels.image(p);
            List<Face> faces = SharedModels.detector().detect(image);
            return new Detected(image, faces.isEmpty() ? null : faces.get(0));
        });
    }

    static float[] embed(Recognizer recognizer, Path photo) {
        Detected d = detected(photo);
        return d.face() == null ? null : SharedModels.embedder(recognizer).embed(d.image(), d.face());
    }

    @ParameterizedTest
    @EnumSource(Recognizer.class)
    void givesUnitVectorsOfTheRecognizersDimension(Recognizer recognizer) {
        FaceEmbedder embedder = SharedModels.embedder(recognizer);
        assertThat(embedder.model()).isEqualTo(recognizer.modelName());
        assertThat(embedder.dimension()).isEqualTo(recognizer.dimension());
        float[] vector = embed(recognizer, TestPhotos.path(TestPhotos.A1));
        assertThat(vector).hasSize(recognizer.dimension());
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-4));
        // Same input, same vector: nothing in the pipeline is random or stateful.
        assertThat(embed(recognizer, TestPhotos.path(TestPhotos.A1))).containsExactly(vector);
    }

    /** The faces of one frame embedded together (one batch where the model takes batches) give each face's own vector. */
    @ParameterizedTest
    @CsvSource({"dlib-resnet-128,true", "dlib-resnet-128,false", "arcface-mbf-int8,false"})
    void embedsTheFacesOfAFrameTogetherAsOneByOne(String model, boolean flip) throws Exception {
        Recognizer recognizer = Recognizer.byModelName(model);
        Mat frame = TestFrames.sideBySide(400, TestPhotos.A1, TestPhotos.B1);
        List<Face> faces = SharedModels.detector().detect(frame);
        assertThat(faces).hasSizeGreaterThanOrEqualTo(2);
        try (OnnxFaceEmbedder embedder = OnnxFaceEmbedder.create(recognizer, TestModels.store(recognizer), flip)) {
            List<float[]> together = embedder.embedAll(frame, faces);
            assertThat(together).hasSize(faces.size());
            for (int i = 0; i < faces.size(); i++) {
                float[] alone = embedder.embed(frame, faces.get(i));
                assertThat(together.get(i)).as("face %d", i).containsExactly(alone, within(1e-4f));
            }
            // Different faces stay different: the batch is not one face repeated.
            assertThat(Vectors.cosine(together.get(0), together.get(1))).isLessThan(0.999f);
            // Aligned elsewhere (the detector service) and sent as raw pixels: the same vectors, and the faces left as they came.
            List<Mat> aligned = new ArrayList<>();
            for (Face face : faces) {
                aligned.add(Images.fromBgrBytes(Images.bgrBytes(FaceAligner.align(frame, face.landmarks(), recognizer.template())),
                        recognizer.inputSize(), recognizer.inputSize()));
            }
            byte[] before = Images.bgrBytes(aligned.get(0));
            List<float[]> fromAligned = embedder.embedAligned(aligned);
            for (int i = 0; i < faces.size(); i++) {
                assertThat(fromAligned.get(i)).as("face %d", i).containsExactly(together.get(i), within(1e-6f));
            }
            assertThat(Images.bgrBytes(aligned.get(0))).isEqualTo(before);
            aligned.forEach(Mat::release);
            Mat wrongSize = new Mat(recognizer.inputSize() + 1, recognizer.inputSize() + 1, org.opencv.core.CvType.CV_8UC3);
            assertThatThrownBy(() -> embedder.embedAligned(List.of(wrongSize))).isInstanceOf(IllegalArgumentException.class);
            wrongSize.release();
        }
    }

    /** On the committed photos (a fresh clone has them), and on the shared enrolment photos where they are here. */
    @ParameterizedTest
    @EnumSource(Recognizer.class)
    void scoresTheSamePersonAboveDifferentPeople(Recognizer recognizer) {
        assertSameAboveDifferent(recognizer, TestPhotos.path(TestPhotos.A1), TestPhotos.path(TestPhotos.A2), TestPhotos.path(TestPhotos.B1));
        assertSameAboveDifferent(recognizer, TestPhotos.path(TestPhotos.B1), TestPhotos.path(TestPhotos.B2), TestPhotos.path(TestPhotos.A2));
        if (TestData.present()) {
            Path refs = TestData.dir().resolve("refs");
            assertSameAboveDifferent(recognizer, refs.resolve("obama/obama.jpg"), refs.resolve("obama/obama2.jpg"), refs.resolve("biden/biden.jpg"));
            assertSameAboveDifferent(recognizer, refs.resolve("kit_harington/john1.jpeg"), refs.resolve("kit_harington/john2.jpeg"),
                    refs.resolve("rose_leslie/img1.jpg"));
        }
    }

    static void assertSameAboveDifferent(Recognizer recognizer, Path person, Path samePerson, Path other) {
        float[] first = embed(recognizer, person);
        float same = Vectors.cosine(first, embed(recognizer, samePerson));
        float different = Vectors.cosine(first, embed(recognizer, other));
        System.out.printf("%s: %s/%s %.3f, %s/%s %.3f%n", recognizer.modelName(), person.getFileName(), samePerson.getFileName(), same,
                person.getFileName(), other.getFileName(), different);
        assertThat(same).as(person + " with " + samePerson).isGreaterThan(different + margin(recognizer));
    }

    /**
     * How much higher a same-person cosine must be. dlib's vectors all lie in a narrow cone
     * (different people still score about 0.83, the same person about 0.95; dlib itself compares
     * them by Euclidean distance), so its gaps are smaller in cosine though they rank as cleanly.
     */
    static float margin(Recognizer recognizer) {
        return recognizer == Recognizer.DLIB_RESNET_128 ? 0.08f : 0.2f;
    }

    /** Sanity check on the 280 LFW dev pairs (best face of each photo); a pair without a face counts as wrong. */
    @ParameterizedTest
    @CsvSource({"ARCFACE_MBF_INT8, 0.95", "MOBILEFACENET_128, 0.93", "DLIB_RESNET_128, 0.96"})
    void verifiesLfwDevPairs(Recognizer recognizer, double minimumAccuracy) throws Exception {
        Path lfw = TestData.dir().resolve("lfw");
        Map<Path, float[]> vectors = new HashMap<>();
        List<double[]> pairs = new ArrayList<>();
        List<String> lines = Files.readAllLines(lfw.resolve("pairs_dev.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            float[] a = vectors.computeIfAbsent(lfw.resolve(f[1]), p -> embed(recognizer, p));
            float[] b = vectors.computeIfAbsent(lfw.resolve(f[2]), p -> embed(recognizer, p));
            pairs.add(new double[] {a == null || b == null ? Double.NaN : Vectors.cosine(a, b), Integer.parseInt(f[3])});
        }
        assertThat(pairs).hasSize(280);
        double[] best = bestThreshold(pairs);
        System.out.printf("%s: LFW dev pairs, best-threshold accuracy %.4f at cosine %.3f%n", recognizer.modelName(), best[0], best[1]);
        assertThat(best[0]).isGreaterThanOrEqualTo(minimumAccuracy);
    }

    /** {accuracy, threshold}: tries every observed similarity as the threshold for "same person". */
    static double[] bestThreshold(List<double[]> pairs) {
        double[] best = {0, Double.NaN};
        for (double[] candidate : pairs) {
            double threshold = candidate[0];
            if (Double.isNaN(threshold)) {
                continue;
            }
            long correct = pairs.stream().filter(p -> !Double.isNaN(p[0]) && (p[0] >= threshold) == (p[1] == 1)).count();
            double accuracy = (double) correct / pairs.size();
            if (accuracy > best[0]) {
                best = new double[] {accuracy, threshold};
            }
        }
        return best;
    }

    @Test
    void findsRecognizersByManifestName() {
        assertThat(Recognizer.byModelName("arcface-mbf-int8")).isEqualTo(Recognizer.ARCFACE_MBF_INT8);
        assertThat(Recognizer.byModelName("mobilefacenet-128")).isEqualTo(Recognizer.MOBILEFACENET_128);
        assertThat(Recognizer.byModelName("dlib-resnet-128")).isEqualTo(Recognizer.DLIB_RESNET_128);
        assertThatThrownBy(() -> Recognizer.byModelName("sface")).hasMessageContaining("arcface-mbf-int8");
    }

    @Test
    void vectorArithmetic() {
        float[] v = Vectors.l2normalize(new float[] {3, 4});
        assertThat(v).containsExactly(new float[] {0.6f, 0.8f}, within(1e-6f));
        assertThat(Vectors.cosine(new float[] {1, 0}, new float[] {0, 2})).isCloseTo(0f, within(1e-6f));
        assertThat(Vectors.cosine(new float[] {1, 1}, new float[] {2, 2})).isCloseTo(1f, within(1e-6f));
        assertThat(Vectors.cosine(new float[] {0, 0}, new float[] {1, 0})).isZero();
        assertThat(Vectors.l2normalize(new float[] {0, 0})).containsExactly(0f, 0f);
        assertThatThrownBy(() -> Vectors.cosine(new float[2], new float[3])).isInstanceOf(IllegalArgumentException.class);
    }
}
