package io.facestream.face;

/**
 * A detected face in pixel coordinates of the decoded (upright) image.
 *
 * @param landmarks x0,y0 … x4,y4: right eye, left eye, nose tip, right and left mouth corner (image-left eye first)
 */
public record Face(float x, float y, float width, float height, float[] landmarks, float score) {

    public Face {
        if (landmarks == null || landmarks.length != 10) {
            throw new IllegalArgumentException("a face needs 5 landmarks (10 values), got "
                    + (landmarks == null ? "none" : landmarks.length + " values"));
        }
    }
}
