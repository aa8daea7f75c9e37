package io.facestream.schemas;

import java.util.Locale;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The services' console encoder (logback-included.xml): the text pattern, or with FACESTREAM_LOG_FORMAT=json
 * one JSON object per line (logback's own {@link JsonEncoder}: timestamp, level, threadName, loggerName, mdc,
 * formattedMessage, throwable). One appender whose encoder is chosen here, because a format logback had no
 * appender for would silence the service altogether; an unknown format is reported and gives text.
 */
public class LogEncoder extends EncoderBase<ILoggingEvent> {

    private String pattern = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";
    private Encoder<ILoggingEvent> delegate;

    /** The text format's pattern. */
    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    /** "text" or "json", from FACESTREAM_LOG_FORMAT (or -Dfacestream.log.format). */
    public String format() {
        String format = Settings.get("FACESTREAM_LOG_FORMAT", "text").trim().toLowerCase(Locale.ROOT);
        if (format.equals("text") || format.equals("json")) {
            return format;
        }
        addError("FACESTREAM_LOG_FORMAT=" + format + " is neither text nor json; logging as text");
        return "text";
    }

    @Override
    public void start() {
        if (format().equals("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            delegate = json;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(pattern);
            delegate = text;
        }
        delegate.setContext(getContext());
        delegate.start();
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }
}
