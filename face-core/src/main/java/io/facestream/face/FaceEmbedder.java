package io.facestream.face;

import org.opencv.core.Mat;

/** Turns a detected face into an L2-normalised vector. Implementations are thread-safe. */
public interface FaceEmbedder extends AutoCloseable {

    float[] embed(Mat bgr, Face face);

    /** Every face of one image, in order; implementations may run them through the model together. */
    default java.util.List<float[]> embedAll(Mat bgr, java.util.List<Face> faces) {
        return faces.stream().map(face -> embed(bgr, face)).toList();
    }

    /** Manifest name of the model: vectors of different models are never compared. */
    String model();

    int dimension();
}
