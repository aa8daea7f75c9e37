package io.facestream.camera;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens a camera's source as an {@code ffmpeg} process that decodes it, samples it to the requested rate, caps
 * its size and writes JPEGs to a pipe ({@link FfmpegSource}). ffmpeg rather than a Java binding: the bundled
 * OpenCV has no video support at all, JavaCV would add about 100 MB of native libraries per platform, and the
 * Debian package decodes every codec and protocol a camera speaks (H.264/H.265, RTSP over TCP, V4L2, HLS).
 *
 * <p>The binary is {@code FACESTREAM_FFMPEG} (system property {@code facestream.ffmpeg}), else {@code ffmpeg} on
 * the PATH; {@code ffprobe} is looked for beside it.
 */
public final class FfmpegDecoder implements FrameSource.Opener {

    /** ffmpeg's {@code -q:v} for mjpeg (2 best … 31 worst); 3 keeps faces sharp at about 13 KB per 640×360 frame. */
    static final int JPEG_QUALITY = 3;
    /** The gateway shrinks uploads to the same longest side: the detector works at 640 px, so nothing is lost. */
    public static final int DEFAULT_MAX_SIDE = 1920;
    // A network source that stops sending ends ffmpeg after this long, so the camera notices and reconnects.
    private static final long NETWORK_TIMEOUT_MICROS = 10_000_000L;

    private final String ffmpeg;
    private final double fps;
    private final int maxSide;

    /** @param fps frames per second to sample to; 0 keeps every frame the source delivers */
    public FfmpegDecoder(double fps, int maxSide) {
        this(binary(), fps, maxSide);
    }

    FfmpegDecoder(String ffmpeg, double fps, int maxSide) {
        this.ffmpeg = ffmpeg;
        this.fps = fps;
        this.maxSide = maxSide;
    }

    public static String binary() {
        return System.getProperty("facestream.ffmpeg", System.getenv().getOrDefault("FACESTREAM_FFMPEG", "ffmpeg"));
    }

    public FfmpegDecoder withFps(double newFps) {
        return new FfmpegDecoder(ffmpeg, newFps, maxSide);
    }

    /** Fails with what to install when ffmpeg cannot be run. */
    public void check() {
        try {
            Process process = new ProcessBuilder(ffmpeg, "-hide_banner", "-version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new CameraException(ffmpeg + " -version failed; is it a working ffmpeg?");
            }
        } catch (IOException e) {
            throw missing(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CameraException("interrupted while checking ffmpeg", e);
        }
    }

    private CameraException missing(IOException e) {
        return new CameraException("cannot run '" + ffmpeg + "' (" + e.getMessage() + "): install ffmpeg (Debian/Ubuntu: "
                + "apt-get install ffmpeg) or name the binary in FACESTREAM_FFMPEG", e);
    }

    /** The file's video frame rate as ffprobe reads it (29.97 for the dev clip); fails when the file has no video stream. */
    public double nativeRate(CameraSpec camera) {
        String ffprobe = ffmpeg.endsWith("ffmpeg") ? ffmpeg.substring(0, ffmpeg.length() - "ffmpeg".length()) + "ffprobe" : "ffprobe";
        String out;
        try {
            Process process = new ProcessBuilder(ffprobe, "-v", "error", "-select_streams", "v:0", "-show_entries",
                    "stream=avg_frame_rate,r_frame_rate", "-of", "csv=p=0", camera.source()).redirectErrorStream(true).start();
            out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw missing(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CameraException("interrupted while probing " + camera.source(), e);
        }
        for (String candidate : out.split("[,\\s]+")) {
            double rate = rate(candidate);
            if (rate > 0 && rate <= 1000) {
                return rate;
            }
        }
        String reason = out.isEmpty() ? "it holds no video stream" : out.lines().reduce((a, b) -> b).orElse(out);
        throw new CameraException("camera " + camera.cameraId() + ": cannot read " + camera.source() + ": " + reason);
    }

    private static double rate(String fraction) {
        try {
            int slash = fraction.indexOf('/');
            if (slash < 0) {
                return Double.parseDouble(fraction);
            }
            double denominator = Double.parseDouble(fraction.substring(slash + 1));
            return denominator == 0 ? 0 : Double.parseDouble(fraction.substring(0, slash)) / denominator;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public FrameSource open(CameraSpec camera) {
        try {
            return new FfmpegSource(new ProcessBuilder(command(camera)).start());
        } catch (IOException e) {
            throw missing(e);
        }
    }

    List<String> command(CameraSpec camera) {
        List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-benchmark"));
        String lower = camera.source().toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) {
            // TCP: UDP packet loss on a busy network turns into smeared frames; a silent server ends the run.
            command.addAll(List.of("-rtsp_transport", "tcp", "-timeout", String.valueOf(NETWORK_TIMEOUT_MICROS)));
        } else if (camera.isUrl()) {
            command.addAll(List.of("-rw_timeout", String.valueOf(NETWORK_TIMEOUT_MICROS)));
        } else if (camera.isDevice()) {
            command.addAll(List.of("-f", "v4l2"));
        }
        command.addAll(List.of("-i", camera.source(), "-an", "-sn", "-dn"));
        String scale = "scale=w='min(iw," + maxSide + ")':h='min(ih," + maxSide + ")':force_original_aspect_ratio=decrease";
        command.addAll(List.of("-vf", fps > 0 ? "fps=" + fps + "," + scale : scale));
        command.addAll(List.of("-c:v", "mjpeg", "-q:v", String.valueOf(JPEG_QUALITY), "-f", "image2pipe", "pipe:1"));
        return command;
    }
}
