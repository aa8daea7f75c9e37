package io.facestream.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.facestream.replay.FrameReplay;
import io.facestream.replay.ReplayEnvironment;
import io.facestream.replay.ReplayException;
import io.facestream.replay.ReplayProgress;
import io.facestream.replay.ReplayRequest;
import io.facestream.replay.ResultsReplay;
import io.facestream.replay.TimelineReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code facestream replay}: a time range of camera frames reprocessed against today's gallery, as a timeline report (the replay module). */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = Facestream.Version.class,
        description = {"Reprocess the camera frames Kafka still keeps for a time range (detect, embed, match against the people "
                + "enrolled now, track) and write a timeline report: per person and camera, when they were seen, with the best face "
                + "of each appearance. Finds people enrolled after the footage was recorded.",
                "Live traffic is not touched: frames are read without a consumer group, nothing is produced to Kafka, and people are "
                        + "read through read-only database connections. With --from-results, the report is built from the live "
                        + "results and track events of the range instead (no models, no crops)."},
        footer = {"", "Settings as for the services: KAFKA_BOOTSTRAP_SERVERS (or --bootstrap-servers), DATABASE_URL, FACESTREAM_DB_SCHEMA, "
                + "REDIS_URL, FACESTREAM_REDIS_PREFIX, FACESTREAM_MODEL_PACK, FACESTREAM_KAFKA_PROPERTIES.",
                "", "Examples:",
                "  facestream replay --from 2026-12-01T09:00 --to 2026-12-01T11:00 --people 12 --out tuesday-12",
                "  facestream replay --from 2026-12-01 --to 2026-12-02 --cameras door-1,door-2 --out doors",
                "  facestream replay --from-results --from 2026-12-01 --to 2026-12-02 --out audit",
                "", "Exit codes: 0 report written, 1 the replay could not run (unknown camera or person, frames expired, no frames, "
                + "output not writable, cancelled), 2 usage (missing option, bad time, empty or reversed range)."})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "TIME", description = "start of the range (inclusive): 2026-12-01T09:00 (in --zone), 2026-12-01T09:00:00Z")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TIME", description = "end of the range (exclusive); a time in the future stops at the frames there now")
    String to;

    @Option(names = "--cameras", split = ",", paramLabel = "ID", description = "only these cameras (default: every camera with frames in the range)")
    List<String> cameras = new ArrayList<>();

    @Option(names = "--people", split = ",", paramLabel = "ID", description = "only these enrolled people, by id (default: everyone enrolled)")
    List<Long> people = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "report directory: report.json, appearances.csv, unknown-tracks.csv, clusters.csv, report.html, crops/ (new, empty, or an earlier report, which is replaced)")
    Path out;

    @Option(names = "--zone", paramLabel = "ZONE", description = "time zone of times without one (default: this machine's, ${DEFAULT-VALUE})",
            defaultValue = "${sys:user.timezone}")
    String zone;

    @Option(names = "--from-results", description = "build the report from facestream.matches and facestream.events: no models, no crops")
    boolean fromResults;

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ReplayRequest request;
        try {
            ZoneId zoneId = zone == null || zone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(zone);
            Instant start = ReplayRequest.parseTime(from, zoneId, "--from");
            Instant end = ReplayRequest.parseTime(to, zoneId, "--to");
            request = ReplayRequest.of(start, end, cameras, people);
        } catch (DateTimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--zone '" + zone + "' is not a time zone: " + e.getMessage());
        } catch (ReplayException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null;
        AtomicBoolean cancelled = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C: the replay stops after its current frame and writes nothing; the report directory stays as it was.
        Thread hook = new Thread(() -> {
            cancelled.set(true);
            try {
                finished.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        long started = System.nanoTime();
        ProgressLine progress = new ProgressLine(err, terminal);
        try {
            ReplayEnvironment environment = ReplayEnvironment.fromEnvironment(kafka.bootstrapServers);
            TimelineReport report = fromResults
                    ? new ResultsReplay(environment).run(request, this.out, progress, cancelled::get)
                    : new FrameReplay(environment).run(request, this.out, progress, cancelled::get);
            progress.finish();
            long frames = report.cameras().stream().mapToLong(TimelineReport.CameraSummary::frames).sum();
            double seconds = (System.nanoTime() - started) / 1e9;
            int appearances = report.people().stream().mapToInt(p -> p.appearances().size()).sum();
            out.printf("report: %s (%d people, %d appearances, %d unknown tracks)%n", this.out, report.people().size(), appearances,
                    report.unknownTracks().size());
            out.printf("%d %s of %d cameras in %.1f s (%.1f frames/s)%n", frames, fromResults ? "results" : "frames", report.cameras().size(),
                    seconds, frames / Math.max(seconds, 1e-9));
            out.flush();
            return 0;
        } catch (ReplayException e) {
            progress.finish();
            throw new CliException(e.getMessage(), e);
        } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            progress.finish();
            throw new CliException(e.getMessage(), e);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it waits for this.
            }
        }
    }

    /** On a terminal one line redrawn in place; otherwise a line every 10 s and at each phase change, so logs stay short. */
    static final class ProgressLine implements ReplayProgress.Listener {

        private final PrintWriter err;
        private final boolean terminal;
        private String phase = "";
        private long lastLine;
        private int width;

        ProgressLine(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public synchronized void progress(ReplayProgress progress) {
            String line = progress.line();
            long now = System.nanoTime();
            if (terminal) {
                err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
                width = line.length();
            } else if (!progress.phase().equals(phase) || now - lastLine > 10_000_000_000L) {
                err.println(line);
                lastLine = now;
            }
            phase = progress.phase();
            err.flush();
        }

        synchronized void finish() {
            if (terminal && width > 0) {
                err.println();
                width = 0;
            }
            err.flush();
        }
    }
}
