package dev.omnibridge.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InboundTextTest {
    @Test
    void removesBidiOverridesEmbeddingsAndIsolates() {
        String disguised = "invoice\u202Efdp.exe \u202Aa\u202B\u202C\u202D b\u2066c\u2067d\u2068e\u2069";
        assertThat(InboundText.clean(disguised)).isEqualTo("invoicefdp.exe a bcde");
    }

    @Test
    void keepsImplicitDirectionMarksAndRightToLeftText() {
        String hebrew = "\u05E9\u05DC\u05D5\u05DD 123\u200F! \u200E \u061C";
        assertThat(InboundText.clean(hebrew)).isSameAs(hebrew);
    }

    @Test
    void nullStaysNull() {
        assertThat(InboundText.clean(null)).isNull();
    }

    @Test
    void removesNulInTheMiddleOfText() {
        assertThat(InboundText.clean("Order\u0000 42\u0000")).isEqualTo("Order 42");
    }

    @Test
    void removesC0ControlsDeleteAndC1Controls() {
        String dirty = "a\u0001b\u0007c\u0008d\u000Be\u000Cf\u001Bg\u001Fh\u007Fi\u0080j\u0085k\u009Bl\u009Fm";
        assertThat(InboundText.clean(dirty)).isEqualTo("abcdefghijklm");
    }

    @Test
    void keepsTabLineFeedAndCarriageReturnSoLinesStayLines() {
        String lines = "Dear team,\r\n\tline two\nline three\r";
        assertThat(InboundText.clean(lines)).isSameAs(lines);
        assertThat(InboundText.clean("a\u0000\r\nb\tc")).isEqualTo("a\r\nb\tc");
    }

    @Test
    void keepsEmojiZeroWidthJoinerSequencesAndVariationSelectors() {
        String family = "hi \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 \u2764\uFE0F \uD83D\uDC4D\uD83C\uDFFD \u00E9\u00A0\u00FF";
        assertThat(InboundText.clean(family)).isSameAs(family);
        assertThat(InboundText.clean("\u0000" + family)).isEqualTo(family);
    }

    @Test
    void removesLoneSurrogatesAndNoncharactersFFFEAndFFFF() {
        assertThat(InboundText.clean("a\uD83Db\uDC4Dc\uFFFEd\uFFFFe\uD83D")).isEqualTo("abcde");
        assertThat(InboundText.clean("\uDC4D\uD83D\uDC4D")).isEqualTo("\uD83D\uDC4D");
    }

    @Test
    void textWithNothingToRemoveIsReturnedAsIs() {
        String plain = "Hello, world! 123";
        assertThat(InboundText.clean(plain)).isSameAs(plain);
        assertThat(InboundText.clean("")).isEmpty();
    }
}
