package io.facestream.face;

import java.util.List;

import io.facestream.models.ModelStore;

/** Every detector facestream can run, by manifest name, each with its own default settings. */
public final class FaceDetectors {

    public static final List<String> NAMES = List.of("yunet");

    private FaceDetectors() {
    }

    public static FaceDetector create(String name, ModelStore models) {
        return switch (name) {
            case "yunet" -> YuNetDetector.create(models, DetectorSettings.defaults());
            default -> throw new IllegalArgumentException("unknown detector " + name + "; available: " + NAMES);
        };
    }
}
