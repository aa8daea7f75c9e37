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

import io.facestream.schemas.AvroSerde;
import io.facestream.schemas.FaceMatch;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.SourceTrackState;
import io.facestream.schemas.TrackEvent;
import io.facestream.schemas.TrackEventKind;

/** The tracker alone, in memory, as the replay job uses it: frames made by hand, five a second. */
class TrackerTest {

    static final String CAM = "lobby-2";

    final Tracker tracker = new Tracker(TrackerSettings.defaults());
    SourceTrackState state;
    final List<TrackEvent> events = new ArrayList<>();
    long wall = 5_000_000L;

    /** The state goes through the store's serde between frames, as in the matcher (Avro's own lists come back). */
    static final AvroSerde<SourceTrackState> SERDE = AvroSerde.of(SourceTrackState.class);

    MatchResult feed(long sequence, long time, Frames.Face... faces) {
        wall += STEP;
        SourceTrackState stored = state == null ? null : SERDE.decode(SERDE.encode(state));
        Tracker.Step step = tracker.track(stored, Frames.frame(CAM, sequence, time, faces), Frames.embeddings(faces), wall);
        state = step.state();
        events.addAll(step.events());
        assertThat(step.result().getFaces()).hasSize(faces.length);
        return step.result();
    }

    static String trackOf(MatchResult result, int face) {
        FaceMatch f = result.getFaces().get(face);
        return f.getTrack() == null ? null : f.getTrack().getTrackId();
    }

    List<TrackEventKind> kinds() {
        return events.stream().map(TrackEvent::getKind).toList();
    }

    @Test
    void aFaceMovingAcrossTheFrameKeepsOneTrack() {
        float[] ana = look(0, 0.1f);
        String id = null;
        for (int i = 0; i < 15; i++) {
            // 40 px a frame: two thirds of its width, so consecutive boxes barely overlap; the velocity carries it.
            MatchResult r = feed(i, T0 + i * STEP, face(20 + 40 * i, 100 + 3 * i, ana));
            id = id == null ? trackOf(r, 0) : id;
            assertThat(trackOf(r, 0)).as("frame %d", i).isEqualTo(id);
            assertThat(r.getFaces().get(0).getTrack().getFacesSeen()).isEqualTo(i + 1);
        }
        assertThat(id).startsWith(CAM + "/");
        assertThat(kinds()).containsExactly(TrackEventKind.STARTED);
    }

    @Test
    void twoFacesCrossingKeepTheirOwnTracks() {
        float[] ana = look(0, 0.1f), ben = look(3, 0.1f);
        String anaTrack = null, benTrack = null;
        for (int i = 0; i < 12; i++) {
            // Ana walks right, Ben left; their boxes overlap around frame 5-6, where the faces come in swapped order.
            Frames.Face a = face(40 + 45 * i, 120, ana), b = face(535 - 45 * i, 130, ben);
            boolean swapped = i % 2 == 1;
            MatchResult r = swapped ? feed(i, T0 + i * STEP, b, a) : feed(i, T0 + i * STEP, a, b);
            String ta = trackOf(r, swapped ? 1 : 0), tb = trackOf(r, swapped ? 0 : 1);
            if (i == 0) {
                anaTrack = ta;
                benTrack = tb;
            }
            assertThat(ta).as("Ana in frame %d", i).isEqualTo(anaTrack);
            assertThat(tb).as("Ben in frame %d", i).isEqualTo(benTrack);
        }
        assertThat(anaTrack).isNotEqualTo(benTrack);
    }

    @Test
    void twoStillFacesThatSwapPlacesAreToldApartByTheirEmbeddings() {
        float[] ana = look(0, 0.1f), ben = look(3, 0.1f);
        MatchResult first = feed(0, T0, face(100, 100, ana), face(130, 100, ben));
        // Next frame the two heads (half overlapping) traded places: place alone would keep the ids on the boxes.
        MatchResult second = feed(1, T0 + STEP, face(130, 100, ana), face(100, 100, ben));
        assertThat(trackOf(second, 0)).isEqualTo(trackOf(first, 0));
        assertThat(trackOf(second, 1)).isEqualTo(trackOf(first, 1));
    }

