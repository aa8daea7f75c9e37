package io.facestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;

class LogEncoderTest {

    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void clear() {
        System.clearProperty("facestream.log.format");
    }

    private String line(String pattern) {
        LogEncoder encoder = new LogEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("io.facestream.detector.DetectorTopology"), Level.INFO,
                "detected {} faces", null, new Object[] {2});
        event.setMDCPropertyMap(Map.of(FrameLog.FRAME_ID, "f-123"));
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void textByDefaultJsonOnRequestWithTheFrameIdEitherWay() {
        String pattern = "%level %logger{0}%replace( [frame %X{frame_id}]){' \\[frame \\]', ''} - %msg%n";
        assertThat(line(pattern)).isEqualTo("INFO DetectorTopology [frame f-123] - detected 2 faces\n");

        System.setProperty("facestream.log.format", "json");
        assertThat(line(pattern)).startsWith("{").contains("\"mdc\": {\"frame_id\":\"f-123\"}", "\"formattedMessage\":\"detected 2 faces\"");
    }

    @Test
    void anUnknownFormatIsReportedAndLogsAsTextRatherThanNotAtAll() {
        System.setProperty("facestream.log.format", "ecs");
        assertThat(line("%msg%n")).isEqualTo("detected 2 faces\n");
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anySatisfy(status -> assertThat(status.getMessage()).contains("FACESTREAM_LOG_FORMAT=ecs is neither text nor json"));
    }
}
