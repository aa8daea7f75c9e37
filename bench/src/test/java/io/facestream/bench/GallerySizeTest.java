package io.facestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The margin rule as the bench applies it: a face's two closest enrolled people, and naming by threshold and margin. */
class GallerySizeTest {

    static float[] unit(double angleDegrees) {
        double a = Math.toRadians(angleDegrees);
        return new float[] {(float) Math.cos(a), (float) Math.sin(a)};
    }

    @Test
    void theTwoClosestAreFoundWhateverTheirOrder() {
        List<float[]> gallery = List.of(unit(40), unit(10), unit(90), unit(-15));
        GallerySize.Top2 top = GallerySize.top2(gallery, unit(0));
        assertThat(top.best()).isEqualTo(1);
        assertThat(top.first()).isCloseTo(Math.cos(Math.toRadians(10)), within(1e-6));
        assertThat(top.second()).isCloseTo(Math.cos(Math.toRadians(15)), within(1e-6));
        assertThat(GallerySize.top2(List.of(unit(0)), unit(0)).second()).as("one person: no second").isEqualTo(-2);
    }

    @Test
    void aFaceIsNamedAtTheThresholdAndAheadOfTheSecondByTheMargin() {
        GallerySize.Top2 close = new GallerySize.Top2(0, 0.975, 0.965);
        assertThat(close.named(0.944, 0)).isTrue();
        assertThat(close.named(0.944, 0.023)).isFalse();
        assertThat(close.named(0.944, 0.01)).as("a lead equal to the margin is enough").isTrue();
        assertThat(new GallerySize.Top2(0, 0.94, 0.5).named(0.944, 0.023)).isFalse();
    }
}
