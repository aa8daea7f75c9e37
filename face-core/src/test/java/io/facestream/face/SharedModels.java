package io.facestream.face;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.opencv.core.Mat;

/** Models loaded once for the whole test JVM; loading is the slow part, and ORT sessions are thread-safe. A model that cannot be had skips the test ({@link TestModels}). */
final class SharedModels {

    private static YuNetDetector detector;
    private static final Map<Recognizer, OnnxFaceEmbedder> EMBEDDERS = new EnumMap<>(Recognizer.class);
    private static final Map<String, FaceDetector> DETECTORS = new HashMap<>();

    private SharedModels() {
    }

    static synchronized YuNetDetector detector() {
        if (detector == null) {
            detector = YuNetDetector.create(TestModels.store("yunet"), Detector.YUNET.defaultSettings());
        }
        return detector;
    }

    /** A detector of {@link Detector} by name, with its default settings. */
    static synchronized FaceDetector detector(String name) {
        if (name.equals("yunet")) {
            return detector();
        }
        return DETECTORS.computeIfAbsent(name, n -> Detector.named(n).create(TestModels.store(n)));
    }

    static synchronized OnnxFaceEmbedder embedder(Recognizer recognizer) {
        return EMBEDDERS.computeIfAbsent(recognizer, r -> OnnxFaceEmbedder.create(r, TestModels.store(r)));
    }

    /** A photo of the data folder, decoded as the services decode uploads. */
    static Mat image(String relative) {
        return image(TestData.dir().resolve(relative));
    }

    static Mat image(Path path) {
        try {
            return Images.decode(Files.readAllBytes(path));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    static List<Face> detect(String relative) {
        return detector().detect(image(relative));
    }

    /** Median wall time of {@code runs} calls after two warm-up calls, in milliseconds. */
}
