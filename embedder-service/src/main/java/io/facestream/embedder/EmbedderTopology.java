package io.facestream.embedder;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.facestream.schemas.DetectedFrame;
import io.facestream.schemas.EmbeddedFrame;
import io.facestream.schemas.ErrorCode;
import io.facestream.schemas.FrameLog;
import io.facestream.schemas.Topics;

/** detected faces → embeddings. */
public final class EmbedderTopology {

    private static final Logger log = LoggerFactory.getLogger(EmbedderTopology.class);

    private EmbedderTopology() {
    }

    public static Topology build(FrameEmbedder embedder) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.DETECTED_FACES.name(), Consumed.with(Topics.DETECTED_FACES.keySerde(), Topics.DETECTED_FACES.valueSerde()))
                .mapValues(frame -> embed(embedder, frame))
                .to(Topics.EMBEDDINGS.name(), Produced.with(Topics.EMBEDDINGS.keySerde(), Topics.EMBEDDINGS.valueSerde()));
        return builder.build();
    }

    private static EmbeddedFrame embed(FrameEmbedder embedder, DetectedFrame frame) {
        return FrameLog.handle(log, "embedded", frame.getHeader(), () -> {
            try {
                return embedder.embed(frame);
            } catch (RuntimeException e) {
                log.warn("embedding failed", e);
                return EmbeddedFrame.newBuilder().setHeader(frame.getHeader())
                        .setError(ErrorCode.INTERNAL.error("embedding failed: " + e.getMessage())).build();
            }
        });
    }
}
