package io.facestream.face;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Warps a face so its five landmarks fall on a template: rotation, uniform scale and shift, fitted by least squares. */
public final class FaceAligner {

    private FaceAligner() {
    }

    public static Mat align(Mat bgr, float[] landmarks, AlignmentTemplate template) {
        double[] m = similarity(landmarks, template.points());
        Mat transform = new Mat(2, 3, CvType.CV_64F);
        transform.put(0, 0, m);
        Mat aligned = new Mat();
        Imgproc.warpAffine(bgr, aligned, transform, new Size(template.width(), template.height()), Imgproc.INTER_LINEAR,
                org.opencv.core.Core.BORDER_CONSTANT, new Scalar(0, 0, 0));
        transform.release();
        return aligned;
    }

    /**
     * Least-squares similarity transform mapping {@code from} onto {@code to} (Umeyama without
     * reflection, closed form in 2-D). Returns the 2×3 row-major matrix [a, -b, tx, b, a, ty].
     */
    public static double[] similarity(float[] from, float[] to) {
        int n = from.length / 2;
        double fx = 0, fy = 0, tx = 0, ty = 0;
        for (int i = 0; i < n; i++) {
            fx += from[2 * i];
            fy += from[2 * i + 1];
            tx += to[2 * i];
            ty += to[2 * i + 1];
        }
        fx /= n;
        fy /= n;
        tx /= n;
        ty /= n;
        double dotSum = 0, crossSum = 0, norm = 0;
        for (int i = 0; i < n; i++) {
            double sx = from[2 * i] - fx, sy = from[2 * i + 1] - fy;
            double dx = to[2 * i] - tx, dy = to[2 * i + 1] - ty;
            dotSum += sx * dx + sy * dy;
            crossSum += sx * dy - sy * dx;
            norm += sx * sx + sy * sy;
        }
        double a = dotSum / norm;
        double b = crossSum / norm;
        return new double[] {a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)};
    }
}
