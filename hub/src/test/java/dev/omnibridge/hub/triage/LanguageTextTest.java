package dev.omnibridge.hub.triage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What of a customer's message the language detector gets to see. */
class LanguageTextTest {
    @Test
    void linksAddressesAndWordsWithDigitsAreLeftOut() {
        assertThat(LanguageText.of("Bestellung #A-4471193 vom 03.12.2026: siehe https://shop.example.de/o?id=4471193 "
                + "oder www.shop.example.de, Mail an max.mustermann+shop@example.de, Tel. +49 151 1234567"))
                .isEqualTo("Bestellung vom siehe oder Mail an , Tel.");
    }

    @Test
    void theEarlierMailBelowAGermanOrOutlookReplyIsLeftOut() {
        assertThat(LanguageText.of("""
                Danke, das Paket ist jetzt da.

                Am Do., 3. Dez. 2026 um 10:00 Uhr schrieb Support <help@shop.example>:
                > Thank you for your message, we will look into it.
                """)).isEqualTo("Danke, das Paket ist jetzt da.");
        assertThat(LanguageText.of("""
                Merci, c'est bon pour moi.
                -----Original Message-----
                From: Support
                Sent: Thursday, December 3, 2026 10:00 AM
                Subject: Your order
                Thank you for your message, we will look into it.
                """)).isEqualTo("Merci, c'est bon pour moi.");
    }

    @Test
    void interleavedQuotesAndTheSignatureAreLeftOut() {
        assertThat(LanguageText.of("""
                > Which size did you order?
                Maat 42, maar de schoenen zijn te klein.
                --\s
                Jan de Vries
                Senior Engineer, Example B.V.
                """)).isEqualTo("Maat maar de schoenen zijn te klein.");
    }

    @Test
    void aLineThatMerelyMentionsWritingIsKept() {
        assertThat(LanguageText.of("I wrote to you yesterday: still no answer")).isEqualTo(
                "I wrote to you yesterday: still no answer");
    }

    @Test
    void wordsAreRunsOfLettersWithTheirApostrophesAndHyphens() {
        assertThat(LanguageText.words("n'est toujours pas arrivé, e-mail reçu ?")).isEqualTo(6);
        assertThat(LanguageText.words("?? !!")).isZero();
        assertThat(LanguageText.letters("ok danke schoen")).isEqualTo(13);
    }
}
