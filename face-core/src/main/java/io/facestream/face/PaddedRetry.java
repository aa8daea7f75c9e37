package io.facestream.face;

import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/**
 * Finds the faces of tightly cropped photos: when the detector finds no face, or only one that touches the photo's
 * border, it looks again at a copy with a plain border around the photo and maps what it finds back.
 *
 * <p>Why: the detectors learnt faces with some of their surroundings. A profile picture, an ID-card crop or a face
 * dataset's 150×150 crop, where the face fills the frame, gives YuNet nothing it recognises (8 of 10 such reference
 * photos were refused with no_face; the same photos with a border scored 0.86). The retry only runs when the first
 * pass found nothing, or a single face at the border, so photos whose faces are found cost nothing more.
 * Boxes of faces found only on the padded copy may reach past the photo's edge (the face does); landmarks are kept
 * as found, so alignment sees the face where it is, its missing part black as the aligner fills it.
 */
public final class PaddedRetry implements FaceDetector {

    /** Border on each side, as a share of the photo's longest side (docs/quality.md, "Photos without a face"). */
    static final double PADDING = 0.25;
    /** A box within this share of the image side from an edge touches the border. */
    static final double BORDER = 0.02;

    private final FaceDetector detector;

    public PaddedRetry(FaceDetector detector) {
        this.detector = detector;
    }

    /** The wrapped detector alone, without the retry: for measuring what the retry brings. */
    public FaceDetector single() {
        return detector;
    }

    @Override
    public List<Face> detect(Mat bgr) {
        List<Face> faces = detector.detect(bgr);
        if (!retries(faces, bgr)) {
            return faces;
        }
        List<Face> padded = detectPadded(bgr);
        if (padded.isEmpty()) {
            return faces;
        }
        if (faces.isEmpty()) {
            return padded;
        }
        // One face at the border: keep the pass whose best face the detector is surer of (the padded copy shows it whole).
        return padded.get(0).score() > faces.get(0).score() ? padded : faces;
    }

    /** Faces on a copy with a plain border (the photo's mean colour) of {@link #PADDING} on each side, in the photo's pixels. */
    public List<Face> detectPadded(Mat bgr) {
        int pad = (int) Math.round(PADDING * Math.max(bgr.cols(), bgr.rows()));
        Mat padded = new Mat();
        Scalar fill = Core.mean(bgr);
        Core.copyMakeBorder(bgr, padded, pad, pad, pad, pad, Core.BORDER_CONSTANT, fill);
        try {
            List<Face> found = detector.detect(padded);
            List<Face> out = new ArrayList<>(found.size());
            for (Face f : found) {
                float[] l = f.landmarks().clone();
                for (int k = 0; k < l.length; k++) {
                    l[k] -= pad;
                }
                Face mapped = new Face(f.x() - pad, f.y() - pad, f.width(), f.height(), l, f.score());
                // A "face" wholly in the border is the border's doing, not the photo's.
                if (mapped.x() + mapped.width() > 0 && mapped.y() + mapped.height() > 0 && mapped.x() < bgr.cols() && mapped.y() < bgr.rows()) {
                    out.add(mapped);
                }
            }
            return out;
        } finally {
            padded.release();
        }
    }

    /** Whether a first pass that found these faces is retried on a padded copy: none, or one only, at the border. */
    public static boolean retries(List<Face> faces, Mat bgr) {
        return faces.isEmpty() || (faces.size() == 1 && touchesBorder(faces.get(0), bgr));
    }

    static boolean touchesBorder(Face f, Mat bgr) {
        double mx = BORDER * bgr.cols(), my = BORDER * bgr.rows();
        return f.x() <= mx || f.y() <= my || f.x() + f.width() >= bgr.cols() - mx || f.y() + f.height() >= bgr.rows() - my;
    }

    @Override
    public String name() {
        return detector.name();
    }

    @Override
    public void close() throws Exception {
        detector.close();
    }
}
