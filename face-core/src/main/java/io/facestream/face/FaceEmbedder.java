package io.facestream.face;

import org.opencv.core.Mat;

/** Turns a detected face into an L2-normalised vector. Implementations are thread-safe. */
public interface FaceEmbedder extends AutoCloseable {

    float[] embed(Mat bgr, Face face);

    /** Manifest name of the model: vectors of different models are never compared. */
    String model();

    int dimension();
}
