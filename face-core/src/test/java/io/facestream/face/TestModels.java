package io.facestream.face;

import org.junit.jupiter.api.Assumptions;

import io.facestream.models.ModelStore;

/**
 * The model store tests use. The research pack's files (and the other models without a public download)
 * cannot be fetched on a fresh clone: a test that needs one runs when it is here (CI points
 * FACESTREAM_MODEL_MIRROR at ../shared/models) and is skipped otherwise, with where to put it as reason.
 */
public final class TestModels {

    private TestModels() {
    }

    /** The store, after skipping the calling test unless every named model can be had. */
    public static ModelStore store(String... names) {
        ModelStore store = ModelStore.fromEnvironment();
        for (String name : names) {
            Assumptions.assumeTrue(store.obtainable(name), () -> "skipped: " + store.missing(name));
        }
        return store;
    }

    public static ModelStore store(Recognizer recognizer) {
        return store(recognizer.modelName());
    }
}
