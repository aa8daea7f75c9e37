package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

class FaceAlignerTest {

    @Test
    void recoversAKnownSimilarityTransform() {
        float[] from = {120, 130, 180, 128, 150, 165, 125, 200, 176, 199};
        double angle = Math.toRadians(-23), scale = 0.6, tx = 40, ty = -12;
        float[] to = apply(new double[] {scale * Math.cos(angle), -scale * Math.sin(angle), tx,
                scale * Math.sin(angle), scale * Math.cos(angle), ty}, from);
        double[] m = FaceAligner.similarity(from, to);
        double[] expected = {scale * Math.cos(angle), -scale * Math.sin(angle), tx, scale * Math.sin(angle), scale * Math.cos(angle), ty};
        for (int i = 0; i < 6; i++) {
            assertThat(m[i]).as("m[%d]", i).isCloseTo(expected[i], within(1e-3));
        }
    }

    @Test
    void fitsNoisyPointsByLeastSquaresWithoutShearOrReflection() {
        float[] template = AlignmentTemplate.ARCFACE_112.points();
        // Mirror image of the template: the best similarity cannot reflect, so it must not reproduce it exactly.
        float[] mirrored = template.clone();
        for (int i = 0; i < mirrored.length; i += 2) {
            mirrored[i] = 112 - mirrored[i];
        }
        double[] m = FaceAligner.similarity(mirrored, template);
        assertThat(m[0]).isCloseTo(m[4], within(1e-9));
        assertThat(m[1]).isCloseTo(-m[3], within(1e-9));
        assertThatThrownBy(() -> FaceAligner.similarity(new float[] {1, 1, 1, 1}, new float[] {0, 0, 5, 5}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void alignsARealFaceOntoTheTemplate() {
        Mat image = SharedModels.image(TestPhotos.path(TestPhotos.A1));
        Face face = SharedModels.detector().detect(image).get(0);
        Mat aligned = FaceAligner.align(image, face.landmarks(), AlignmentTemplate.ARCFACE_112);
        assertThat(aligned.cols()).isEqualTo(112);
        assertThat(aligned.rows()).isEqualTo(112);
        assertThat(aligned.channels()).isEqualTo(3);
        // A frontal face fits the template closely: every mapped landmark within a few pixels of its target.
        float[] mapped = apply(FaceAligner.similarity(face.landmarks(), AlignmentTemplate.ARCFACE_112.points()), face.landmarks());
        float[] target = AlignmentTemplate.ARCFACE_112.points();
        for (int i = 0; i < 10; i++) {
            assertThat(mapped[i]).isCloseTo(target[i], within(4f));
        }
        aligned.release();
    }

    private static float[] apply(double[] m, float[] points) {
        float[] out = new float[points.length];
        for (int i = 0; i < points.length / 2; i++) {
            double x = points[2 * i], y = points[2 * i + 1];
            out[2 * i] = (float) (m[0] * x + m[1] * y + m[2]);
            out[2 * i + 1] = (float) (m[3] * x + m[4] * y + m[5]);
        }
        return out;
    }
}
