package io.facestream.camera;

import java.time.Duration;

/**
 * How cameras run.
 *
 * @param fps               frames per second to publish; 0: the file's native rate, or every frame a live source sends
 * @param asFastAsPossible  files only: publish without waiting for each frame's time (capture times stay the video's own)
 * @param loop              files only: start again at the end, sequence and capture times going on
 * @param maxReconnects     live sources: attempts after a drop before the camera gives up (reset by every frame received)
 * @param maxBackoff        live sources: longest wait between attempts (1 s, 2 s, 4 s, ... up to this)
 * @param progressEvery     how often a camera prints its progress line
 */
public record CameraOptions(double fps, boolean asFastAsPossible, boolean loop, int maxReconnects, Duration maxBackoff,
                            Duration progressEvery) {

    public CameraOptions {
        if (fps < 0 || fps > 120) {
            throw new CameraException("--fps must be between 0 (native) and 120, not " + fps);
        }
        if (maxReconnects < 0) {
            throw new CameraException("--max-reconnects must not be negative");
        }
    }
}
