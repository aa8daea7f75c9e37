package io.facestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    @Test
    void frameRoundTripsWithRawImageBytes() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};
        Frame frame = Frame.newBuilder()
                .setHeader(FrameHeader.newBuilder()
                        .setId("f-1").setSourceKind(SourceKind.CAMERA).setSourceId("cam-7").setSequence(42)
                        .setCaptureTime(Instant.ofEpochMilli(1_700_000_000_000L)).setOperation(Operation.RECOGNIZE)
                        .build())
                .setImage(ByteBuffer.wrap(jpeg))
                .build();

        byte[] wire = Topics.FRAMES.valueSerde().serializer().serialize("t", frame);
        Frame back = Topics.FRAMES.valueSerde().deserializer().deserialize("t", wire);

        assertThat(back).isEqualTo(frame);
        // Single-object encoding: C3 01 marker, then the fingerprint; the image is raw bytes, not base64.
        assertThat(wire[0]).isEqualTo((byte) 0xC3);
        assertThat(wire[1]).isEqualTo((byte) 0x01);
        assertThat(wire.length).isLessThan(jpeg.length + 60);
    }

    @Test
    void recordOfAnotherTypeIsRejected() {
        PipelineError error = new PipelineError("X", "y");
        byte[] wire = AvroSerde.of(PipelineError.class).encode(error);
        assertThatThrownBy(() -> Topics.FRAMES.valueSerde().deserializer().deserialize("t", wire))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> Topics.FRAMES.valueSerde().deserializer().deserialize("t", new byte[] {1, 2, 3}))
                .isInstanceOf(SerializationException.class);
    }
}
