package io.facestream.management;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.facestream.schemas.FrameHeader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

/**
 * What every stage counts, into Micrometer's global registry: the management server of a Streams service
 * ({@link ManagementServer}) and the gateway's Spring Boot registry both publish it.
 *
 * <ul>
 *   <li>{@code facestream_frames_total{stage, source}}: frames a stage has handled (frames/s per service is its rate);</li>
 *   <li>{@code facestream_stage_duration_seconds{stage}}: a stage's own work on one frame;</li>
 *   <li>{@code facestream_frame_age_seconds{stage}}: from the frame's capture time to the end of this stage — for the
 *       {@code answered} stage of the gateway, the whole round trip; a histogram, so Prometheus gives its quantiles;</li>
 *   <li>{@code facestream_dead_letters_total{topic, reason}}: records sent to the dead-letter topic.</li>
 * </ul>
 * Stages: {@code sent} and {@code answered} (gateway), {@code detected}, {@code embedded}, {@code matched}.
 */
public final class StageMetrics {

    private static final MeterRegistry REGISTRY = Metrics.globalRegistry;

    private StageMetrics() {
    }

    /** One frame through one stage, which took {@code nanos}. */
    public static void handled(String stage, FrameHeader header, long nanos) {
        Counter.builder("facestream.frames").description("frames handled by a stage").tag("stage", stage)
                .tag("source", String.valueOf(header.getSourceKind()).toLowerCase(java.util.Locale.ROOT)).register(REGISTRY).increment();
        Timer.builder("facestream.stage.duration").description("one stage's own work on one frame").tag("stage", stage)
                .register(REGISTRY).record(nanos, TimeUnit.NANOSECONDS);
        if (header.getCaptureTime() != null) {
            long age = System.currentTimeMillis() - header.getCaptureTime().toEpochMilli();
            Timer.builder("facestream.frame.age").description("time from the frame's capture to the end of this stage").tag("stage", stage)
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(30))
                    .register(REGISTRY).record(Math.max(0, age), TimeUnit.MILLISECONDS);
        }
    }

    /** A record went to the dead-letter topic. */
    public static void deadLetter(String sourceTopic, String reason) {
        Counter.builder("facestream.dead.letters").description("records sent to the dead-letter topic").tag("topic", String.valueOf(sourceTopic))
                .tag("reason", String.valueOf(reason)).register(REGISTRY).increment();
    }
}
