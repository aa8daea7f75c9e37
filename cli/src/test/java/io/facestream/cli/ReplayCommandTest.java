package io.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.facestream.cli.FacestreamCommandTest.Run;

/**
 * {@code facestream replay} before it reaches Kafka: its help and the usage errors (exit 2, nothing written). Replays
 * themselves are tested in the replay module (FrameReplayTest) and through the local stack (ReplayEndToEndTest).
 */
class ReplayCommandTest {

    @Test
    void helpNamesTheOptionsSettingsAndExitCodes() {
        Run help = FacestreamCommandTest.run("replay", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: facestream replay", "--from=TIME", "--to=TIME", "--cameras=ID", "--people=ID", "--out=DIR",
                "--from-results", "--zone", "KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "Exit codes");
        assertThat(FacestreamCommandTest.run("--help").out()).contains("replay");
    }

    @Test
    void badRangesAndTimesAreUsageErrors(@TempDir Path dir) {
        String out = dir.resolve("report").toString();
        assertThat(FacestreamCommandTest.run("replay", "--from", "2026-12-01T09:00", "--out", out).exitCode()).isEqualTo(2);
        Run reversed = FacestreamCommandTest.run("replay", "--from", "2026-12-01T11:00", "--to", "2026-12-01T09:00", "--out", out);
        assertThat(reversed.exitCode()).isEqualTo(2);
        assertThat(reversed.err()).contains("reversed");
        Run empty = FacestreamCommandTest.run("replay", "--from", "2026-12-01T09:00Z", "--to", "2026-12-01T09:00:00Z", "--out", out);
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("empty");
        Run tuesday = FacestreamCommandTest.run("replay", "--from", "tuesday", "--to", "2026-12-01T09:00", "--out", out);
        assertThat(tuesday.exitCode()).isEqualTo(2);
        assertThat(tuesday.err()).contains("--from 'tuesday' is not a time");
        Run zone = FacestreamCommandTest.run("replay", "--from", "2026-12-01", "--to", "2026-12-02", "--zone", "Mars/Olympus", "--out", out);
        assertThat(zone.exitCode()).isEqualTo(2);
        assertThat(zone.err()).contains("is not a time zone");
        assertThat(FacestreamCommandTest.run("replay", "--from", "2026-12-01", "--to", "2026-12-02", "--people", "x", "--out", out).exitCode())
                .isEqualTo(2);
        assertThat(dir.resolve("report")).doesNotExist();
    }
}
