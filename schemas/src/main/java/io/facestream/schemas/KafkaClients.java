package io.facestream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The one place where every Kafka client of facestream (Streams apps, producers, consumers, the admin
 * client; in every service and the gateway) gets its settings: facestream's own defaults, then the
 * operator's client settings on top, so a secured cluster (SASL, TLS) needs no code.
 *
 * <p>The operator's settings come from, later ones winning:
 * <ol>
 *   <li>a Java properties file named by {@code FACESTREAM_KAFKA_PROPERTIES} (system property
 *       {@code facestream.kafka.properties}), the usual {@code client.properties} of Kafka's own tools;</li>
 *   <li>environment variables {@code FACESTREAM_KAFKA_<NAME>}: the rest of the name lower-cased, underscores
 *       as dots ({@code FACESTREAM_KAFKA_SECURITY_PROTOCOL=SASL_SSL} → {@code security.protocol});</li>
 *   <li>system properties {@code facestream.kafka.<name>} ({@code -Dfacestream.kafka.sasl.mechanism=PLAIN}).</li>
 * </ol>
 * The prefix is not plain {@code KAFKA_}: container images of Kafka itself and its tools read
 * {@code KAFKA_*} variables ({@code KAFKA_HEAP_OPTS}, {@code KAFKA_OPTS}, broker settings), and those must
 * never leak into a client. {@code KAFKA_BOOTSTRAP_SERVERS} stays as it was; a {@code bootstrap.servers}
 * in the file or prefix overrides it.
 */
public final class KafkaClients {

    public static final String PROPERTIES_FILE = "FACESTREAM_KAFKA_PROPERTIES";
    static final String ENV_PREFIX = "FACESTREAM_KAFKA_";
    static final String PROPERTY_PREFIX = "facestream.kafka.";
    private static final String FILE_PROPERTY = "facestream.kafka.properties";

    private KafkaClients() {
    }

    /** Settings for one client: {@code defaults} (facestream's tuning) with the bootstrap servers and the operator's settings on top. */
    public static Map<String, Object> config(String bootstrapServers, Map<String, ?> defaults) {
        Map<String, Object> config = new HashMap<>(defaults);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(operatorSettings());
        return config;
    }

    /** What the operator set, from the file, the environment and system properties; empty when nothing is set. */
    public static Map<String, String> operatorSettings() {
        return operatorSettings(System.getenv(), System.getProperties());
    }

    static Map<String, String> operatorSettings(Map<String, String> environment, Properties system) {
        Map<String, String> settings = new TreeMap<>();
        String file = system.getProperty(FILE_PROPERTY, environment.get(PROPERTIES_FILE));
        if (file != null && !file.isBlank()) {
            settings.putAll(readFile(Path.of(file)));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && !name.equals(PROPERTIES_FILE)) {
                settings.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        system.stringPropertyNames().forEach(name -> {
            if (name.startsWith(PROPERTY_PREFIX) && !name.equals(FILE_PROPERTY)) {
                settings.put(name.substring(PROPERTY_PREFIX.length()), system.getProperty(name));
            }
        });
        return settings;
    }

    /** For error messages and start-up logs: the operator's setting names, with secrets' values hidden. */
    public static String describe() {
        Map<String, String> shown = new TreeMap<>();
        operatorSettings().forEach((name, value) -> shown.put(name, isSecret(name) ? "[hidden]" : value));
        return shown.isEmpty() ? "no client settings (" + PROPERTIES_FILE + " and " + ENV_PREFIX + "* unset)" : shown.toString();
    }

    private static boolean isSecret(String name) {
        return name.contains("password") || name.contains("jaas") || name.contains("secret") || name.endsWith(".key");
    }

    private static Map<String, String> readFile(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalStateException(PROPERTIES_FILE + " names " + file.toAbsolutePath() + ", which cannot be read");
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Kafka client settings from " + file, e);
        }
        Map<String, String> settings = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name).trim()));
        return settings;
    }
}
