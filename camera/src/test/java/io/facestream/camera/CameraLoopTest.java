package io.facestream.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/**
 * The per-frame logic without Kafka or ffmpeg: a live source that drops is reopened with growing back-off, its
 * frames keep counting and stay in time order, and it gives up after the bounded number of attempts.
 * (Real RTSP needs a server this machine does not have; files through ffmpeg are in {@link CameraPublishTest}.)
 */
class CameraLoopTest {

    /** A clock the fake sleeper moves, so back-off is checked without waiting. */
    static final class FakeTime extends Clock {
        long now = 1_700_000_000_000L;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long millis() {
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void sleep(long millis) {
            sleeps.add(millis);
            now += millis;
        }
    }

    /** Each opening: null for a refused connection, else the number of frames before the stream drops. */
    static FrameSource.Opener script(Integer... openings) {
        Deque<Integer> left = new java.util.LinkedList<>(java.util.Arrays.asList(openings));
        return camera -> {
            Integer frames = left.isEmpty() ? null : left.removeFirst();
            if (frames == null) {
                throw new IOException("Connection refused");
            }
            return new FrameSource() {
                int sent;

                @Override
                public byte[] next() {
                    return sent++ < frames ? new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) sent} : null;
                }

                @Override
                public String failure() {
                    return frames == 0 ? null : "Connection reset by peer";
                }

                @Override
                public long decoderCpuMillis() {
                    return 7;
                }

                @Override
                public void close() {
                }
            };
        };
    }

    @Test
    void aDroppedLiveStreamIsReopenedWithBackOffAndItsFramesGoOnCounting() {
        FakeTime time = new FakeTime();
        List<CapturedFrame> published = new CopyOnWriteArrayList<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        CameraOptions options = new CameraOptions(5, false, false, 3, Duration.ofSeconds(30), Duration.ofSeconds(1));
        // 3 frames, drop; refused; refused; 2 frames, drop; then refused until the camera gives up.
        CameraLoop loop = new CameraLoop(new CameraSpec("gate", "rtsp://10.0.0.7/stream1"), options, script(3, null, null, 2),
                published::add, time, time::sleep, lines::add);

        assertThatThrownBy(loop::call).isInstanceOf(CameraException.class)
                .hasMessageContaining("gate").hasMessageContaining("gave up after 3 reconnect attempts").hasMessageContaining("Connection refused");

        assertThat(published).extracting(CapturedFrame::sequence).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(published).extracting(CapturedFrame::cameraId).containsOnly("gate");
        for (int i = 1; i < published.size(); i++) {
            assertThat(published.get(i).captureTime()).isGreaterThan(published.get(i - 1).captureTime());
        }
        // 1 s, 2 s, 4 s after the first drop; a frame resets the count, so 1 s, 2 s, 4 s again after the second.
        assertThat(time.sleeps).containsExactly(1000L, 2000L, 4000L, 1000L, 2000L, 4000L);
        assertThat(lines.stream().filter(line -> line.contains("reconnect attempt")).toList()).hasSize(6)
                .first().asString().contains("camera gate: Connection reset by peer; reconnect attempt 1/3 in 1000 ms");
    }

    @Test
    void aFileIsPacedToItsRateAndLoopsWithCaptureTimesGoingOn() throws Exception {
        FakeTime time = new FakeTime();
        long start = time.now;
        List<CapturedFrame> published = new CopyOnWriteArrayList<>();
        CameraOptions options = new CameraOptions(4, false, true, 0, Duration.ofSeconds(1), Duration.ofHours(1));
        // Three passes over a 3-frame file, then an opening with no frames and no error ends it.
        CameraLoop loop = new CameraLoop(new CameraSpec("hall", "clip.mp4"), options, script(3, 3, 3, 0),
                published::add, time, time::sleep, line -> { });

        CameraLoop.Summary summary = loop.call();

        assertThat(summary.frames()).isEqualTo(9);
        assertThat(published).extracting(CapturedFrame::sequence).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(published).extracting(frame -> frame.captureTime() - start).containsExactly(0L, 250L, 500L, 750L, 1000L, 1250L, 1500L, 1750L, 2000L);
        assertThat(time.sleeps).containsOnly(250L);
        assertThat(summary.decoderCpuMillis()).isEqualTo(28);
    }
}
