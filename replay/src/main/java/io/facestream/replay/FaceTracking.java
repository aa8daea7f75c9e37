package io.facestream.replay;

import io.facestream.schemas.MatchResult;

/**
 * Links the faces of a source's consecutive frames into tracks: the answer comes back with {@code FaceMatch.track}
 * set on every face (track id, and the track's identity so far). Frames of one source arrive in capture order.
 * The report is built from tracks, so whichever tracker fills this in decides what an appearance is.
 */
public interface FaceTracking {

    MatchResult track(MatchResult result);
}