    @Test
    void aFaceMissingForAFewFramesKeepsItsTrackAndEndsAfterTheTimeout() {
        float[] ana = look(0, 0.1f);
        String id = trackOf(feed(0, T0, face(100, 100, ana)), 0);
        feed(1, T0 + STEP, face(105, 100, ana));
        for (int i = 2; i < 8; i++) {
            feed(i, T0 + i * STEP);   // 1.2 s without her face (timeout 2 s)
        }
        assertThat(trackOf(feed(8, T0 + 8 * STEP, face(110, 102, ana)), 0)).isEqualTo(id);
        for (int i = 9; i < 20; i++) {
            feed(i, T0 + i * STEP);
        }
        assertThat(kinds()).containsExactly(TrackEventKind.STARTED, TrackEventKind.ENDED);
        TrackEvent ended = events.get(1);
        assertThat(ended.getTrackId()).isEqualTo(id);
        assertThat(ended.getFirstSeen().toEpochMilli()).isEqualTo(T0);
        assertThat(ended.getLastSeen().toEpochMilli()).isEqualTo(T0 + 8 * STEP);
        assertThat(ended.getTime()).isEqualTo(ended.getLastSeen());
        assertThat(ended.getFacesSeen()).isEqualTo(3);
        assertThat(ended.getBestFaceBox()).isNotNull();
        assertThat(state.getTracks()).isEmpty();

        String again = trackOf(feed(20, T0 + 20 * STEP, face(110, 102, ana)), 0);
        assertThat(again).as("after the timeout she is a new track").isNotEqualTo(id);
    }

    @Test
    void aFaceThatReappearsElsewhereWithinTheTimeoutIsLinkedByItsEmbedding() {
        float[] ana = look(0, 0.1f);
        String id = trackOf(feed(0, T0, face(50, 100, ana)), 0);
        feed(1, T0 + STEP, face(52, 100, ana));
        feed(2, T0 + 2 * STEP);
        // Hidden for a frame, then across the room: only the embedding (at or above the match threshold) links it.
        assertThat(trackOf(feed(3, T0 + 3 * STEP, face(450, 120, look(0, 0.15f))), 0)).isEqualTo(id);
        // Someone else appearing there does not take over her track.
        assertThat(trackOf(feed(4, T0 + 4 * STEP, face(452, 120, ana), face(52, 100, look(5, 0f))), 1)).isNotEqualTo(id);
    }

    @Test
    void lateAndDuplicatedFramesAreAnsweredButMoveNoTrack() {
        float[] ana = look(0, 0.1f);
        MatchResult f0 = feed(0, T0, face(100, 100, ana));
        feed(1, T0 + STEP, face(110, 100, ana));
        feed(3, T0 + 3 * STEP, face(130, 100, ana));
        SourceTrackState before = SERDE.decode(SERDE.encode(state));
        int eventsBefore = events.size();

        MatchResult late = feed(2, T0 + 2 * STEP, face(120, 100, ana));
        MatchResult duplicate = feed(3, T0 + 3 * STEP, face(130, 100, ana));
        MatchResult oldDuplicate = feed(0, T0, face(100, 100, ana));

        for (MatchResult r : List.of(late, duplicate, oldDuplicate)) {
            assertThat(trackOf(r, 0)).isEqualTo(trackOf(f0, 0));
            assertThat(r.getFaces().get(0).getTrack().getFacesSeen()).isEqualTo(3);
        }
        assertThat(state).as("state untouched (and it survives its store's serde)").isEqualTo(before);
        assertThat(events).hasSize(eventsBefore);
        assertThat(feed(4, T0 + 4 * STEP, face(140, 100, ana)).getFaces().get(0).getTrack().getFacesSeen()).isEqualTo(4);
    }

    @Test
    void aCameraThatRestartsItsSequenceEndsItsTracksAndStartsNewOnes() {
        float[] ana = look(0, 0.1f);
        feed(0, T0, face(100, 100, ana));
        String id = trackOf(feed(1, T0 + STEP, face(100, 100, ana)), 0);
        // The camera restarted: sequence from 0 again, capture time went on.
        MatchResult restarted = feed(0, T0 + 2 * STEP, face(100, 100, ana));
        assertThat(trackOf(restarted, 0)).isNotEqualTo(id);
        assertThat(kinds()).containsExactly(TrackEventKind.STARTED, TrackEventKind.ENDED, TrackEventKind.STARTED);
        assertThat(restarted.getFaces().get(0).getTrack().getFacesSeen()).isEqualTo(1);
        assertThat(state.getLastSequence()).isZero();
        // And frames after the restart are in order again.
        assertThat(trackOf(feed(1, T0 + 3 * STEP, face(100, 100, ana)), 0)).isEqualTo(trackOf(restarted, 0));
    }

