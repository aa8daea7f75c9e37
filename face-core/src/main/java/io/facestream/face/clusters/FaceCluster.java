package io.facestream.face.clusters;

import java.util.List;

/**
 * Faces taken for one stranger, the most typical first: ordered by similarity to the cluster's mean direction, so
 * the first few are the samples to show and the candidates to enrol (after the caller's own quality filter).
 *
 * @param faces      every face of the cluster, most typical first
 * @param similarity each face's cosine similarity to the cluster's mean direction, in the same order
 */
public record FaceCluster<T>(List<T> faces, List<Float> similarity) {

    public FaceCluster {
        faces = List.copyOf(faces);
        similarity = List.copyOf(similarity);
    }

    public int size() {
        return faces.size();
    }

    /** The first {@code n} faces (fewer when the cluster is smaller). */
    public List<T> mostTypical(int n) {
        return faces.subList(0, Math.min(n, faces.size()));
    }
}
