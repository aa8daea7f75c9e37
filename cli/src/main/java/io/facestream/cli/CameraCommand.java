package io.facestream.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.facestream.camera.CameraException;
import io.facestream.camera.CameraFleet;
import io.facestream.camera.CameraLoop;
import io.facestream.camera.CameraOptions;
import io.facestream.camera.CameraSpec;
import io.facestream.camera.FfmpegDecoder;
import io.facestream.camera.KafkaFramePublisher;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facestream camera}: video files, network streams and devices into Kafka as camera frames (the camera module). */
@Command(name = "camera", mixinStandardHelpOptions = true, versionProvider = Facestream.Version.class,
        description = {"Publish video as camera frames to Kafka (facestream.frames, keyed by camera id); the pipeline "
                + "answers each frame on facestream.matches. Sources: a video file, an rtsp:// (or http://, ...) stream, or a "
                + "V4L2 device (/dev/video0), decoded by ffmpeg, which must be installed.",
                "Files play in real time unless --as-fast-as-possible; live streams are reconnected with back-off when they drop. "
                        + "Several cameras run at once: repeat --camera, or --source with --camera-id."},
        footer = {"", "Kafka: --bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS); client settings for a secured cluster (SASL, TLS) "
                + "from the properties file named by FACESTREAM_KAFKA_PROPERTIES and FACESTREAM_KAFKA_* variables, as for the services.",
                "", "Examples:",
                "  facestream camera --camera lobby-2=rtsp://10.0.0.7:554/stream1 --fps 5",
                "  facestream camera --source clip.mp4 --camera-id test --fps 5 --as-fast-as-possible",
                "", "Exit codes: 0 every file published (live sources run until stopped), 1 a camera failed "
                + "(unreadable source, no ffmpeg, a stream that stayed down, Kafka refusing frames), 2 usage."})
final class CameraCommand implements Callable<Integer> {

    static final class SourceAndId {
        @Option(names = "--source", required = true, paramLabel = "SOURCE", description = "a video file, stream URL or device")
        String source;

        @Option(names = "--camera-id", required = true, paramLabel = "ID", description = "the camera's id: Kafka key and source id of its frames")
        String cameraId;
    }

    @ArgGroup(exclusive = false, multiplicity = "0..*")
    List<SourceAndId> pairs = new ArrayList<>();

    @Option(names = "--camera", paramLabel = "ID=SOURCE", description = "a camera as id=source (repeatable)")
    List<String> cameras = new ArrayList<>();

    @Option(names = "--fps", defaultValue = "0", paramLabel = "N",
            description = "frames per second to publish (default: a file's own rate; every frame of a live source)")
    double fps;

    @Option(names = "--as-fast-as-possible", description = "files: publish without waiting for each frame's time (capture times stay the video's own)")
    boolean asFastAsPossible;

    @Option(names = "--loop", description = "files: start again at the end, sequences and capture times going on")
    boolean loop;

    @Option(names = "--max-reconnects", defaultValue = "10", paramLabel = "N",
            description = "live sources: attempts after a drop before giving up (a frame received resets the count; default ${DEFAULT-VALUE})")
    int maxReconnects;

    @Option(names = "--max-backoff", defaultValue = "30", paramLabel = "SECONDS",
            description = "live sources: longest wait between reconnect attempts, which double from 1 s (default ${DEFAULT-VALUE})")
    int maxBackoffSeconds;

    @Option(names = "--max-side", defaultValue = "" + FfmpegDecoder.DEFAULT_MAX_SIDE, paramLabel = "PIXELS",
            description = "shrink frames whose longest side is over this (default ${DEFAULT-VALUE}, as the gateway does)")
    int maxSide;

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        List<CameraSpec> specs = cameras();
        CameraOptions options;
        try {
            options = new CameraOptions(fps, asFastAsPossible, loop, maxReconnects, Duration.ofSeconds(Math.max(1, maxBackoffSeconds)),
                    Duration.ofSeconds(2));
        } catch (CameraException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (maxSide < 16) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-side must be at least 16");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch finished = new CountDownLatch(1);
        // The fleet first: a bad source or a missing ffmpeg is reported before any Kafka client starts.
        try (CameraFleet fleet = new CameraFleet(specs, options, new FfmpegDecoder(fps, maxSide), line -> {
                 err.println(line);
                 err.flush();
             });
             KafkaFramePublisher publisher = new KafkaFramePublisher(kafka.bootstrapServers)) {
            // Ctrl-C or a stop signal: every camera ends after its current frame, and what was sent is flushed.
            Thread hook = new Thread(() -> {
                fleet.stop();
                try {
                    finished.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                List<CameraLoop.Summary> summaries = fleet.run(publisher);
                publisher.flush();
                for (CameraLoop.Summary summary : summaries) {
                    out.printf("%s: %d frames published in %.1f s%s%n", summary.cameraId(), summary.frames(), summary.elapsedMillis() / 1000.0,
                            summary.skipped() == 0 ? "" : ", " + summary.skipped() + " over the size limit skipped");
                }
                out.flush();
                return 0;
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running: it waits for this.
                }
            }
        } catch (CameraException e) {
            throw new CliException(e.getMessage(), e);
        } catch (org.apache.kafka.common.KafkaException | IllegalStateException e) {
            throw new CliException("cannot use Kafka at " + kafka.bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    private List<CameraSpec> cameras() {
        List<CameraSpec> specs = new ArrayList<>();
        try {
            for (SourceAndId pair : pairs) {
                specs.add(new CameraSpec(pair.cameraId, pair.source));
            }
            for (String camera : cameras) {
                specs.add(CameraSpec.parse(camera));
            }
        } catch (CameraException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (specs.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "name a camera: --camera ID=SOURCE, or --source SOURCE --camera-id ID");
        }
        for (CameraSpec camera : specs) {
            if (camera.live() && (asFastAsPossible || loop)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--as-fast-as-possible and --loop are for files; " + camera.source() + " is a live source");
            }
        }
        return specs;
    }
}
