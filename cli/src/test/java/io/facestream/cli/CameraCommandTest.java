package io.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.facestream.cli.FacestreamCommandTest.Run;

/** {@code facestream camera} before any frame is sent: its help, usage errors (2) and sources it cannot read (1). */
class CameraCommandTest {

    @Test
    void helpNamesTheSourcesOptionsAndExitCodes() {
        Run help = FacestreamCommandTest.run("camera", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: facestream camera", "--camera=ID=SOURCE", "--source=SOURCE", "--camera-id=ID", "--fps",
                "--as-fast-as-possible", "--loop", "--max-reconnects", "--bootstrap-servers", "FACESTREAM_KAFKA_PROPERTIES", "Exit codes");
        assertThat(FacestreamCommandTest.run("--help").out()).contains("camera");
    }

    @Test
    void usageErrorsExitWith2() {
        Run none = FacestreamCommandTest.run("camera");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("name a camera");
        assertThat(FacestreamCommandTest.run("camera", "--camera", "no-equals-sign").err()).contains("is not ID=SOURCE");
        assertThat(FacestreamCommandTest.run("camera", "--source", "a.mp4").exitCode()).isEqualTo(2);
        Run live = FacestreamCommandTest.run("camera", "--camera", "gate=rtsp://10.0.0.7/stream1", "--loop");
        assertThat(live.exitCode()).isEqualTo(2);
        assertThat(live.err()).contains("is a live source");
        assertThat(FacestreamCommandTest.run("camera", "--camera", "a=x.mp4", "--fps", "500").err()).contains("--fps must be between");
    }

    @Test
    void anUnreadableSourceExitsWith1AndSaysWhy(@TempDir Path dir) throws Exception {
        // No broker is needed to find out: sources are checked before the first frame. Port 9 on loopback: nothing listens.
        Run missing = FacestreamCommandTest.run("camera", "--bootstrap-servers", "127.0.0.1:9", "--camera", "lobby=" + dir.resolve("gone.mp4"));
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("facestream camera: camera lobby: source " + dir.resolve("gone.mp4") + " does not exist");

        Path notVideo = Files.writeString(dir.resolve("notes.mp4"), "not a video\n".repeat(40));
        Run junk = FacestreamCommandTest.run("camera", "--bootstrap-servers", "127.0.0.1:9", "--source", notVideo.toString(), "--camera-id", "junk");
        assertThat(junk.exitCode()).isEqualTo(1);
        assertThat(junk.err()).contains("camera junk: cannot read " + notVideo).doesNotContain("Exception");
    }

    @Test
    void withoutFfmpegItExitsWith1AndSaysWhatToInstall(@TempDir Path dir) throws Exception {
        Path video = Files.write(dir.resolve("clip.mp4"), new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
        System.setProperty("facestream.ffmpeg", dir.resolve("bin/ffmpeg").toString());
        try {
            Run run = FacestreamCommandTest.run("camera", "--bootstrap-servers", "127.0.0.1:9", "--camera", "lobby=" + video);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("cannot run '" + dir.resolve("bin/ffmpeg") + "'", "install ffmpeg", "FACESTREAM_FFMPEG");
        } finally {
            System.clearProperty("facestream.ffmpeg");
        }
    }
}
