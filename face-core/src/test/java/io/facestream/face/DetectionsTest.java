package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class DetectionsTest {

    static {
        Images.load();
    }

    @Test
    void nmsKeepsTheBestOfOverlappingBoxes() {
        float[] l = new float[10];
        Face best = new Face(0, 0, 100, 100, l, 0.9f);
        Face overlapping = new Face(10, 10, 100, 100, l, 0.8f);
        Face apart = new Face(300, 0, 100, 100, l, 0.85f);
        assertThat(Detections.nms(List.of(overlapping, apart, best), 0.3f)).containsExactly(best, apart);
        assertThat(Detections.select(List.of(overlapping, apart, best), 0.3f)).containsExactly(best, apart);
    }

    @Test
    void letterboxPadsRightAndBottomAndMapsBackByTheScale() {
        Mat wide = new Mat(300, 1000, CvType.CV_8UC3, new Scalar(10, 20, 30));
        Detections.Letterbox box = Detections.Letterbox.of(wide, 640, new Scalar(1, 2, 3));
        assertThat(box.image().cols()).isEqualTo(640);
        assertThat(box.image().rows()).isEqualTo(640);
        assertThat(box.image().get(0, 0)).containsExactly(10, 20, 30);
        assertThat(box.image().get(639, 0)).containsExactly(1, 2, 3);
        float[] l = {64, 64, 128, 64, 96, 96, 70, 120, 120, 120};
        Face face = box.toImage(64, 32, 192, 160, l, 0.9f);
        assertThat(face.x()).isCloseTo(100f, within(0.5f));
        assertThat(face.y()).isCloseTo(50f, within(0.5f));
        assertThat(face.width()).isCloseTo(200f, within(0.5f));
        assertThat(face.landmarks()[2]).isCloseTo(200f, within(0.5f));
        assertThat(face.landmarks()[9]).isCloseTo(187.5f, within(0.5f));
    }
}
