package io.facestream.face.clusters;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Clusters held against known identities, for measuring (bench, tests). Pairwise: every two faces put in one cluster
 * is a claimed pair, every two faces of one identity a true pair (noise faces included: leaving a face out loses its pairs).
 *
 * @param faces            faces clustered
 * @param identities       distinct identities among them
 * @param clusters         clusters found
 * @param precision        claimed pairs that are one identity (1 when no pair is claimed)
 * @param recall           true pairs that share a cluster (1 when there is none)
 * @param splitIdentities  identities whose faces lie in two or more clusters
 * @param mergedClusters   clusters holding faces of two or more identities
 * @param noiseShare       faces in no cluster
 * @param loneFacesClustered faces of identities seen once that were put in a cluster anyway (a stranger seen once should be noise)
 */
public record ClusterQuality(int faces, int identities, int clusters, double precision, double recall,
                             int splitIdentities, int mergedClusters, double noiseShare, int loneFacesClustered) {

    public static <T> ClusterQuality of(FaceClusters<T> result, Function<T, String> identity) {
        Map<String, Integer> perIdentity = new HashMap<>();
        result.noise().forEach(f -> perIdentity.merge(identity.apply(f), 1, Integer::sum));
        result.clusters().forEach(c -> c.faces().forEach(f -> perIdentity.merge(identity.apply(f), 1, Integer::sum)));
        long truePairs = perIdentity.values().stream().mapToLong(ClusterQuality::pairs).sum();
        long claimed = 0, right = 0;
        int merged = 0, lone = 0;
        Map<String, Set<Integer>> clustersOf = new HashMap<>();
        for (int c = 0; c < result.clusters().size(); c++) {
            List<T> members = result.clusters().get(c).faces();
            claimed += pairs(members.size());
            Map<String, Integer> counts = new HashMap<>();
            for (T face : members) {
                String id = identity.apply(face);
                counts.merge(id, 1, Integer::sum);
                clustersOf.computeIfAbsent(id, k -> new HashSet<>()).add(c);
                lone += perIdentity.get(id) == 1 ? 1 : 0;
            }
            right += counts.values().stream().mapToLong(ClusterQuality::pairs).sum();
            merged += counts.size() > 1 ? 1 : 0;
        }
        int split = (int) clustersOf.values().stream().filter(s -> s.size() > 1).count();
        int faces = perIdentity.values().stream().mapToInt(Integer::intValue).sum();
        return new ClusterQuality(faces, perIdentity.size(), result.clusters().size(),
                claimed == 0 ? 1.0 : (double) right / claimed, truePairs == 0 ? 1.0 : (double) right / truePairs,
                split, merged, faces == 0 ? 0.0 : (double) result.noise().size() / faces, lone);
    }

    private static long pairs(long n) {
        return n * (n - 1) / 2;
    }
}
