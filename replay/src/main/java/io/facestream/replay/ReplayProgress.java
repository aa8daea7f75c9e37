package io.facestream.replay;

import java.time.Duration;
import java.util.Locale;

/**
 * Where a replay is: {@code counting} the range's frames (no models), {@code replaying} them through the stages,
 * {@code writing} the report, {@code done}. {@code done}/{@code total} count frames of the asked-for cameras.
 */
public record ReplayProgress(String phase, long done, long total, double framesPerSecond, Duration left) {

    public interface Listener {
        void progress(ReplayProgress progress);
    }

    public String line() {
        if (!"replaying".equals(phase)) {
            return String.format(Locale.ROOT, "%s: %d/%d frames", phase, done, total);
        }
        String eta = left == null ? "?" : left.toHours() > 0
                ? String.format(Locale.ROOT, "%dh%02dm", left.toHours(), left.toMinutesPart())
                : String.format(Locale.ROOT, "%dm%02ds", left.toMinutes(), left.toSecondsPart());
        return String.format(Locale.ROOT, "replaying: %d/%d frames (%.0f %%), %.1f frames/s, %s left", done, total,
                total == 0 ? 100.0 : 100.0 * done / total, framesPerSecond, eta);
    }
}
