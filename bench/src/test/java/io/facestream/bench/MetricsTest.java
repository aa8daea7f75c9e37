package io.facestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MetricsTest {

    static final Path DATA = Path.of(System.getProperty("facestream.data.dir", "../../shared/data"));

    @Test
    void separableScoresGiveFullAccuracyAndAuc() {
        double[] similarity = new double[40];
        boolean[] same = new boolean[40];
        for (int i = 0; i < 40; i++) {
            same[i] = i % 2 == 0;
            similarity[i] = same[i] ? 0.6 + i / 1000.0 : 0.1 + i / 1000.0;
        }
        assertThat(Metrics.tenFoldAccuracy(similarity, same)[0]).isEqualTo(1.0);
        assertThat(Metrics.auc(similarity, same)).isEqualTo(1.0);
    }

    @Test
    void aPairWithoutAFaceIsAlwaysWrong() {
        double[] similarity = new double[20];
        boolean[] same = new boolean[20];
        for (int i = 0; i < 20; i++) {
            same[i] = i % 2 == 0;
            similarity[i] = same[i] ? 0.9 : 0.1;
        }
        similarity[1] = Double.NaN; // a different-person pair whose face was not found: not a free "different"
        double[] accuracy = Metrics.tenFoldAccuracy(similarity, same);
        assertThat(accuracy[0]).isCloseTo(0.95, within(1e-9));
    }

    @Test
    void thresholdAtFarAcceptsNoMoreImpostorsThanAllowed() {
        double[] impostors = new double[10_000];
        for (int i = 0; i < impostors.length; i++) {
            impostors[i] = i / 10_000.0;
        }
        double threshold = Metrics.thresholdAtFar(impostors, 1e-3);
        long accepted = java.util.Arrays.stream(impostors).filter(s -> s >= threshold).count();
        assertThat(accepted).isEqualTo(10);
        assertThat(Metrics.acceptRate(new double[] {0.5, Double.NaN, 0.9995, 1.0}, threshold)).isEqualTo(0.5);
    }

    @Test
    void readsBothPairFormatsToTheSamePairs() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DATA), () -> "needs the shared photos, not found at " + DATA.toAbsolutePath().normalize());
        List<PairList.Pair> text = PairList.read(DATA.resolve("lfw/pairs_dev.txt"), DATA.resolve("lfw/images"));
        List<PairList.Pair> csv = PairList.read(DATA.resolve("lfw/pairs_dev.csv"), DATA.resolve("lfw"));
        assertThat(text).hasSize(280).isEqualTo(csv);
        assertThat(text.stream().filter(PairList.Pair::same)).hasSize(140);
        assertThat(text.get(0).first()).exists();
    }
}
