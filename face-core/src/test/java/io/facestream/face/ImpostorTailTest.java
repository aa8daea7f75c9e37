package io.facestream.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ImpostorTailTest {

    private final ImpostorTail tail = ImpostorTail.of(1e-2, 0.15, 1e-3, 0.23, 1e-4, 0.29, 1e-5, 0.34);

    @Test
    void measuredPointsAreExactAndBetweenThemTheRateIsInterpolatedOnALogScale() {
        assertThat(tail.at(1e-3)).isCloseTo(0.23, within(1e-9));
        assertThat(tail.at(1e-5)).isCloseTo(0.34, within(1e-9));
        assertThat(tail.at(Math.sqrt(1e-3 * 1e-4))).isCloseTo(0.26, within(1e-9));
    }

    @Test
    void beyondTheRarestPointTheLastSlopeContinues() {
        assertThat(tail.at(1e-7)).isCloseTo(0.44, within(1e-9));
        assertThat(tail.at(1e-1)).isCloseTo(0.07, within(1e-9));
    }

    @Test
    void theChanceAStrangerIsNamedAtAllStaysAtTheRateForAnyGallerySize() {
        for (long n : new long[] {1, 100, 1_000, 1_000_000}) {
            double f = ImpostorTail.pairRate(0.01, n);
            assertThat(1 - Math.pow(1 - f, n)).isCloseTo(0.01, within(1e-9));
        }
        // About p / N for small rates: a 1,000-face gallery needs 1e-5 per pair for 1 % of strangers.
        assertThat(ImpostorTail.pairRate(0.01, 1_000)).isCloseTo(1.005e-5, within(1e-8));
        assertThat(tail.forStrangerRate(0.01, 1_000)).isGreaterThan(tail.forStrangerRate(0.01, 100)).isGreaterThan(0.29);
    }
}
