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

    @Test
    void resultWrittenByTheReleasedSchemaStillDecodes() throws Exception {
        // A MatchResult from before faces carried tracks: written with history/MatchResult-1.avsc.
        org.apache.avro.Schema released = AvroSerde.releasedSchemas(MatchResult.class).get(0);
        MatchResult current = MatchResult.newBuilder()
                .setHeader(FrameHeader.newBuilder()
                        .setId("f-2").setSourceKind(SourceKind.CAMERA).setSourceId("cam-1")
                        .setCaptureTime(Instant.ofEpochMilli(1_700_000_000_000L)).setOperation(Operation.RECOGNIZE).build())
                .setFaces(java.util.List.of(FaceMatch.newBuilder()
                        .setFace(DetectedFace.newBuilder().setFaceId("face-1").setBox(new Box(1f, 2f, 3f, 4f))
                                .setLandmarks(java.util.List.of()).setScore(0.9f).build())
                        .setBestSimilarity(0.5f).build()))
                .build();
        var oldRecord = asGeneric(current, released);
        byte[] wire = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), released).encode(oldRecord).array();

        MatchResult back = Topics.MATCH_RESULTS.valueSerde().deserializer().deserialize("t", wire);

        assertThat(back.getFaces().get(0).getFace().getFaceId()).isEqualTo("face-1");
        assertThat(back.getFaces().get(0).getTrack()).isNull();
        assertThat(org.apache.avro.SchemaNormalization.parsingFingerprint64(released))
                .isNotEqualTo(org.apache.avro.SchemaNormalization.parsingFingerprint64(MatchResult.getClassSchema()));
    }

    /** The current record as a generic record of the older schema (the older schema's fields are a subset). */
    private static org.apache.avro.generic.GenericRecord asGeneric(MatchResult current, org.apache.avro.Schema released) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<MatchResult>(MatchResult.getClassSchema()).write(current, encoder);
        encoder.flush();
        var decoder = org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
        return new org.apache.avro.generic.GenericDatumReader<org.apache.avro.generic.GenericRecord>(MatchResult.getClassSchema(), released)
                .read(null, decoder);
    }
}
