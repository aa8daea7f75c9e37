package io.facestream.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import io.facestream.management.StageMetrics;

/**
 * The dead-letter topic: Kafka Streams' own (KIP-1034, Kafka 4.2+), plus the one kind of letter it does not write.
 *
 * <p>A record no schema can read (say, a camera publishing garbage straight to Kafka) is copied by Kafka Streams
 * itself: with {@code errors.dead.letter.queue.topic.name} set, {@link LogAndContinueExceptionHandler} hands back the
 * raw key and value with the headers below, and the pipeline goes on. The copy goes out through the task's own
 * producer, so the record's offset is committed only once the copy is acknowledged; when the dead-letter topic cannot
 * be written, the default production handler fails the task and the record is read again — nothing is dropped
 * silently. This replaced our handler, which kept a producer of its own per JVM and blocked a stream thread up to 30 s
 * per letter.
 *
 * <p>What Kafka's does not cover: a camera frame that decodes as a {@code Frame} but whose image no decoder can read.
 * That is no exception — the detector answers it ({@code INVALID_IMAGE} on the results topic: every frame gets one
 * answer) and also keeps it as a letter, while Streams writes letters only for records whose handling threw, and then
 * drops them. So the detector writes those letters itself, with {@link #headers} in Kafka's format: one reader reads both.
 */
public final class DeadLetters {

    // Kafka's names (KIP-1034). Its constants sit in an internal package (ExceptionHandlerUtils), so they are repeated here.
    /** Exception class; for a letter the detector writes, the facestream error code ({@code INVALID_IMAGE}). */
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String STACKTRACE = "__streams.errors.stacktrace";
    public static final String SOURCE_TOPIC = "__streams.errors.topic";
    public static final String SOURCE_PARTITION = "__streams.errors.partition";
    public static final String SOURCE_OFFSET = "__streams.errors.offset";

    /**
     * Room a letter needs beyond the record it carries: Kafka's headers, mostly the stack trace (11 KB for an
     * unreadable frame, DeadLettersTest). The dead-letter topic and the services' producers allow this much more than
     * an image message, so a letter about the largest frame still fits instead of failing its task over and over.
     */
    public static final int HEADER_BYTES = 64 * 1024;

    private DeadLetters() {
    }

    /** Unreadable records go to {@link Topics#DEAD_LETTERS} with their reason, and the service goes on. */
    public static void configure(Properties streams) {
        streams.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS.name());
        streams.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, Counted.class);
    }

    /** Kafka's handler, counting each letter it has written ({@code facestream_dead_letters_total}). */
    public static final class Counted extends LogAndContinueExceptionHandler {

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            StageMetrics.deadLetter(record.topic(), exception.getClass().getSimpleName());
            return super.handleError(context, record, exception);
        }
    }

    /** Headers for a letter about a record that was read and answered, in the format Kafka Streams writes. */
    public static Headers headers(String code, String message, String topic, Optional<RecordMetadata> source) {
        Headers headers = new RecordHeaders()
                .add(EXCEPTION, utf8(code))
                .add(MESSAGE, utf8(message))
                .add(SOURCE_TOPIC, utf8(source.map(RecordMetadata::topic).orElse(topic)));
        source.ifPresent(metadata -> headers
                .add(SOURCE_PARTITION, utf8(String.valueOf(metadata.partition())))
                .add(SOURCE_OFFSET, utf8(String.valueOf(metadata.offset()))));
        return headers;
    }

    private static byte[] utf8(String text) {
        return String.valueOf(text).getBytes(StandardCharsets.UTF_8);
    }
}
