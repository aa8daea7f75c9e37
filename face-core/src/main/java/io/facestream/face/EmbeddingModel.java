package io.facestream.face;

/**
 * What produced a vector: a recognizer, with or without flip averaging. Flip changes the vectors (and their calibrated
 * threshold), so each variant has its own gallery. Its {@link #name()} is what travels with every vector
 * ({@code FaceEmbedding.model}) and is stored with every enrolled face: {@code arcface-mbf-int8}, {@code dlib-resnet-128+flip}.
 */
public record EmbeddingModel(Recognizer recognizer, boolean flip) {

    private static final String FLIP = "+flip";

    public String name() {
        return flip ? recognizer.modelName() + FLIP : recognizer.modelName();
    }

    @Override
    public String toString() {
        return name();
    }

    public static EmbeddingModel parse(String name) {
        boolean flip = name.endsWith(FLIP);
        return new EmbeddingModel(Recognizer.byModelName(flip ? name.substring(0, name.length() - FLIP.length()) : name), flip);
    }
}
