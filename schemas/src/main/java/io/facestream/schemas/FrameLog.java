package io.facestream.schemas;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.MDC;

import io.facestream.management.StageMetrics;

/**
 * Puts the frame's id into the logging context (MDC key {@value #FRAME_ID}) while one stage handles it, so every
 * line logged meanwhile, by facestream or a library on the same thread, can be joined across services by a log
 * collector (FACESTREAM_LOG_FORMAT=json writes the MDC into each line).
 */
public final class FrameLog {

    public static final String FRAME_ID = "frame_id";

    private FrameLog() {
    }

    /**
     * Runs one stage's work on one frame with its id in the MDC, counts it ({@link StageMetrics}), and logs at DEBUG how long it took. Restores what
     * the MDC held before, so a caller that already set it (the gateway's request) keeps it.
     */
    public static <T> T handle(Logger log, String stage, FrameHeader header, Supplier<T> work) {
        String before = MDC.get(FRAME_ID);
        MDC.put(FRAME_ID, header.getId());
        long start = System.nanoTime();
        try {
            T result = work.get();
            long nanos = System.nanoTime() - start;
            // Counted here because every stage of every service passes through here once per frame (README, "Observability").
            StageMetrics.handled(stage, header, nanos);
            if (log.isDebugEnabled()) {
                log.debug("{} {} frame from {} {} in {} ms", stage, header.getOperation(), header.getSourceKind(), header.getSourceId(),
                        nanos / 1_000_000);
            }
            return result;
        } finally {
            if (before == null) {
                MDC.remove(FRAME_ID);
            } else {
                MDC.put(FRAME_ID, before);
            }
        }
    }
}
