package io.facestream.face;

import java.util.List;

import org.opencv.core.Mat;

/** Turns a detected face into an L2-normalised vector. Implementations are thread-safe. */
public interface FaceEmbedder extends AutoCloseable {

    float[] embed(Mat bgr, Face face);

    /** Every face of one image, in order; implementations may run them through the model together. */
    default List<float[]> embedAll(Mat bgr, List<Face> faces) {
        return faces.stream().map(face -> embed(bgr, face)).toList();
    }

    /**
     * Faces already warped to {@link #recognizer()}'s template (8-bit BGR, the template's size), in order, as
     * {@link #embedAll} would embed them after aligning: for callers that aligned where the decoded image was.
     */
    List<float[]> embedAligned(List<Mat> aligned);

    /** The recognizer behind the vectors, and so the template faces are aligned to. */
    Recognizer recognizer();

    /** Manifest name of the model: vectors of different models are never compared. */
    String model();

    int dimension();
}
