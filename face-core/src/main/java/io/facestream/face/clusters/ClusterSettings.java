package io.facestream.face.clusters;

import java.util.Locale;

import io.facestream.face.EmbeddingModel;

/**
 * How close faces must be to count as one stranger: density-based, as Immich groups faces. Two faces are neighbours
 * when their cosine similarity is at least {@code minSimilarity} (DBSCAN's eps is the cosine distance
 * {@code 1 - minSimilarity}); a face with at least {@code minFaces} neighbours, itself included, is a core and starts or
 * grows a cluster; a face near a core joins its cluster; any other face is noise (a stranger seen too rarely to group).
 *
 * @param minSimilarity cosine similarity of unit embeddings, of the recognizer that made them
 * @param minFaces      at least 2: a lone face is never a cluster
 */
public record ClusterSettings(float minSimilarity, int minFaces) {

    public ClusterSettings {
        if (!(minSimilarity > -1f && minSimilarity < 1f)) {
            throw new IllegalArgumentException("minSimilarity must be between -1 and 1 (exclusive), not " + minSimilarity);
        }
        if (minFaces < 2) {
            throw new IllegalArgumentException("minFaces must be at least 2, not " + minFaces);
        }
    }

    /** The cosine distance under which two faces are neighbours (DBSCAN's eps). */
    public double eps() {
        return 1.0 - minSimilarity;
    }

    /**
     * The defaults for the vectors of one recognizer, chosen in docs/clustering.md on CelebA and LFW photos treated as
     * strangers. {@link ClusterDefaults} holds the numbers and why.
     */
    public static ClusterSettings forModel(EmbeddingModel model) {
        return ClusterDefaults.of(model);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "similarity >= %.3f, %d faces", minSimilarity, minFaces);
    }
}