    @Test
    void aClockJumpingFarBackEndsTheTracksButASmallStepBackDoesNot() {
        float[] ana = look(0, 0.1f);
        String id = trackOf(feed(0, T0, face(100, 100, ana)), 0);
        // NTP nudged the clock back 300 ms: the sequence goes on, and so does the track.
        assertThat(trackOf(feed(1, T0 - 300, face(100, 100, ana)), 0)).isEqualTo(id);
        assertThat(state.getTracks().get(0).getLastSeen().toEpochMilli()).as("time never runs back").isEqualTo(T0);
        // Back by an hour: the camera's clock was reset; the old track cannot be continued honestly.
        MatchResult jumped = feed(2, T0 - 3_600_000, face(100, 100, ana));
        assertThat(trackOf(jumped, 0)).isNotEqualTo(id);
        assertThat(kinds()).containsExactly(TrackEventKind.STARTED, TrackEventKind.ENDED, TrackEventKind.STARTED);
        // A jump forward is a gap: the old track times out.
        String second = trackOf(jumped, 0);
        assertThat(trackOf(feed(3, T0 + 3_600_000, face(100, 100, ana)), 0)).isNotEqualTo(second);
        assertThat(kinds()).endsWith(TrackEventKind.ENDED, TrackEventKind.STARTED);
        // Ids stay unique across restarts of the source.
        assertThat(events.stream().map(TrackEvent::getTrackId).distinct()).hasSize(3);
    }

    @Test
    void aSourceThatStopsSendingHasItsTracksEndedByTheWallClock() {
        float[] ana = look(0, 0.1f);
        feed(0, T0, face(100, 100, ana));
        feed(1, T0 + STEP, face(100, 100, ana));
        assertThat(tracker.expire(state, wall + 9000)).as("may be a pipeline behind").isEmpty();
        state = SERDE.decode(SERDE.encode(state));
        List<TrackEvent> ended = tracker.expire(state, wall + 10_001);
        assertThat(ended).extracting(TrackEvent::getKind).containsExactly(TrackEventKind.ENDED);
        assertThat(ended.get(0).getLastSeen().toEpochMilli()).isEqualTo(T0 + STEP);
        assertThat(state.getTracks()).isEmpty();
        assertThat(tracker.expire(state, wall + 20_000)).isEmpty();
    }

    @Test
    void onlyCameraAndWebSocketRecognitionsAreTracked() {
        MatchResult request = Frames.frame("req-1", SourceKind.REQUEST, 0, T0, face(1, 1, look(0, 0)));
        Tracker.Step step = tracker.track(null, request, List.of(), wall);
        assertThat(step.state()).isNull();
        assertThat(step.result().getFaces().get(0).getTrack()).isNull();

        MatchResult detect = Frames.frame(CAM, 0, T0, face(1, 1, look(0, 0)));
        detect.getHeader().setOperation(Operation.DETECT);
        assertThat(tracker.track(null, detect, List.of(), wall).state()).isNull();

        MatchResult ws = Frames.frame("session-9", SourceKind.WEBSOCKET, 0, T0, face(1, 1, look(0, 0)));
        assertThat(tracker.track(null, ws, List.of(), wall).result().getFaces().get(0).getTrack()).isNotNull();
    }

    @Test
    void withoutEmbeddingsFacesAreLinkedByPlaceAlone() {
        MatchResult a = Frames.frame(CAM, 0, T0, face(100, 100, null));
        Tracker.Step first = tracker.track(null, a, List.of(), wall);
        Tracker.Step second = tracker.track(first.state(), Frames.frame(CAM, 1, T0 + STEP, face(110, 100, null)), List.of(), wall);
        assertThat(second.result().getFaces().get(0).getTrack().getTrackId())
                .isEqualTo(first.result().getFaces().get(0).getTrack().getTrackId());
    }
}
