package io.facestream.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.opencv.core.Mat;

import io.facestream.face.Face;
import io.facestream.face.FaceDetector;

/**
 * One detector's answer for each image, found once and shared by the detection table and every
 * recognizer's pass: the face nearest the image centre (the labelled one in LFW and CelebA).
 */
final class CentralFaces {

    final List<Double> detectMs = new ArrayList<>();
    private final FaceDetector detector;
    private final Map<Path, Optional<Face>> found = new HashMap<>();

    CentralFaces(FaceDetector detector) {
        this.detector = detector;
    }

    /** The central face of the decoded image at this path, or empty when the detector finds none. */
    Optional<Face> of(Path path, Mat image) {
        return found.computeIfAbsent(path, p -> {
            long t0 = System.nanoTime();
            List<Face> faces = detector.detect(image);
            detectMs.add((System.nanoTime() - t0) / 1e6);
            double cx = image.cols() / 2.0, cy = image.rows() / 2.0;
            return faces.stream().min(Comparator.comparingDouble(f -> Math.hypot(f.x() + f.width() / 2 - cx, f.y() + f.height() / 2 - cy)));
        });
    }
}
