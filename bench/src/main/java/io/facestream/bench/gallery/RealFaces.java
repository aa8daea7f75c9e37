package io.facestream.bench.gallery;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.facestream.bench.PairList;
import io.facestream.face.Detector;
import io.facestream.face.Face;
import io.facestream.face.FaceDetector;
import io.facestream.face.Images;
import io.facestream.face.OnnxFaceEmbedder;
import io.facestream.face.Recognizer;
import io.facestream.models.ModelStore;

/**
 * Real embeddings of the labelled photos in ../shared/data (LFW, CelebA, deepface), computed once through the
 * services' own face path (SCRFD-500M, ArcFace MBF int8: the research pack, 512-d) and cached in a file, so reruns
 * of the gallery bench take seconds instead of the minute or two the models need.
 */
record RealFaces(List<String> identities, List<float[]> vectors) {

    static final String MODEL = "arcface-mbf-int8";

    static RealFaces load(Path data, Path cache) throws Exception {
        if (Files.exists(cache)) {
            return read(cache);
        }
        List<PairList.Labelled> labelled = new ArrayList<>();
        labelled.addAll(PairList.identities(data.resolve("lfw/identities.csv"), data.resolve("lfw")));
        labelled.addAll(PairList.identities(data.resolve("celeba/identities.csv"), data.resolve("celeba")));
        labelled.addAll(PairList.identities(data.resolve("deepface/identities.csv"), data.resolve("deepface")));
        ModelStore models = ModelStore.fromEnvironment();
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        try (FaceDetector detector = Detector.SCRFD_500M.create(models);
             OnnxFaceEmbedder embedder = OnnxFaceEmbedder.create(Recognizer.ARCFACE_MBF_INT8, models, false)) {
            for (PairList.Labelled photo : labelled) {
                var image = Images.decode(Files.readAllBytes(photo.image()));
                double cx = image.cols() / 2.0, cy = image.rows() / 2.0;
                Face central = detector.detect(image).stream()
                        .min(java.util.Comparator.comparingDouble(f -> Math.hypot(f.x() + f.width() / 2 - cx, f.y() + f.height() / 2 - cy)))
                        .orElse(null);
                if (central != null) {
                    ids.add(photo.identity());
                    vectors.add(embedder.embed(image, central));
                }
                image.release();
            }
        }
        RealFaces faces = new RealFaces(ids, vectors);
        Files.createDirectories(cache.toAbsolutePath().getParent());
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(cache)))) {
            out.writeInt(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                out.writeUTF(ids.get(i));
                float[] v = vectors.get(i);
                out.writeInt(v.length);
                for (float x : v) {
                    out.writeFloat(x);
                }
            }
        }
        return faces;
    }

    private static RealFaces read(Path cache) throws IOException {
        try (InputStream file = Files.newInputStream(cache);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(file))) {
            int n = in.readInt();
            List<String> ids = new ArrayList<>(n);
            List<float[]> vectors = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(in.readUTF());
                float[] v = new float[in.readInt()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = in.readFloat();
                }
                vectors.add(v);
            }
            return new RealFaces(ids, vectors);
        }
    }

    int size() {
        return vectors.size();
    }

}
