package io.facestream.matcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.facestream.schemas.PersonMatch;

/** The naming rule: at or above the threshold, and ahead of the second-best person by the margin. */
class LookupMarginTest {

    static final Lookup.Threshold WITH_MARGIN = new Lookup.Threshold(0.944f, 0.023f, "test");
    static final Lookup.Threshold WITHOUT = new Lookup.Threshold(0.944f, 0f, "test");

    static Lookup.Closest closest(float best, float second) {
        return new Lookup.Closest(new PersonMatch(1L, "Ada", best), second);
    }

    @Test
    void aFaceBetweenTwoClosePeopleIsNamedOnlyWithoutTheMargin() {
        Lookup.Closest between = closest(0.975f, 0.965f);
        assertThat(Lookup.named(between, WITH_MARGIN)).isNull();
        assertThat(Lookup.named(between, WITHOUT).getName()).isEqualTo("Ada");
    }

    @Test
    void aClearLeadOverTheSecondBestIsNamed() {
        assertThat(Lookup.named(closest(0.975f, 0.95f), WITH_MARGIN).getName()).isEqualTo("Ada");
        assertThat(Lookup.named(closest(0.975f, -2f), WITH_MARGIN).getName()).as("nobody else enrolled").isEqualTo("Ada");
    }

    @Test
    void theThresholdStillHolds() {
        assertThat(Lookup.named(closest(0.94f, 0.5f), WITH_MARGIN)).as("below the threshold whatever the lead").isNull();
        assertThat(Lookup.named(new Lookup.Closest(null, -2f), WITH_MARGIN)).isNull();
    }
}
