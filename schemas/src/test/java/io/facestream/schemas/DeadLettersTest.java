package io.facestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.DeserializationHandlerResponse;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private final byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
    private final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(Topics.FRAMES.name(), 2, 41L, "camera-7".getBytes(), garbage);

    @Test
    void anUnreadableFrameIsCopiedWithItsReasonAndThePipelineGoesOn() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer());
        Exception cause = assertThrowsDecode();

        DeserializationHandlerResponse response = new DeadLetters(producer, "facestream-detector").handle((org.apache.kafka.streams.errors.ErrorHandlerContext) null, record, cause);

        assertThat(response).isEqualTo(DeserializationHandlerResponse.CONTINUE);
        assertThat(producer.history()).hasSize(1);
        ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
        assertThat(letter.topic()).isEqualTo(Topics.DEAD_LETTERS.name());
        assertThat(letter.value()).isEqualTo(garbage);
        assertThat(letter.key()).isEqualTo("camera-7".getBytes());
        assertThat(header(letter, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.FRAMES.name());
        assertThat(header(letter, DeadLetters.SOURCE_PARTITION)).isEqualTo("2");
        assertThat(header(letter, DeadLetters.SOURCE_OFFSET)).isEqualTo("41");
        assertThat(header(letter, DeadLetters.SERVICE)).isEqualTo("facestream-detector");
        assertThat(header(letter, DeadLetters.REASON)).contains(cause.getMessage());
    }

    @Test
    void whenTheDeadLetterCannotBeWrittenTheServiceStopsInsteadOfDroppingTheRecord() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, new ByteArraySerializer(), new ByteArraySerializer());
        DeadLetters handler = new DeadLetters(producer, "facestream-detector");
        Thread failer = new Thread(() -> {
            while (producer.history().isEmpty()) {
                Thread.onSpinWait();
            }
            producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
        });
        failer.start();

        assertThat(handler.handle((org.apache.kafka.streams.errors.ErrorHandlerContext) null, record, assertThrowsDecode())).isEqualTo(DeserializationHandlerResponse.FAIL);
    }

    private Exception assertThrowsDecode() {
        try {
            Topics.FRAMES.valueSerde().deserializer().deserialize(Topics.FRAMES.name(), garbage);
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("garbage was decoded as a frame");
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String key) {
        return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
