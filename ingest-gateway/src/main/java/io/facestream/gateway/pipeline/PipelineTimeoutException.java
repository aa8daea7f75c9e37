package io.facestream.gateway.pipeline;

import java.time.Duration;

/** The pipeline did not answer a frame in time. The transport's own failure; the web layer decides what clients see (504, or a WebSocket error). */
public class PipelineTimeoutException extends RuntimeException {

    public PipelineTimeoutException(Duration waited) {
        super("the pipeline did not answer within " + waited.toSeconds() + " s");
    }
}
