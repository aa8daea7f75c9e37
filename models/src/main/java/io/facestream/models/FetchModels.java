package io.facestream.models;

import java.util.Arrays;
import java.util.List;

/**
 * The fetch step: {@code java io.facestream.models.FetchModels [name ...]}. Without names it
 * fetches what the default pipeline needs ({@code FACESTREAM_FETCH_MODELS} may list others, or "all").
 */
public final class FetchModels {

    /** Every detector and recognizer the services, their tests and the bench run (not BlazeFace, which nothing uses yet). */
    public static final List<String> DEFAULT = List.of("yunet", "scrfd-500m", "scrfd-2.5g", "retinaface-mnet025", "arcface-mbf-int8", "mobilefacenet-128",
            "dlib-resnet-128");

    private FetchModels() {
    }

    public static void main(String[] args) {
        ModelStore store = ModelStore.fromEnvironment();
        List<String> names = args.length > 0 ? Arrays.asList(args) : selection(store);
        for (String name : names) {
            System.out.println("model " + name + ": " + store.path(name));
        }
    }

    private static List<String> selection(ModelStore store) {
        String wanted = System.getenv("FACESTREAM_FETCH_MODELS");
        if (wanted == null || wanted.isBlank()) {
            return DEFAULT;
        }
        if (wanted.equals("all")) {
            return store.manifest().models().stream().map(ModelSpec::name).toList();
        }
        return Arrays.stream(wanted.split(",")).map(String::trim).toList();
    }
}
