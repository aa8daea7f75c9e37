package io.facestream.face;

import java.util.Arrays;

/**
 * The recognizers facestream can run, by their manifest name, with what each expects as input.
 * The MobileFaceNets happen to normalise alike ((x/255 − 0.5)/0.5 is (x − 127.5)/127.5), but each
 * states its own so another model cannot silently inherit the wrong preprocessing; the dlib ResNet
 * normalises inside its graph and takes raw pixels. All take RGB.
 */
public enum Recognizer {
    /** insightface buffalo_s MobileFaceNet (WebFace600K), int8: input {@code input.1}, output {@code 516}. */
    ARCFACE_MBF_INT8("arcface-mbf-int8", "input.1", 512, AlignmentTemplate.ARCFACE_112, 127.5f, 1f / 127.5f),
    /** foamliu MobileFaceNet: input {@code input0}, output {@code output0}. */
    MOBILEFACENET_128("mobilefacenet-128", "input0", 128, AlignmentTemplate.ARCFACE_112, 127.5f, 1f / 127.5f),
    /**
     * dlib's ResNet (public domain weights), converted at build time from the npm package
     * {@code @vladmandic/face-api}: input {@code input} RGB 0..255 at 150×150 (the graph itself
     * subtracts dlib's mean and divides by 256), output {@code embedding}.
     */
    DLIB_RESNET_128("dlib-resnet-128", "input", 128, AlignmentTemplate.DLIB_150, 0f, 1f);

    private final String modelName;
    private final String inputName;
    private final int dimension;
    private final AlignmentTemplate template;
    private final float mean;
    private final float scale;

    Recognizer(String modelName, String inputName, int dimension, AlignmentTemplate template, float mean, float scale) {
        this.modelName = modelName;
        this.inputName = inputName;
        this.dimension = dimension;
        this.template = template;
        this.mean = mean;
        this.scale = scale;
    }

    /** Name in the model manifest, and the name stored with every vector. */
    public String modelName() {
        return modelName;
    }

    public String inputName() {
        return inputName;
    }

    /** Side of the square RGB input, the template's size. */
    public int inputSize() {
        return template.width();
    }

    public int dimension() {
        return dimension;
    }

    public AlignmentTemplate template() {
        return template;
    }

    /** Input value = (pixel − mean) × scale, per RGB channel. */
    public float mean() {
        return mean;
    }

    public float scale() {
        return scale;
    }

    public static Recognizer byModelName(String name) {
        return Arrays.stream(values()).filter(r -> r.modelName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown recognizer " + name + "; known: "
                        + Arrays.stream(values()).map(Recognizer::modelName).toList()));
    }
}
