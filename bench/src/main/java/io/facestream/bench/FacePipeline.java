package io.facestream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.opencv.core.Mat;

import io.facestream.face.Face;
import io.facestream.face.FaceEmbedder;
import io.facestream.face.ImageDecodeException;
import io.facestream.face.Images;

/**
 * The services' own face path — decode, detect, align and embed — over image files, each image
 * once, with the time every stage took.
 */
final class FacePipeline {

    final List<Double> decodeMs = new ArrayList<>();
    final List<Double> embedMs = new ArrayList<>();
    /** The face each image yields with this detector, shared by every recognizer run with it. */
    final CentralFaces faces;
    private final FaceEmbedder embedder;
    private final Map<Path, float[]> cache = new HashMap<>();
    int imagesWithoutFace;

    FacePipeline(CentralFaces faces, FaceEmbedder embedder) {
        this.faces = faces;
        this.embedder = embedder;
    }

    /** The embedding of the face nearest the image centre (the labelled one in LFW and CelebA), or null when none was found. */
    float[] embedding(Path image) {
        Path key = image.toAbsolutePath().normalize();
        if (!cache.containsKey(key)) { // "no face" is kept as null, which computeIfAbsent would not store
            cache.put(key, compute(key));
        }
        return cache.get(key);
    }

    /** Loads the vectors an earlier run stored for this detector × recognizer, and returns the store to save them in again. */
    EmbeddingCache useCache(Path directory, String detector) throws java.io.IOException {
        EmbeddingCache store = new EmbeddingCache(directory, detector, embedder.model());
        store.loadInto(cache);
        return store;
    }

    Map<Path, float[]> vectors() {
        return cache;
    }

    private float[] compute(Path path) {
        try {
            long t0 = System.nanoTime();
            Mat image = Images.decode(Files.readAllBytes(path));
            long t1 = System.nanoTime();
            decodeMs.add((t1 - t0) / 1e6);
            Face central = faces.of(path, image).orElse(null);
            if (central == null) {
                imagesWithoutFace++;
                image.release();
                return null;
            }
            long t3 = System.nanoTime();
            float[] vector = embedder.embed(image, central);
            embedMs.add((System.nanoTime() - t3) / 1e6);
            image.release();
            return vector;
        } catch (java.io.IOException | ImageDecodeException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
