package io.facestream.face.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** DBSCAN's rules on faces placed by hand: unit vectors in a plane, apart by known angles. */
class FaceClustererTest {

    record Face(String name, float[] vector) {
    }

    static Face at(String name, double degrees) {
        double r = Math.toRadians(degrees);
        // Not unit length on purpose: the clusterer normalises.
        return new Face(name, new float[] {(float) (3 * Math.cos(r)), (float) (3 * Math.sin(r))});
    }

    /** Neighbours when at most 6 degrees apart. */
    static final ClusterSettings SIX_DEGREES = new ClusterSettings((float) Math.cos(Math.toRadians(6)), 3);

    @Test
    void denseGroupsBecomeClustersAndALoneFaceIsNoise() {
        List<Face> faces = List.of(at("a1", 0), at("b1", 90), at("a2", 5), at("lone", 45), at("b2", 95), at("a3", 10), at("b3", 100), at("b4", 104));

        FaceClusters<Face> result = FaceClusterer.cluster(faces, Face::vector, SIX_DEGREES);

        assertThat(result.clusters()).hasSize(2);
        // Largest first; inside a cluster the most typical face (nearest the mean direction) first.
        assertThat(result.clusters().get(0).faces()).extracting(Face::name).containsExactlyInAnyOrder("b1", "b2", "b3", "b4");
        assertThat(result.clusters().get(1).faces()).extracting(Face::name).containsExactly("a2", "a1", "a3");
        assertThat(result.clusters().get(1).similarity().get(0)).isCloseTo(1f, within(1e-4f));
        assertThat(result.noise()).extracting(Face::name).containsExactly("lone");
    }

    @Test
    void aCoreNeedsMinFacesItselfIncluded() {
        // a2 has two neighbours: with itself, 3 faces. Enough for minFaces 3, not for 4.
        List<Face> faces = List.of(at("a1", 0), at("a2", 5), at("a3", 10));

        assertThat(FaceClusterer.cluster(faces, Face::vector, SIX_DEGREES).clusters()).hasSize(1);
        FaceClusters<Face> strict = FaceClusterer.cluster(faces, Face::vector, new ClusterSettings(SIX_DEGREES.minSimilarity(), 4));
        assertThat(strict.clusters()).isEmpty();
        assertThat(strict.noise()).hasSize(3);
    }

    @Test
    void twoFacesFormAClusterOnlyWhenMinFacesIsTwo() {
        List<Face> faces = List.of(at("a1", 0), at("a2", 4), at("far", 60));

        assertThat(FaceClusterer.cluster(faces, Face::vector, SIX_DEGREES).clusters()).isEmpty();
        FaceClusters<Face> pairs = FaceClusterer.cluster(faces, Face::vector, new ClusterSettings(SIX_DEGREES.minSimilarity(), 2));
        assertThat(pairs.clusters()).singleElement().extracting(FaceCluster::size).isEqualTo(2);
        assertThat(pairs.noise()).extracting(Face::name).containsExactly("far");
    }

    @Test
    void coresChainThroughNeighbours() {
        // Each step is 5 degrees, the ends 20 apart: density-based clusters follow a chain (a face seen turning its head).
        List<Face> faces = List.of(at("t0", 0), at("t1", 5), at("t2", 10), at("t3", 15), at("t4", 20));

        assertThat(FaceClusterer.cluster(faces, Face::vector, SIX_DEGREES).clusters()).singleElement().extracting(FaceCluster::size).isEqualTo(5);
    }

    @Test
    void equalVectorsStillCountAsSeparateFaces() {
        Face same = at("x", 30);
        List<Face> faces = List.of(same, same, at("y", 31));

        assertThat(FaceClusterer.cluster(faces, Face::vector, SIX_DEGREES).clusters()).singleElement().extracting(FaceCluster::size).isEqualTo(3);
    }

    @Test
    void sameInputGivesTheSameClusters() {
        List<Face> faces = List.of(at("a1", 0), at("b1", 90), at("a2", 5), at("b2", 95), at("a3", 10), at("b3", 100));

        assertThat(FaceClusterer.cluster(faces, Face::vector, SIX_DEGREES)).isEqualTo(FaceClusterer.cluster(faces, Face::vector, SIX_DEGREES));
    }

    @Test
    void vectorsOfDifferentRecognizersAreRefused() {
        List<Face> faces = List.of(at("a", 0), new Face("other", new float[] {1, 0, 0}));

        assertThatThrownBy(() -> FaceClusterer.cluster(faces, Face::vector, SIX_DEGREES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different dimension");
    }

    @Test
    void settingsRefuseALoneFaceCluster() {
        assertThatThrownBy(() -> new ClusterSettings(0.5f, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClusterSettings(1.2f, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void qualityCountsPairsSplitsMergesAndNoise() {
        // Cluster 1: A A B (one merge), cluster 2: A, noise: B C. A is split over two clusters.
        List<Face> faces = List.of(at("A", 0), at("A", 3), at("B", 7), at("A", 90), at("A", 93), at("B", 45), at("C", 200));
        FaceClusters<Face> result = FaceClusterer.cluster(faces, Face::vector, new ClusterSettings(SIX_DEGREES.minSimilarity(), 2));

        ClusterQuality quality = ClusterQuality.of(result, Face::name);

        // Claimed pairs: 3 (cluster of 3) + 1 = 4, right ones: A-A + A-A = 2. True pairs: A has 4 faces (6), B 2 (1), C 1: 7.
        assertThat(quality.clusters()).isEqualTo(2);
        assertThat(quality.precision()).isCloseTo(2.0 / 4, within(1e-9));
        assertThat(quality.recall()).isCloseTo(2.0 / 7, within(1e-9));
        assertThat(quality.splitIdentities()).isEqualTo(1);
        assertThat(quality.mergedClusters()).isEqualTo(1);
        assertThat(quality.noiseShare()).isCloseTo(2.0 / 7, within(1e-9));
        assertThat(quality.loneFacesClustered()).isZero();
        assertThat(quality.identities()).isEqualTo(3);
    }
}
