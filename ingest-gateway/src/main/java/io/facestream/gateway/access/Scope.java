package io.facestream.gateway.access;

import java.util.Arrays;
import java.util.Locale;

/** What a key may do. An admin key may do everything a recognize key may. */
public enum Scope {
    /** detect, recognize, verify and the WebSocket. */
    RECOGNIZE,
    /** enrolling, listing, changing and erasing people; managing keys. */
    ADMIN;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String value) {
        return Arrays.stream(values()).filter(s -> s.value().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown scope '" + value + "'; scopes: admin, recognize"));
    }
}
