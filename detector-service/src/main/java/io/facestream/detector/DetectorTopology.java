package io.facestream.detector;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.facestream.management.StageMetrics;
import io.facestream.schemas.DeadLetters;
import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.Frame;
import io.facestream.schemas.FrameLog;
import io.facestream.schemas.PipelineError;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.SourceKind;
import io.facestream.schemas.Topics;

/** frames → detected faces; camera frames without a readable image also → dead letters. */
public final class DetectorTopology {

    private static final Logger log = LoggerFactory.getLogger(DetectorTopology.class);

    private DetectorTopology() {
    }

    public static Topology build(FrameDetector detector) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Detection> detections = builder
                .stream(Topics.FRAMES.name(), Consumed.with(Topics.FRAMES.keySerde(), Topics.FRAMES.valueSerde()))
                .mapValues(frame -> new Detection(frame, detect(detector, frame)));
        detections.mapValues(Detection::result)
                .to(Topics.DETECTED_FACES.name(), Produced.with(Topics.DETECTED_FACES.keySerde(), Topics.DETECTED_FACES.valueSerde()));
        // A camera writes straight to Kafka and reads its answers only if it wants to: a frame it sent that no image
        // decoder can read is also kept as a dead letter, with the reason, for whoever runs the cameras.
        detections.filter((key, detection) -> isPoison(detection))
                .process(DeadLetter::new)
                .to(Topics.DEAD_LETTERS.name(), Produced.with(Topics.DEAD_LETTERS.keySerde(), Topics.DEAD_LETTERS.valueSerde()));
        return builder.build();
    }

    record Detection(Frame frame, DetectedFrame result) {
    }

    private static boolean isPoison(Detection detection) {
        PipelineError error = detection.result().getError();
        return error != null && detection.frame().getHeader().getSourceKind() == SourceKind.CAMERA
                && (ErrorCode.INVALID_IMAGE.is(error) || ErrorCode.INVALID_REQUEST.is(error));
    }

    /** The frame as it arrived, with the headers Kafka Streams writes for unreadable records (see {@link DeadLetters}). */
    private static final class DeadLetter implements Processor<String, Detection, byte[], byte[]> {

        private ProcessorContext<byte[], byte[]> context;

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, Detection> record) {
            PipelineError error = record.value().result().getError();
            StageMetrics.deadLetter(Topics.FRAMES.name(), error.getCode());
            Headers headers = DeadLetters.headers(error.getCode(), error.getMessage(), Topics.FRAMES.name(), context.recordMetadata());
            byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
            byte[] value = Topics.FRAMES.valueSerde().serializer().serialize(Topics.FRAMES.name(), record.value().frame());
            context.forward(new Record<>(key, value, record.timestamp(), headers));
        }
    }

    /** A frame that breaks the detector still gets an answer downstream instead of a client timeout. */
    private static DetectedFrame detect(FrameDetector detector, Frame frame) {
        return FrameLog.handle(log, "detected", frame.getHeader(), () -> {
            try {
                return detector.detect(frame);
            } catch (RuntimeException e) {
                log.warn("detection failed", e);
                return DetectedFrame.newBuilder().setHeader(frame.getHeader())
                        .setError(ErrorCode.INTERNAL.error("detection failed: " + e.getMessage())).build();
            }
        });
    }
}
