package io.facestream.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One camera: its id (the Kafka key and {@code sourceId} of its frames, so its order holds through the pipeline)
 * and where its video comes from: a file, a URL ffmpeg can open ({@code rtsp://}, {@code http://}, ...), or a
 * V4L2 device ({@code /dev/video0}).
 */
public record CameraSpec(String cameraId, String source) {

    // Same characters the gateway allows in names, minus spaces: ids travel as Kafka keys and in log lines.
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    public CameraSpec {
        if (cameraId == null || !ID.matcher(cameraId).matches()) {
            throw new CameraException("camera id '" + cameraId + "' must be 1-100 letters, digits or . _ : -");
        }
        if (source == null || source.isBlank()) {
            throw new CameraException("camera " + cameraId + " has no source");
        }
    }

    /** {@code ID=SOURCE}, as the command's {@code --camera} takes it. */
    public static CameraSpec parse(String value) {
        int equals = value.indexOf('=');
        if (equals <= 0) {
            throw new CameraException("'" + value + "' is not ID=SOURCE (e.g. lobby-2=rtsp://10.0.0.7/stream1)");
        }
        return new CameraSpec(value.substring(0, equals), value.substring(equals + 1));
    }

    /** A stream that runs in real time by itself (network or device): never paced here, reconnected when it drops. */
    public boolean live() {
        return isUrl() || source.startsWith("/dev/");
    }

    boolean isUrl() {
        return source.toLowerCase(Locale.ROOT).matches("^[a-z][a-z0-9+.-]*://.*");
    }

    boolean isDevice() {
        return source.startsWith("/dev/");
    }

    /** A file or device that cannot be opened is known before ffmpeg starts; a URL only ffmpeg can check. */
    void checkReadable() {
        if (isUrl()) {
            return;
        }
        Path path = Path.of(source);
        if (!Files.exists(path)) {
            throw new CameraException("camera " + cameraId + ": source " + path.toAbsolutePath() + " does not exist");
        }
        if (!Files.isReadable(path) || Files.isDirectory(path)) {
            throw new CameraException("camera " + cameraId + ": source " + path.toAbsolutePath() + " is not a readable file");
        }
    }
}
