package io.facestream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.opencv.core.Mat;

import io.facestream.face.Face;
import io.facestream.face.FaceDetector;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.ImageDecodeException;
import io.facestream.face.Images;

/**
 * The services' own face path — decode, detect, align and embed — over image files, each image
 * once, with the time every stage took.
 */
final class FacePipeline {

    final List<Double> decodeMs = new ArrayList<>();
    final List<Double> detectMs = new ArrayList<>();
    final List<Double> embedMs = new ArrayList<>();
    private final FaceDetector detector;
    private final FaceEmbedder embedder;
    private final Map<Path, float[]> cache = new HashMap<>();
    int imagesWithoutFace;

    FacePipeline(FaceDetector detector, FaceEmbedder embedder) {
        this.detector = detector;
        this.embedder = embedder;
    }

    /** The embedding of the face nearest the image centre (the labelled one in LFW and CelebA), or null when none was found. */
    float[] embedding(Path image) {
        return cache.computeIfAbsent(image, this::compute);
    }

    private float[] compute(Path path) {
        try {
            long t0 = System.nanoTime();
            Mat image = Images.decode(Files.readAllBytes(path));
            long t1 = System.nanoTime();
            List<Face> faces = detector.detect(image);
            long t2 = System.nanoTime();
            decodeMs.add((t1 - t0) / 1e6);
            detectMs.add((t2 - t1) / 1e6);
            if (faces.isEmpty()) {
                imagesWithoutFace++;
                image.release();
                return null;
            }
            double cx = image.cols() / 2.0, cy = image.rows() / 2.0;
            Face central = faces.stream().min(Comparator.comparingDouble(
                    f -> Math.hypot(f.x() + f.width() / 2 - cx, f.y() + f.height() / 2 - cy))).orElseThrow();
            long t3 = System.nanoTime();
            float[] vector = embedder.embed(image, central);
            embedMs.add((System.nanoTime() - t3) / 1e6);
            image.release();
            return vector;
        } catch (java.io.IOException | ImageDecodeException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
