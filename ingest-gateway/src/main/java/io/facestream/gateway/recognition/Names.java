package io.facestream.gateway.recognition;

import org.springframework.http.HttpStatus;

/** Names people and keys are given: printable, trimmed, at most 100 characters. */
public final class Names {

    public static final int MAX_LENGTH = 100;

    private Names() {
    }

    public static String valid(String name, String field) {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_" + field, field + " must not be empty");
        }
        if (clean.length() > MAX_LENGTH) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_" + field, field + " must be at most " + MAX_LENGTH + " characters");
        }
        // Bidirectional overrides would let a name display as something else in an operator's list.
        if (clean.chars().anyMatch(c -> Character.isISOControl(c) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_" + field, field + " must not contain control characters");
        }
        return clean;
    }
}
