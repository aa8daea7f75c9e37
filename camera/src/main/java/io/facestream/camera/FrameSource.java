package io.facestream.camera;

import java.io.IOException;

/** Decoded, sampled frames of one opening of a source (one ffmpeg run); a reconnect or a loop opens a new one. */
public interface FrameSource extends AutoCloseable {

    /** The next JPEG, or null when the source has ended (end of file, dropped stream, decoder failure: see {@link #failure()}). */
    byte[] next() throws IOException;

    /** Why the source ended, when it did not end cleanly: the decoder's own last words; null for a clean end. */
    String failure();

    /** CPU time the decoder has used so far, in milliseconds, when known (ffmpeg reports it as it exits); -1 otherwise. */
    long decoderCpuMillis();

    @Override
    void close();

    /** Opens a camera's source afresh. */
    interface Opener {
        FrameSource open(CameraSpec camera) throws IOException;
    }
}
