package io.facestream.matcher;

import java.util.List;

import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PersonChange;

/** The answer to a frame, and the changes to announce to every matcher instance. */
public record Outcome(MatchResult result, List<PersonChange> changes) {

    Outcome(MatchResult result) {
        this(result, List.of());
    }

    /** The frame answered with an error: errors are answers, so its client is not left waiting. */
    static Outcome failed(MatchResult.Builder result, ErrorCode code, String message) {
        return new Outcome(result.setError(code.error(message)).build());
    }
}
