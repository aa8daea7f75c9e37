package io.facestream.face.clusters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.commons.math3.ml.clustering.Cluster;
import org.apache.commons.math3.ml.clustering.Clusterable;
import org.apache.commons.math3.ml.clustering.DBSCANClusterer;
import org.apache.commons.math3.ml.distance.DistanceMeasure;

import io.facestream.face.Vectors;

/**
 * Groups faces of the same unknown person: DBSCAN (Apache Commons Math's {@link DBSCANClusterer}) with the cosine
 * distance of L2-normalised embeddings. Kafka-free and stateless, so a replay job and the gateway call it alike.
 *
 * <p>Why DBSCAN and this library: a stranger who keeps coming back leaves a dense group of faces, one seen once leaves
 * a lone face, and the number of strangers is not known beforehand, which is what DBSCAN's core points and noise express
 * (Immich groups faces the same way: a face needs a minimum number of close faces to found a person). Commons Math 3 is
 * Apache-2.0 licensed with no dependencies (Smile, which also has HDBSCAN, is GPL-3.0 and would bind the permissive
 * pack's users); its DBSCAN compares every pair, which for the few thousand faces of a replay's unknown tracks is
 * milliseconds to a second or two (docs/clustering.md). The result depends only on the input order, which is kept: the same
 * faces in the same order give the same clusters.
 */
public final class FaceClusterer {

    private FaceClusterer() {
    }

    /**
     * @param faces  what to group (tracks' best faces, crops, anything carrying an embedding), in a stable order
     * @param vector each face's embedding, all from one recognizer; normalised here (the pipeline's are already unit length)
     */
    public static <T> FaceClusters<T> cluster(List<T> faces, Function<T, float[]> vector, ClusterSettings settings) {
        List<Point<T>> points = new ArrayList<>(faces.size());
        int dimension = -1;
        for (int i = 0; i < faces.size(); i++) {
            float[] v = vector.apply(faces.get(i));
            if (dimension >= 0 && v.length != dimension) {
                throw new IllegalArgumentException("embeddings of different dimension (" + dimension + " and " + v.length
                        + "): cluster the faces of one recognizer at a time");
            }
            dimension = v.length;
            points.add(new Point<>(i, faces.get(i), Vectors.l2normalize(v.clone())));
        }
        // Commons Math counts a point's neighbours without the point itself; minFaces counts it.
        DBSCANClusterer<Point<T>> dbscan = new DBSCANClusterer<>(settings.eps(), settings.minFaces() - 1, COSINE_DISTANCE);
        List<Cluster<Point<T>>> found = dbscan.cluster(points);
        Map<Point<T>, Boolean> clustered = new IdentityHashMap<>();
        List<FaceCluster<T>> clusters = new ArrayList<>();
        List<Integer> firstIndex = new ArrayList<>();
        for (Cluster<Point<T>> cluster : found) {
            List<Point<T>> members = cluster.getPoints();
            members.forEach(p -> clustered.put(p, true));
            clusters.add(ordered(members));
            firstIndex.add(members.stream().mapToInt(Point::index).min().orElseThrow());
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < clusters.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingInt(i -> -clusters.get(i).size()).thenComparingInt(firstIndex::get));
        List<T> noise = points.stream().filter(p -> !clustered.containsKey(p)).map(Point::face).toList();
        return new FaceClusters<>(order.stream().map(clusters::get).toList(), noise);
    }

    private static <T> FaceCluster<T> ordered(List<Point<T>> members) {
        float[] centre = Vectors.meanDirection(members.stream().map(Point::vector).map(FaceClusterer::floats).toList());
        List<Point<T>> sorted = new ArrayList<>(members);
        Map<Point<T>, Float> similarity = new IdentityHashMap<>();
        for (Point<T> p : sorted) {
            similarity.put(p, Vectors.dot(floats(p.vector()), centre));
        }
        sorted.sort(Comparator.<Point<T>>comparingDouble(p -> -similarity.get(p)).thenComparingInt(Point::index));
        return new FaceCluster<>(sorted.stream().map(Point::face).toList(), sorted.stream().map(similarity::get).toList());
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** Cosine distance of unit vectors: 1 - their dot product (0 for the same direction, 2 for opposite ones). */
    private static final DistanceMeasure COSINE_DISTANCE = (a, b) -> {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return 1.0 - dot;
    };

    /**
     * One face as Commons Math sees it. Identity equality on purpose: the clusterer keys its visited map by point, and two
     * faces with equal vectors (the same crop sent twice) must still count as two.
     */
    private record Point<T>(int index, T face, double[] vector) implements Clusterable {

        Point(int index, T face, float[] unit) {
            this(index, face, doubles(unit));
        }

        @Override
        public double[] getPoint() {
            return vector;
        }

        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        private static double[] doubles(float[] v) {
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            return d;
        }
    }
}
