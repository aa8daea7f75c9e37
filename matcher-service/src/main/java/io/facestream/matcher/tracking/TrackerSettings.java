package io.facestream.matcher.tracking;

import io.facestream.schemas.Settings;

/**
 * How the tracker links faces into tracks and names them. Read from the environment by {@link #fromEnvironment()};
 * README "Tracks and events" lists the variables.
 *
 * @param timeoutMs      a track not seen for this long (by capture time, as the source's next frames come) ends
 * @param minFaces       faces that must name the same person before the track takes that name (Frigate's min_faces)
 * @param maxVotes       the vote counts only the track's most recent faces (attempts capped), so a long track's name
 *                       follows what it looks like now and its state stays small
 * @param minShare       of those recent faces, the share that must name the leader: a face the recognizer names wrongly
 *                       now and then, among many unknown ones, stays unknown
 * @param renameMargin   a named track takes another name only when that person's vote weight is this many times its
 *                       current name's (hysteresis)
 * @param clockJumpMs    a capture time this far behind the source's newest frame means the camera restarted (or its clock
 *                       was reset): its tracks end and new ones start, instead of the frame counting as merely late
 */
public record TrackerSettings(long timeoutMs, int minFaces, int maxVotes, float minShare, float renameMargin, long clockJumpMs, long idleMs) {

    public TrackerSettings {
        if (timeoutMs <= 0 || minFaces < 1 || maxVotes < minFaces || minShare < 0 || minShare > 1 || renameMargin < 1 || clockJumpMs <= 0 || idleMs < timeoutMs) {
            throw new IllegalArgumentException("invalid tracker settings: " + this);
        }
    }

    public static TrackerSettings defaults() {
        return new TrackerSettings(2000, 3, 12, 0.2f, 2f, 10_000, 10_000);
    }

    public static TrackerSettings fromEnvironment() {
        TrackerSettings d = defaults();
        return new TrackerSettings(
                Long.parseLong(Settings.get("FACESTREAM_TRACK_TIMEOUT_MS", String.valueOf(d.timeoutMs()))),
                Settings.getInt("FACESTREAM_TRACK_MIN_FACES", d.minFaces()),
                Settings.getInt("FACESTREAM_TRACK_MAX_VOTES", d.maxVotes()),
                Settings.getFloat("FACESTREAM_TRACK_MIN_SHARE", d.minShare()),
                Settings.getFloat("FACESTREAM_TRACK_RENAME_MARGIN", d.renameMargin()),
                Long.parseLong(Settings.get("FACESTREAM_TRACK_CLOCK_JUMP_MS", String.valueOf(d.clockJumpMs()))),
                Long.parseLong(Settings.get("FACESTREAM_TRACK_IDLE_MS", String.valueOf(d.idleMs()))));
    }
}
