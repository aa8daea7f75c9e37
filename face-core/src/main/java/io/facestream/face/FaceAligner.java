package io.facestream.face;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Warps a face so its five landmarks fall on a template: rotation, uniform scale and shift, fitted by least squares. */
public final class FaceAligner {

    private FaceAligner() {
    }

    /** The face warped to {@code template}'s size; the caller releases the returned Mat. */
    public static Mat align(Mat bgr, float[] landmarks, AlignmentTemplate template) {
        double[] m = similarity(landmarks, template.points());
        Mat transform = new Mat(2, 3, CvType.CV_64F);
        transform.put(0, 0, m);
        Mat aligned = new Mat();
        Imgproc.warpAffine(bgr, aligned, transform, new Size(template.width(), template.height()), Imgproc.INTER_LINEAR,
                Core.BORDER_CONSTANT, new Scalar(0, 0, 0));
        transform.release();
        return aligned;
    }

    /**
     * Least-squares similarity transform mapping {@code from} onto {@code to} (Umeyama without
     * reflection, closed form in 2-D). Returns the 2×3 row-major matrix [a, -b, tx, b, a, ty].
     */
    public static double[] similarity(float[] from, float[] to) {
        if (from.length != to.length || from.length < 4 || from.length % 2 != 0) {
            throw new IllegalArgumentException("need two equal lists of at least 2 points, got " + from.length + " and " + to.length + " values");
        }
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
        if (norm < 1e-9) {
            throw new IllegalArgumentException("the landmarks all coincide; no transform fits them");
        }
        // In 2-D the rotation-and-scale part reduces to a·I + b·J, whose least-squares fit needs no SVD.
        double a = dotSum / norm;
        double b = crossSum / norm;
        return new double[] {a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)};
    }
}
