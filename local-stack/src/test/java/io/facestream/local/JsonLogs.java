package io.facestream.local;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;

/**
 * The services' own logging configuration, switched to JSON and DEBUG as an operator would with
 * FACESTREAM_LOG_FORMAT=json and FACESTREAM_LOG_LEVEL=DEBUG (as system properties: one JVM), and its console
 * output collected while it runs; the usual text configuration is back after {@link #close}.
 */
final class JsonLogs implements AutoCloseable {

    private final PrintStream original = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private JsonLogs() throws JoranException {
        System.setProperty("facestream.log.format", "json");
        System.setProperty("facestream.log.level", "DEBUG");
        System.setOut(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        reconfigure();
    }

    static JsonLogs start() throws JoranException {
        return new JsonLogs();
    }

    /** Every line written so far that is a JSON object. */
    synchronized List<JsonNode> lines() throws java.io.IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                lines.add(Gateway.JSON.readTree(line));
            }
        }
        return lines;
    }

    @Override
    public void close() throws JoranException {
        System.clearProperty("facestream.log.format");
        System.clearProperty("facestream.log.level");
        reconfigure();
        System.setOut(original);
    }

    private static void reconfigure() throws JoranException {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(JsonLogs.class.getResource("/logback.xml"));
    }

    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            synchronized (second) {
                second.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            synchronized (second) {
                second.write(b, off, len);
            }
        }
    }
}
