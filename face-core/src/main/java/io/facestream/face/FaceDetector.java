package io.facestream.face;

import java.util.List;

import org.opencv.core.Mat;

/** Finds faces with five landmarks. Implementations are thread-safe. */
public interface FaceDetector extends AutoCloseable {

    /** Faces in the BGR image, best score first. */
    List<Face> detect(Mat bgr);

    String name();
}
