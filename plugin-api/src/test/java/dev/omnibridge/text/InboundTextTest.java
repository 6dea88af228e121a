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
}
