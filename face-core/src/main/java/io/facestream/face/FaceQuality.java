package io.facestream.face;

import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.Core;
import org.opencv.imgproc.Imgproc;

/**
 * How fit a detected face is to enrol someone by: large enough, sharp enough, turned to the
 * camera, surely a face. A poor enrolment photo makes every later match of that person worse,
 * so registration refuses it; recognition still answers but says the face was poor.
 *
 * @param interEyeDistance pixels between the eye landmarks in the original image
 * @param sharpness        variance of the Laplacian of the aligned 112×112 grey face (low = blurred)
 * @param yaw              nose offset from the eyes' midpoint, in inter-eye distances (0 = frontal, ±0.5 ≈ profile)
 * @param issues           what fails the enrolment rules; empty when the face is fit
 */
public record FaceQuality(float interEyeDistance, float sharpness, float yaw, float score, List<String> issues) {

    /**
     * Limits for enrolment, from measurements over the labelled photos: LFW faces (known to
     * enrol well) have at least 28 px between the eyes, sharpness of at least 31 and |yaw| up to
     * 0.48 (99 % within 0.48); a face blurred by about 2 px at template scale measures near 12;
     * YuNet scores real faces 0.85 and above.
     */
    public record Rules(float minInterEyeDistance, float minSharpness, float maxYaw, float minScore) {

        public static Rules defaults() {
            return new Rules(20f, 20f, 0.40f, 0.85f);
        }

        /** Detector scores are on each detector's own scale: {@link Detector#enrolmentRules()} sets each one's limit. */
        public Rules withMinScore(float score) {
            return new Rules(minInterEyeDistance, minSharpness, maxYaw, score);
        }
    }

    public static FaceQuality assess(Mat bgr, Face face, Rules rules) {
        float[] l = face.landmarks();
        float eyeDx = l[2] - l[0], eyeDy = l[3] - l[1];
        float eyes = (float) Math.hypot(eyeDx, eyeDy);
        // The nose's offset along the eye line, measured from the eyes' midpoint: turning the head moves it sideways.
        float midX = (l[0] + l[2]) / 2, midY = (l[1] + l[3]) / 2;
        float yaw = eyes < 1e-3f ? 1f : ((l[4] - midX) * eyeDx + (l[5] - midY) * eyeDy) / (eyes * eyes);
        Mat aligned = FaceAligner.align(bgr, l, AlignmentTemplate.ARCFACE_112);
        float sharpness = laplacianVariance(aligned);
        aligned.release();
        List<String> issues = new ArrayList<>();
        if (eyes < rules.minInterEyeDistance()) {
            issues.add(String.format(java.util.Locale.ROOT, "face too small: %.0f px between the eyes, at least %.0f needed", eyes, rules.minInterEyeDistance()));
        }
        if (sharpness < rules.minSharpness()) {
            issues.add(String.format(java.util.Locale.ROOT, "face too blurred (sharpness %.0f, at least %.0f needed)", sharpness, rules.minSharpness()));
        }
        if (Math.abs(yaw) > rules.maxYaw()) {
            issues.add(String.format(java.util.Locale.ROOT, "face turned away from the camera (yaw %.2f, at most %.2f allowed)", yaw, rules.maxYaw()));
        }
        if (face.score() < rules.minScore()) {
            issues.add(String.format(java.util.Locale.ROOT, "face uncertain (detector score %.2f, at least %.2f needed)", face.score(), rules.minScore()));
        }
        return new FaceQuality(eyes, sharpness, yaw, face.score(), List.copyOf(issues));
    }

    static float laplacianVariance(Mat bgr) {
        Mat grey = new Mat();
        Imgproc.cvtColor(bgr, grey, Imgproc.COLOR_BGR2GRAY);
        Mat laplacian = new Mat();
        Imgproc.Laplacian(grey, laplacian, org.opencv.core.CvType.CV_64F);
        MatOfDouble mean = new MatOfDouble();
        MatOfDouble std = new MatOfDouble();
        Core.meanStdDev(laplacian, mean, std);
        grey.release();
        laplacian.release();
        double sd = std.toArray()[0];
        return (float) (sd * sd);
    }
}
