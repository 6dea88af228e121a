package dev.omnibridge.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TextPartsTest {
    @Test
    void textWithinTheLimitIsOnePartAndEmptyTextNone() {
        assertThat(TextParts.split("hello", 5, TextParts.UTF16_UNITS)).containsExactly("hello");
        assertThat(TextParts.split("", 5, TextParts.UTF16_UNITS)).isEmpty();
    }

    @Test
    void partsJoinedGiveTheTextBackAndEachFitsTheLimit() {
        String text = "Our return policy: " + "items may be returned within 30 days. ".repeat(80);
        List<String> parts = TextParts.split(text, 1600, TextParts.UTF16_UNITS);
        assertThat(parts).hasSize(2);
        assertThat(String.join("", parts)).isEqualTo(text);
        assertThat(parts).allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(1600));
    }

    @Test
    void aPartEndsAfterWhiteSpaceSoWordsStayWhole() {
        List<String> parts = TextParts.split("alpha beta gamma delta", 12, TextParts.UTF16_UNITS);
        assertThat(parts).containsExactly("alpha beta ", "gamma delta");
    }

    @Test
    void utf8ByteLimitCountsBytesNotCharacters() {
        // 600 two-byte letters are 1200 bytes: over Instagram's 1000 although only 600 characters.
        String text = "é".repeat(600);
        List<String> parts = TextParts.split(text, 1000, TextParts.UTF8_BYTES);
        assertThat(parts).hasSize(2);
        assertThat(parts).allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(1000));
        assertThat(String.join("", parts)).isEqualTo(text);
    }

    @Test
    void neverCutsASurrogatePairOrAnEmojiFromItsModifier() {
        String thumbs = "\uD83D\uDC4D\uD83C\uDFFD"; // thumbs up, medium skin tone: one user-perceived character
        String text = ("a" + thumbs).repeat(50);
        for (int max = 4; max < 20; max++) {
            List<String> parts = TextParts.split(text, max, TextParts.UTF16_UNITS);
            assertThat(String.join("", parts)).isEqualTo(text);
            for (String p : parts) {
                assertThat(p.length()).isLessThanOrEqualTo(max);
                assertThat(Character.isLowSurrogate(p.charAt(0))).as("part starts inside a pair: " + p).isFalse();
                assertThat(p.startsWith("\uD83C\uDFFD")).as("part starts with a lone skin tone").isFalse();
            }
        }
    }

    @Test
    void combiningMarkStaysWithItsLetter() {
        String text = "e\u0301".repeat(10); // e + combining acute
        List<String> parts = TextParts.split(text, 5, TextParts.UTF16_UNITS);
        assertThat(parts).allSatisfy(p -> assertThat(p.charAt(0)).isEqualTo('e'));
        assertThat(String.join("", parts)).isEqualTo(text);
    }

    @Test
    void aCharacterLongerThanTheLimitIsCutBetweenCodePoints() {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66"; // 11 UTF-16 units
        List<String> parts = TextParts.split(family, 4, TextParts.UTF16_UNITS);
        assertThat(String.join("", parts)).isEqualTo(family);
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.length()).isLessThanOrEqualTo(4);
            assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
        });
    }
}
