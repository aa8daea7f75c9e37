package io.facestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every service reads with {@link PipelineStreams#properties}: Kafka Streams' own dead-letter queue, as configured there. */
class DeadLettersTest {

    private final byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<String, String> read;
    private TestOutputTopic<byte[], byte[]> letters;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.FRAMES.name(), Consumed.with(Topics.FRAMES.keySerde(), Topics.FRAMES.valueSerde()))
                .mapValues(frame -> frame.getHeader().getId())
                .to("read", Produced.with(Serdes.String(), Serdes.String()));
        driver = new TopologyTestDriver(builder.build(), PipelineStreams.properties("facestream-dead-letters-test", "unused:9092", 1));
        raw = driver.createInputTopic(Topics.FRAMES.name(), new ByteArraySerializer(), new ByteArraySerializer());
        read = driver.createOutputTopic("read", Serdes.String().deserializer(), Serdes.String().deserializer());
        letters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), Topics.DEAD_LETTERS.keySerde().deserializer(),
                Topics.DEAD_LETTERS.valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void anUnreadableFrameIsCopiedWithItsReasonAndThePipelineGoesOn() {
        String decodeError = decodeError(garbage);
        raw.pipeInput("camera-7".getBytes(), garbage);
        raw.pipeInput("camera-7".getBytes(), Topics.FRAMES.valueSerde().serializer().serialize(Topics.FRAMES.name(), frame("camera-7-1")));

        assertThat(letters.readRecordsToList()).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo(garbage);
            assertThat(letter.key()).isEqualTo("camera-7".getBytes());
            assertThat(header(letter.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.FRAMES.name());
            assertThat(header(letter.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(letter.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
            assertThat(header(letter.headers(), DeadLetters.MESSAGE)).isEqualTo(decodeError);
            assertThat(header(letter.headers(), DeadLetters.EXCEPTION)).isNotBlank();
            int headerBytes = 0;
            for (Header header : letter.headers()) {
                headerBytes += header.key().length() + header.value().length;
            }
            assertThat(headerBytes).as("room a letter takes beyond its record").isLessThan(DeadLetters.HEADER_BYTES);
        });
        assertThat(read.readValuesToList()).containsExactly("camera-7-1");
    }

    @Test
    void aRecordOfAnotherTypeIsADeadLetterTooNotAFrameReadAsGarbage() {
        // Single-object encoding names the writer's schema: a detected frame published to the frames topic fails loudly.
        DetectedFrame wrongType = DetectedFrame.newBuilder().setHeader(frame("x").getHeader()).build();
        byte[] bytes = Topics.DETECTED_FACES.valueSerde().serializer().serialize(Topics.DETECTED_FACES.name(), wrongType);
        raw.pipeInput("camera-8".getBytes(), bytes);

        assertThat(letters.readRecordsToList()).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo(bytes);
            assertThat(header(letter.headers(), DeadLetters.MESSAGE)).isEqualTo(decodeError(bytes));
        });
        assertThat(read.readValuesToList()).isEmpty();
    }

    private static Frame frame(String id) {
        return Frame.newBuilder().setHeader(FrameHeader.newBuilder().setId(id).setSourceKind(SourceKind.CAMERA).setSourceId("camera-7")
                .setSequence(1).setCaptureTime(Instant.now()).setOperation(Operation.RECOGNIZE).build()).build();
    }

    private static String decodeError(byte[] bytes) {
        try {
            Topics.FRAMES.valueSerde().deserializer().deserialize(Topics.FRAMES.name(), bytes);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        throw new AssertionError("decoded as a frame");
    }

    private static String header(Headers headers, String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
