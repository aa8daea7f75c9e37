package io.facestream.face;

import java.util.Arrays;
import java.util.Locale;

/**
 * A detector, a recognizer and the flip setting chosen together from docs/quality.md, selected by one
 * setting (FACESTREAM_MODEL_PACK); FACESTREAM_DETECTOR, FACESTREAM_RECOGNIZER and FACESTREAM_FLIP
 * still override each part. The packs differ in licence, which decides who may deploy them.
 */
public enum ModelPack {

    /**
     * The most accurate models measured (SCRFD-500M + ArcFace-MBF int8: the only pair over 94 % on in-the-wild
     * pairs, losing no LFW face); both are insightface's, licensed for non-commercial research only.
     */
    RESEARCH(Detector.SCRFD_500M, Recognizer.ARCFACE_MBF_INT8, false),
    /** Safe for commercial use: YuNet (MIT) and dlib's ResNet (CC0 weights, converted from an MIT npm package). */
    PERMISSIVE(Detector.YUNET, Recognizer.DLIB_RESNET_128, true);

    private final Detector detector;
    private final Recognizer recognizer;
    private final boolean flip;

    ModelPack(Detector detector, Recognizer recognizer, boolean flip) {
        this.detector = detector;
        this.recognizer = recognizer;
        this.flip = flip;
    }

    public Detector detector() {
        return detector;
    }

    public Recognizer recognizer() {
        return recognizer;
    }

    /**
     * The recognizer a deployment runs: the one {@code override} names (FACESTREAM_RECOGNIZER), else the pack's. The
     * embedder runs it and the detector aligns faces for it, so both must read it the same way.
     */
    public Recognizer recognizer(String override) {
        return override == null || override.isBlank() ? recognizer : Recognizer.byModelName(override.strip());
    }

    public boolean flip() {
        return flip;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The pack a setting names, or the default, {@link #PERMISSIVE}, when it is unset: every user may run it and
     * every machine can fetch it (YuNet has a public download, dlib's ResNet comes from npm), while the research
     * pack's files have no public download and its licence forbids commercial use.
     */
    public static ModelPack named(String value) {
        return value == null || value.isBlank() ? PERMISSIVE : parse(value);
    }

    public static ModelPack parse(String value) {
        return Arrays.stream(values()).filter(p -> p.value().equals(value.strip().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown model pack '" + value + "'; packs: "
                        + Arrays.stream(values()).map(ModelPack::value).toList()));
    }
}
