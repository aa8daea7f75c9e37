package io.facestream.matcher.tracking;

import static io.facestream.matcher.tracking.Frames.STEP;
import static io.facestream.matcher.tracking.Frames.T0;
import static io.facestream.matcher.tracking.Frames.face;
import static io.facestream.matcher.tracking.Frames.look;
import static io.facestream.matcher.tracking.Frames.named;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PersonMatch;
import io.facestream.schemas.SourceTrackState;
import io.facestream.schemas.TrackEvent;
import io.facestream.schemas.TrackEventKind;
import io.facestream.schemas.TrackState;
import io.facestream.schemas.TrackVote;
import io.facestream.schemas.Box;
import java.time.Instant;

/** A track's name: votes over its faces, min_faces, ties, the share of attempts, hysteresis. One face, standing still. */
class IdentityVoteTest {

    final float[] ana = look(0, 0.1f);
    final Tracker tracker = new Tracker(TrackerSettings.defaults());   // min 3 faces, last 12, 20 %, margin 2
    SourceTrackState state;
    final List<TrackEvent> events = new ArrayList<>();
    long sequence;

    PersonMatch feed(Frames.Face face) {
        long s = sequence++;
        SourceTrackState stored = state == null ? null : TrackerTest.SERDE.decode(TrackerTest.SERDE.encode(state));
        Tracker.Step step = tracker.track(stored, Frames.frame("cam", s, T0 + s * STEP, face), Frames.embeddings(face), T0 + s * STEP);
        state = step.state();
        events.addAll(step.events());
        MatchResult r = step.result();
        return r.getFaces().get(0).getTrack().getPerson();
    }

    Frames.Face ana(float similarity) {
        return named(100, 100, ana, 1, "Ana Silva", similarity);
    }

    Frames.Face ben(float similarity) {
        return named(100, 100, ana, 2, "Ben Ode", similarity);
    }

    Frames.Face unknown() {
        return face(100, 100, ana);
    }

    @Test
    void unknownUntilMinFacesAgreeThenIdentifiedOnce() {
        assertThat(feed(ana(0.6f))).isNull();
        assertThat(feed(unknown())).isNull();
        assertThat(feed(ana(0.62f))).as("two faces are not enough").isNull();
        PersonMatch named = feed(ana(0.58f));
        assertThat(named.getName()).isEqualTo("Ana Silva");
        assertThat(named.getSimilarity()).as("the track's best similarity to her").isEqualTo(0.62f);
        for (int i = 0; i < 15; i++) {
            assertThat(feed(unknown()).getName()).as("unknown faces do not unname").isEqualTo("Ana Silva");
        }
        assertThat(state.getTracks().get(0).getConfidence()).as("nor take its confidence when her faces left the vote").isEqualTo(1f);
        List<TrackEvent> identified = events.stream().filter(e -> e.getKind() == TrackEventKind.IDENTIFIED).toList();
        assertThat(identified).hasSize(1);
        assertThat(identified.get(0).getConfidence()).isEqualTo(1f);
        assertThat(identified.get(0).getFacesSeen()).isEqualTo(4);
        assertThat(identified.get(0).getTime().toEpochMilli()).isEqualTo(T0 + 3 * STEP);
    }

    static TrackState votes(PersonMatch current, PersonMatch... faces) {
        List<TrackVote> votes = new ArrayList<>();
        for (PersonMatch p : faces) {
            votes.add(new TrackVote(p, p == null ? 0f : p.getSimilarity()));
        }
        return TrackState.newBuilder().setTrackId("t").setFirstSeen(Instant.EPOCH).setLastSeen(Instant.EPOCH)
                .setBox(new Box(0f, 0f, 1f, 1f)).setPerson(current).setVotes(votes).build();
    }

    static final PersonMatch ANA = new PersonMatch(1L, "Ana Silva", 0.9f);
    static final PersonMatch BEN = new PersonMatch(2L, "Ben Ode", 0.6f);

    @Test
    void aTieGivesNoName() {
        TrackerSettings s = TrackerSettings.defaults();
        assertThat(IdentityVote.decide(votes(null, ANA, BEN, ANA, BEN, ANA, BEN), s).person())
                .as("3 against 3 faces, whatever the weights").isNull();
        assertThat(IdentityVote.decide(votes(null, ANA, BEN, ANA, BEN, ANA, BEN, ANA), s).person()).isEqualTo(ANA);
    }

    @Test
    void rareNamesAmongManyUnknownFacesDoNotNameTheTrack() {
        TrackerSettings quarter = new TrackerSettings(2000, 2, 12, 0.25f, 2f, 10_000, 10_000);
        PersonMatch[] two = new PersonMatch[12], three = new PersonMatch[12];
        two[3] = two[9] = ANA;
        three[3] = three[6] = three[9] = ANA;
        assertThat(IdentityVote.decide(votes(null, two), quarter).person()).as("2 of 12: under a quarter").isNull();
        assertThat(IdentityVote.decide(votes(null, three), quarter).person()).isEqualTo(ANA);
        TrackerSettings anyShare = new TrackerSettings(2000, 2, 12, 0f, 2f, 10_000, 10_000);
        assertThat(IdentityVote.decide(votes(null, two), anyShare).person()).isEqualTo(ANA);
    }

    @Test
    void oneBadFrameNeverRenamesATrackButASustainedChangeDoes() {
        for (int i = 0; i < 4; i++) {
            feed(ana(0.6f));
        }
        assertThat(feed(ben(0.99f)).getName()).isEqualTo("Ana Silva");
        assertThat(feed(ben(0.99f)).getName()).isEqualTo("Ana Silva");
        assertThat(feed(ben(0.99f)).getName()).as("3 strong Ben against 4 Ana: not twice her weight").isEqualTo("Ana Silva");
        for (int i = 0; i < 3; i++) {
            feed(ben(0.99f));
        }
        assertThat(feed(ben(0.99f)).getName()).isEqualTo("Ben Ode");
        TrackEvent changed = events.stream().filter(e -> e.getKind() == TrackEventKind.IDENTITY_CHANGED).findFirst().orElseThrow();
        assertThat(changed.getPreviousPerson().getName()).isEqualTo("Ana Silva");
        assertThat(changed.getPerson().getName()).isEqualTo("Ben Ode");
        assertThat(events.stream().filter(e -> e.getKind() == TrackEventKind.IDENTITY_CHANGED)).hasSize(1);
    }

    @Test
    void smallAndPoorFacesCountLess() {
        Frames.Face big = ana(0.6f);
        assertThat(IdentityVote.vote(Frames.frame("c", 0, T0, Frames.small(big, 14f)).getFaces().get(0)).getWeight())
                .isEqualTo(0.6f * 0.5f);
        assertThat(IdentityVote.vote(Frames.frame("c", 0, T0, Frames.small(big, 40f)).getFaces().get(0)).getWeight())
                .as("capped at full weight").isEqualTo(0.6f);
        assertThat(IdentityVote.vote(Frames.frame("c", 0, T0, unknown()).getFaces().get(0)).getWeight()).isZero();
    }

    @Test
    void theTrackKeepsItsBestFaceForSnapshots() {
        feed(Frames.small(ana(0.6f), 20f));
        feed(Frames.small(ana(0.6f), 35f));
        feed(Frames.small(ana(0.6f), 25f));
        assertThat(state.getTracks().get(0).getBestFaceId()).isEqualTo("cam-1-0");
        assertThat(state.getTracks().get(0).getBestFaceFrameId()).isEqualTo("cam#1@" + (T0 + STEP));
    }
}
