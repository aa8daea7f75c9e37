package io.facestream.detector;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.Frame;
import io.facestream.schemas.Results;
import io.facestream.schemas.Topics;

/** frames → detected faces. */
public final class DetectorTopology {

    private DetectorTopology() {
    }

    public static Topology build(FrameDetector detector) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.FRAMES.name(), Consumed.with(Topics.FRAMES.keySerde(), Topics.FRAMES.valueSerde()))
                .mapValues(frame -> detect(detector, frame))
                .to(Topics.DETECTED_FACES.name(), Produced.with(Topics.DETECTED_FACES.keySerde(), Topics.DETECTED_FACES.valueSerde()));
        return builder.build();
    }

    /** A frame that breaks the detector still gets an answer downstream instead of a client timeout. */
    private static DetectedFrame detect(FrameDetector detector, Frame frame) {
        try {
            return detector.detect(frame);
        } catch (RuntimeException e) {
            return DetectedFrame.newBuilder().setHeader(frame.getHeader())
                    .setError(Results.error(Results.INTERNAL, "detection failed: " + e.getMessage())).build();
        }
    }
}
