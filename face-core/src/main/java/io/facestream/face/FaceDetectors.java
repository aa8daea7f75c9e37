package io.facestream.face;

import java.util.List;

import io.facestream.models.ModelStore;

/** Every detector facestream can run, by manifest name, each with its own default settings. */
public final class FaceDetectors {

    public static final List<String> NAMES = List.of("yunet", "scrfd-500m", "scrfd-2.5g", "retinaface-mnet025");

    private FaceDetectors() {
    }

    /** The measured defaults of a detector: their scores lie on different scales, so one threshold does not fit all. */
    public static DetectorSettings defaultSettings(String name) {
        return switch (name) {
            case "yunet" -> DetectorSettings.yunet();
            case "scrfd-500m" -> DetectorSettings.scrfd500m();
            case "scrfd-2.5g" -> DetectorSettings.scrfd2500m();
            case "retinaface-mnet025" -> DetectorSettings.retinaFace();
            default -> throw unknown(name);
        };
    }

    public static FaceDetector create(String name, ModelStore models) {
        return create(name, models, defaultSettings(name));
    }

    /** With settings of the caller's, e.g. {@code defaultSettings(name).withScoreThreshold(t)} from a service's configuration. */
    public static FaceDetector create(String name, ModelStore models, DetectorSettings settings) {
        return switch (name) {
            case "yunet" -> YuNetDetector.create(models, settings);
            case "scrfd-500m", "scrfd-2.5g" -> ScrfdDetector.create(name, models, settings);
            case "retinaface-mnet025" -> RetinaFaceDetector.create(models, settings);
            default -> throw unknown(name);
        };
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown detector " + name + "; available: " + NAMES);
    }
}
