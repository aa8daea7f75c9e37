package io.facestream.gateway.recognition;

import java.text.Normalizer;

import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;


/**
 * Names people and keys are given: letters of any script (with their combining marks), digits, spaces
 * and the punctuation of names. Markup, quotes other than apostrophes, semicolons, control and
 * invisible direction characters have no place in a name and are refused rather than stored for some
 * later page or query to trip over. The refused character is named by its code point, never echoed.
 */
public final class Names {

    public static final int MAX_LENGTH = 100;

    /** Punctuation that occurs in people's names: Jean-Luc, O'Brien, Dr. J. Smith, Jr., (Bob), R&B. */
    private static final String PUNCTUATION = ".,'\u2019\u2018-\u2010()&";

    private Names() {
    }

    public static String valid(String name, String field) {
        String clean = name == null ? "" : Normalizer.normalize(name, Normalizer.Form.NFC);
        // Any kind of space (no-break, thin, ...) counts as a plain space.
        clean = clean.codePoints().map(c -> Character.getType(c) == Character.SPACE_SEPARATOR ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        String error = "invalid_" + field;
        if (clean.isEmpty()) {
            throw new ApiException(ApiError.INVALID_NAME, field + " must not be empty");
        }
        if (clean.codePointCount(0, clean.length()) > MAX_LENGTH) {
            throw new ApiException(ApiError.INVALID_NAME, field + " must be at most " + MAX_LENGTH + " characters");
        }
        if (clean.codePoints().anyMatch(Character::isISOControl)) {
            throw new ApiException(ApiError.INVALID_NAME, field + " must not contain control characters");
        }
        int refused = clean.codePoints().filter(c -> !nameCharacter(c)).findFirst().orElse(-1);
        if (refused >= 0) {
            throw new ApiException(ApiError.INVALID_NAME, String.format(
                    "%s may contain letters, digits, spaces and . , ' - ( ) & only; U+%04X is not allowed", field, refused));
        }
        return clean;
    }

    private static boolean nameCharacter(int c) {
        int type = Character.getType(c);
        return Character.isLetter(c) || Character.isDigit(c) || c == ' ' || PUNCTUATION.indexOf(c) >= 0
                || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK
                || c == 0x200C || c == 0x200D; // zero-width (non-)joiner: part of spelling in Persian, Hindi and others
    }
}
