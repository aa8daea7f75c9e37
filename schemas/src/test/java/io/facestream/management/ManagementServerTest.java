package io.facestream.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Properties;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import io.facestream.schemas.FrameHeader;
import io.facestream.schemas.FrameLog;
import io.facestream.schemas.Operation;
import io.facestream.schemas.SourceKind;

/** The Streams services' management endpoint, without a broker: a Streams app that never started is DOWN; stage counters move. */
class ManagementServerTest {

    final HttpClient http = HttpClient.newHttpClient();
    KafkaStreams streams;

    @AfterEach
    void tearDown() {
        if (streams != null) {
            ManagementServer.unregister(streams);
            streams.close();
        }
        System.clearProperty("facestream.management.port");
    }

    @Test
    void healthFollowsTheStreamsStateAndMetricsShowStageCountersAndAges() throws Exception {
        System.setProperty("facestream.management.port", "0");
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in").to("out");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "management-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        streams = new KafkaStreams(builder.build(), p);
        int port = ManagementServer.register("management-test", streams);
        assertThat(port).isPositive();

        HttpResponse<String> health = get(port, "/health");
        assertThat(health.statusCode()).as("a Streams app that is only CREATED cannot answer").isEqualTo(503);
        assertThat(health.body()).contains("\"name\":\"management-test\"", "\"state\":\"CREATED\"", "\"status\":\"DOWN\"");

        String start = get(port, "/metrics").body();
        double before = counter(start, "facestream_frames_total{source=\"camera\",stage=\"detected\"}");
        double ageBefore = counter(start, "facestream_frame_age_seconds_sum{stage=\"detected\"}");
        FrameHeader header = FrameHeader.newBuilder().setId("f1").setSourceKind(SourceKind.CAMERA).setSourceId("lobby")
                .setCaptureTime(Instant.now().minusMillis(250)).setOperation(Operation.RECOGNIZE).build();
        FrameLog.handle(LoggerFactory.getLogger(getClass()), "detected", header, () -> "done");
        FrameLog.handle(LoggerFactory.getLogger(getClass()), "detected", header, () -> "done");
        String metrics = get(port, "/metrics").body();
        assertThat(counter(metrics, "facestream_frames_total{source=\"camera\",stage=\"detected\"}")).isEqualTo(before + 2);
        // Age from the capture time: both frames were captured 250 ms before they were handled.
        assertThat(counter(metrics, "facestream_frame_age_seconds_sum{stage=\"detected\"}") - ageBefore).isBetween(0.5, 5.0);
        assertThat(metrics).contains("facestream_stage_duration_seconds_count{stage=\"detected\"}", "jvm_memory_used_bytes");

        ManagementServer.unregister(streams);
        assertThat(get(port, "/health").body()).as("no app left: nothing answers").contains("\"status\":\"DOWN\"");
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static double counter(String scrape, String series) {
        return scrape.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
                .findFirst().orElse(0);
    }
}
