package io.facestream.gateway.web;

import java.util.concurrent.CompletionException;

import io.facestream.gateway.pipeline.PipelineTimeoutException;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.MatchResult;
import io.facestream.schemas.PipelineError;

/** What a client is told when the pipeline answers with an error or does not answer: the same for REST and WebSocket. */
public final class Failures {

    private Failures() {
    }

    /** The pipeline's verdict on a frame, or the error it stands for. */
    public static MatchResult successful(MatchResult result) {
        PipelineError error = result.getError();
        if (error == null) {
            return result;
        }
        // A code this gateway does not know yet (a newer matcher) is a failure it cannot explain better.
        ApiError known = ErrorCode.of(error).map(ApiError::of).orElse(ApiError.INTERNAL);
        throw new ApiException(known, error.getMessage(), result.getExistingPersonId());
    }

    /** A frame that got no result: the pipeline timed out (504) or could not be reached (500). */
    public static ApiException of(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof PipelineTimeoutException timeout) {
            return new ApiException(ApiError.TIMEOUT, timeout.getMessage());
        }
        return new ApiException(ApiError.INTERNAL, "the pipeline failed");
    }
}
