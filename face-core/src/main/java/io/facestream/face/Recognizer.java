package io.facestream.face;

import java.util.Arrays;

/**
 * The recognizers facestream can run, by their manifest name. Both take a 112×112 RGB face
 * aligned to the ArcFace template, scaled to [-1, 1].
 */
public enum Recognizer {
    ARCFACE_MBF_INT8("arcface-mbf-int8", 512),
    MOBILEFACENET_128("mobilefacenet-128", 128);

    private final String modelName;
    private final int dimension;

    Recognizer(String modelName, int dimension) {
        this.modelName = modelName;
        this.dimension = dimension;
    }

    public String modelName() {
        return modelName;
    }

    public int dimension() {
        return dimension;
    }

    public AlignmentTemplate template() {
        return AlignmentTemplate.ARCFACE_112;
    }

    public static Recognizer byModelName(String name) {
        return Arrays.stream(values()).filter(r -> r.modelName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown recognizer " + name + "; known: "
                        + Arrays.stream(values()).map(Recognizer::modelName).toList()));
    }
}
