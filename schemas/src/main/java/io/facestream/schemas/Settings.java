package io.facestream.schemas;

import java.util.Locale;

/**
 * Reads a setting from a system property (lower case, dots: {@code kafka.bootstrap.servers})
 * or else the environment ({@code KAFKA_BOOTSTRAP_SERVERS}), so containers use the environment
 * and the one-JVM local run and tests can use properties.
 */
public final class Settings {

    private Settings() {
    }

    public static String get(String name, String fallback) {
        String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        if (property != null && !property.isBlank()) {
            return property;
        }
        String value = System.getenv(name);
        return value != null && !value.isBlank() ? value : fallback;
    }

    public static int getInt(String name, int fallback) {
        return Integer.parseInt(get(name, String.valueOf(fallback)));
    }

    public static float getFloat(String name, float fallback) {
        return Float.parseFloat(get(name, String.valueOf(fallback)));
    }

    public static String kafkaBootstrapServers() {
        return get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
    }
}
