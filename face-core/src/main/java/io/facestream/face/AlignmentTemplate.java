package io.facestream.face;

/** Where the five landmarks of an aligned face should land, in the recognizer's input pixels. */
public record AlignmentTemplate(float[] points, int width, int height) {

    /** The standard ArcFace five-point template. */
    public static final AlignmentTemplate ARCFACE_112 = new AlignmentTemplate(new float[] {
            38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f, 71.7366f, 41.5493f, 92.3655f, 70.7299f, 92.2041f}, 112, 112);
}
