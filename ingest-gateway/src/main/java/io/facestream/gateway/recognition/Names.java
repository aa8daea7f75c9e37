package io.facestream.gateway.recognition;

import java.text.Normalizer;

import io.facestream.gateway.web.ApiError;
import io.facestream.gateway.web.ApiException;


/**
 * Names people and keys are given: letters of any script (with their combining marks), digits, spaces, underscores
 * and the punctuation of names. Markup ({@code < >}), braces, semicolons, slashes, control characters and invisible
 * ones — zero-width spaces, byte-order marks, bidi overrides that make a name read differently from what is stored —
 * have no place in a name and are refused rather than stored for some later page, log or query to trip over. The
 * refused character is named by its code point, never echoed. Names are stored in NFC, so a name typed on macOS
 * (decomposed) and the same name typed elsewhere are one name.
 */
public final class Names {

    public static final int MAX_LENGTH = 100;

    /**
     * Punctuation that occurs in people's names and user names: Jean-Luc, O'Brien, Dr. J. Smith, Jr., (Bob), R&amp;B,
     * alex_lacamoire, Paul·la (Catalan middle dot), バラク・オバマ (katakana middle dot), Hebrew geresh and gershayim.
     * Dashes of every kind are allowed by their Unicode category.
     */
    private static final String PUNCTUATION = ".,'\u2019\u2018()&_\u00B7\u30FB\u05F3\u05F4";
    private static final String ALLOWED = "letters, digits, spaces and . , ' - _ ( ) &";
    private static final int ZWNJ = 0x200C;
    private static final int ZWJ = 0x200D;

    private Names() {
    }

    public static String valid(String name, String field) {
        String clean = name == null ? "" : Normalizer.normalize(name, Normalizer.Form.NFC);
        // Any kind of space (no-break, thin, ...) counts as a plain space.
        clean = clean.codePoints().map(c -> Character.getType(c) == Character.SPACE_SEPARATOR ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        if (clean.isEmpty()) {
            throw new ApiException(ApiError.INVALID_NAME, field + " must not be empty");
        }
        int[] points = clean.codePoints().toArray();
        if (points.length > MAX_LENGTH) {
            throw new ApiException(ApiError.INVALID_NAME, field + " must be at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < points.length; i++) {
            int c = points[i];
            if (Character.isISOControl(c)) {
                throw new ApiException(ApiError.INVALID_NAME, field + " must not contain control characters");
            }
            if (c == ZWNJ || c == ZWJ) {
                // Part of spelling in Persian, Hindi and others, but only between two letters; anywhere else it hides.
                if (i == 0 || i == points.length - 1 || !letterOrMark(points[i - 1]) || !letterOrMark(points[i + 1])) {
                    throw refused(field, c, "an invisible character outside a word");
                }
                continue;
            }
            int type = Character.getType(c);
            if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.PRIVATE_USE || type == Character.SURROGATE || type == Character.UNASSIGNED) {
                throw refused(field, c, "an invisible, direction or unassigned character");
            }
            if (c == '<' || c == '>') {
                throw refused(field, c, "markup");
            }
            if (!nameCharacter(c)) {
                throw new ApiException(ApiError.INVALID_NAME, String.format(
                        "%s may contain %s only; U+%04X is not allowed", field, ALLOWED, c));
            }
        }
        return clean;
    }

    private static ApiException refused(String field, int c, String what) {
        return new ApiException(ApiError.INVALID_NAME, String.format("%s may contain %s only; U+%04X is %s", field, ALLOWED, c, what));
    }

    private static boolean letterOrMark(int c) {
        int type = Character.getType(c);
        return Character.isLetter(c) || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean nameCharacter(int c) {
        int type = Character.getType(c);
        return Character.isLetter(c) || Character.isDigit(c) || c == ' ' || PUNCTUATION.indexOf(c) >= 0
                || type == Character.DASH_PUNCTUATION
                || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK;
    }
}
