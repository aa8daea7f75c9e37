package io.facestream.face;

/**
 * Where the landmarks of an aligned face should land, in the recognizer's input pixels: x0,y0,
 * x1,y1, … in the detector's landmark order.
 */
public record AlignmentTemplate(float[] points, int width, int height) {

    /** The standard ArcFace five-point template. */
    public static final AlignmentTemplate ARCFACE_112 = new AlignmentTemplate(new float[] {
            38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f, 71.7366f, 41.5493f, 92.3655f, 70.7299f, 92.2041f}, 112, 112);

    /**
     * dlib's mean face at 150×150 with padding 0.25, for the dlib ResNet (which was trained on
     * chips of that size): eye centres, nose tip and mouth corners, in the detectors' order.
     */
    public static final AlignmentTemplate DLIB_150 = new AlignmentTemplate(new float[] {
            47.55f, 46.60f, 100.48f, 46.60f, 74.01f, 76.56f, 50.41f, 103.02f, 97.61f, 103.02f}, 150, 150);

    public AlignmentTemplate {
        if (points.length < 4 || points.length % 2 != 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a template needs at least 2 points and a positive size");
        }
        points = points.clone();
    }

    /** A copy: the constants are shared by every embedder. */
    @Override
    public float[] points() {
        return points.clone();
    }
}
