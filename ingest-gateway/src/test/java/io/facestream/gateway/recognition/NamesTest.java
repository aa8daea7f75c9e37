package io.facestream.gateway.recognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.facestream.gateway.web.ApiException;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "alex_lacamoire", "Lin-Manuel Miranda", "Ngũgĩ wa Thiong'o", "Dr. J. Smith, Jr. (Bob) & Co", "Jean\u2013Luc",
            "Владимир Набоков", "王小明", "バラク・オバマ", "محمد\u200Cرضا", "नमस्ते", "Ελένη", "חַיִּים", "Paul·la", "Louis XIV 2", "김연아",
            "O\u2019Brien", "Zoë-Ange_2"})
    void acceptsLettersOfAnyScriptDigitsUnderscoresAndNamePunctuation(String name) {
        assertThat(Names.valid(name, "name")).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<b>Bob</b>", "Bob\u0000", "Bob\tSmith", "Bob\u202Egnp", "Bob\u200BSmith", "\uFEFFBob", "Bob\u2066Smith", "Bob\u00ADSmith",
            "\u200CBob", "Bob\u200C", "Bob \u200D Smith", "Bob\u2028Smith", "Bob;", "${x}", "a/b", "Bob \uD83D\uDE00", "Bob\uE000"})
    void refusesControlInvisibleBidiAndMarkup(String name) {
        assertThatThrownBy(() -> Names.valid(name, "name")).isInstanceOf(ApiException.class).hasMessageMatching(".*(U\\+[0-9A-F]{4}|control characters).*");
    }

    @org.junit.jupiter.api.Test
    void decomposedNamesAreStoredComposedAndSpacesPlain() {
        assertThat(Names.valid("Zoe\u0308\u00A0Saldan\u0303a ", "name")).isEqualTo("Zoë Saldaña");
    }
}
