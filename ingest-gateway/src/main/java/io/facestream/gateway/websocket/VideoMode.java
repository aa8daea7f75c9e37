package io.facestream.gateway.websocket;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a /ws/recognize connection treats frames that arrive faster than the pipeline answers, chosen at the handshake
 * with {@code ?mode=}.
 */
enum VideoMode {
    /** Every frame is sent into the pipeline and answered, in order; beyond 32 waiting, frames are answered "busy". For analysis. */
    ORDERED,
    /**
     * At most {@link RecognitionSocketHandler#LIVE_IN_FLIGHT} frames in the pipeline and one waiting; a newer frame replaces
     * the waiting one, which is answered "skipped". Answers stay as fresh as the pipeline allows: for live video.
     */
    LIVE;

    static final String PARAMETER = "mode";

    static Optional<VideoMode> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(ORDERED);
        }
        return Arrays.stream(values()).filter(mode -> mode.name().equalsIgnoreCase(value.strip())).findFirst();
    }
}
