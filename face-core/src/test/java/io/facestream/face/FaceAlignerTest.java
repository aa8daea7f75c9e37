package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

class FaceAlignerTest {

    @Test
    void recoversAKnownSimilarityTransform() {
        float[] from = AlignmentTemplate.ARCFACE_112.points();
        double angle = Math.toRadians(17), scale = 2.5, tx = 40, ty = -12;
        float[] to = new float[from.length];
        for (int i = 0; i < from.length / 2; i++) {
            double x = from[2 * i], y = from[2 * i + 1];
            to[2 * i] = (float) (scale * (Math.cos(angle) * x - Math.sin(angle) * y) + tx);
            to[2 * i + 1] = (float) (scale * (Math.sin(angle) * x + Math.cos(angle) * y) + ty);
        }
        double[] m = FaceAligner.similarity(from, to);
        assertThat(m[0]).isCloseTo(scale * Math.cos(angle), within(1e-3));
        assertThat(m[3]).isCloseTo(scale * Math.sin(angle), within(1e-3));
        assertThat(m[2]).isCloseTo(tx, within(1e-2));
        assertThat(m[5]).isCloseTo(ty, within(1e-2));
    }

    @Test
    void alignsToTheTemplateSize() {
        Mat image = new Mat(300, 300, CvType.CV_8UC3);
        float[] landmarks = {120, 130, 180, 130, 150, 165, 125, 200, 175, 200};
        Mat aligned = FaceAligner.align(image, landmarks, AlignmentTemplate.ARCFACE_112);
        assertThat(aligned.cols()).isEqualTo(112);
        assertThat(aligned.rows()).isEqualTo(112);
    }
}
