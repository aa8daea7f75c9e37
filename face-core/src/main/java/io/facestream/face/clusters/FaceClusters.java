package io.facestream.face.clusters;

import java.util.List;

/**
 * The clusters found, largest first (ties: the one whose first face came first in the input), and the faces left out.
 *
 * @param noise faces in no cluster, in input order
 */
public record FaceClusters<T>(List<FaceCluster<T>> clusters, List<T> noise) {

    public FaceClusters {
        clusters = List.copyOf(clusters);
        noise = List.copyOf(noise);
    }
}
