package io.facestream.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** What the anchor-based detectors share: letterboxing into the network input, and choosing among candidate boxes. */
final class Detections {

    /** As OpenCV: bounds the NMS work on pathological images; real photos give a few dozen candidates. */
    static final int TOP_K = 5000;

    private Detections() {
    }

    /**
     * An image scaled to fit a {@code size}×{@code size} input and padded right and bottom only, so coordinates map back
     * by the scale alone. Rounding makes the applied scale differ slightly per axis, so both are kept.
     */
    record Letterbox(Mat image, float scaleX, float scaleY) {

        static Letterbox of(Mat bgr, int size, Scalar padding) {
            double scale = Math.min((double) size / bgr.cols(), (double) size / bgr.rows());
            // A VGA frame already has the input's width: padding alone does, and a resize to the same size would only copy
            // it (0.3 ms of a 640×480 frame's 0.9 ms letterbox here).
            Mat resized = scale == 1.0 ? bgr : Images.resize(bgr, scale);
            float scaleX = (float) resized.cols() / bgr.cols();
            float scaleY = (float) resized.rows() / bgr.rows();
            Mat padded = new Mat();
            Core.copyMakeBorder(resized, padded, 0, size - resized.rows(), 0, size - resized.cols(), Core.BORDER_CONSTANT, padding);
            if (resized != bgr) {
                resized.release();
            }
            return new Letterbox(padded, scaleX, scaleY);
        }

        /** A face found in network-input pixels, in pixels of the original image. */
        Face toImage(float x1, float y1, float x2, float y2, float[] landmarks, float score) {
            float[] mapped = new float[10];
            for (int k = 0; k < 5; k++) {
                mapped[2 * k] = landmarks[2 * k] / scaleX;
                mapped[2 * k + 1] = landmarks[2 * k + 1] / scaleY;
            }
            return new Face(x1 / scaleX, y1 / scaleY, (x2 - x1) / scaleX, (y2 - y1) / scaleY, mapped, score);
        }
    }

    /** The {@link #TOP_K} best candidates after greedy NMS, best first. */
    static List<Face> select(List<Face> candidates, float iouThreshold) {
        List<Face> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Face::score).reversed());
        return nms(sorted.size() > TOP_K ? sorted.subList(0, TOP_K) : sorted, iouThreshold);
    }

    /** Greedy non-maximum suppression; the result is sorted by score, best first. */
    static List<Face> nms(List<Face> faces, float iouThreshold) {
        List<Face> sorted = new ArrayList<>(faces);
        sorted.sort(Comparator.comparingDouble(Face::score).reversed());
        List<Face> kept = new ArrayList<>();
        for (Face face : sorted) {
            if (kept.stream().noneMatch(k -> iou(k, face) > iouThreshold)) {
                kept.add(face);
            }
        }
        return kept;
    }

    static float iou(Face a, Face b) {
        float x1 = Math.max(a.x(), b.x());
        float y1 = Math.max(a.y(), b.y());
        float x2 = Math.min(a.x() + a.width(), b.x() + b.width());
        float y2 = Math.min(a.y() + a.height(), b.y() + b.height());
        float inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        float union = a.width() * a.height() + b.width() * b.height() - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
