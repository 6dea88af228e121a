package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plain-text reply rules in isolation, one client convention per case. */
class TextQuotesTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "On Mon, 3 Mar 2025 at 10:00, Jane <jane@x.example> wrote:",
            "On Mar 3, 2025, at 10:00 AM, Jane Doe <jane@x.example> wrote:",
            "On 3 Mar 2025, at 10:00, Jane wrote:",
            "On 03.03.2025 10:00, Acme Support wrote:",
            "Am Mo., 3. März 2025 um 10:00 Uhr schrieb Jane <jane@x.example>:",
            "Le lun. 3 mars 2025 à 10:00, Jane <jane@x.example> a écrit :",
            "El lun, 3 mar 2025 a las 10:00, Jane (<jane@x.example>) escribió:",
            "Op ma 3 mrt 2025 om 10:00 schreef Jane <jane@x.example>:",
            "Il giorno lun 3 mar 2025 alle ore 10:00 Jane <jane@x.example> ha scritto:",
            "Em seg., 3 de mar. de 2025 às 10:00, Jane <jane@x.example> escreveu:"})
    void attributionLinesOfCommonClientsAndLanguagesEndTheNewText(String attribution) {
        String text = "Thanks, done.\n\n" + attribution + "\n\n> old text\n> more old text\n";

        assertThat(TextQuotes.strip(text)).isEqualTo("Thanks, done.");
    }

    @Test
    void germanOutlookReplyWithUrspruenglicheNachrichtIsCut() {
        String text = """
                Erledigt.

                -----Ursprüngliche Nachricht-----
                Von: Acme <support@acme.example>
                Gesendet: Montag, 3. März 2025 10:00
                Betreff: Frage
                """;

        assertThat(TextQuotes.strip(text)).isEqualTo("Erledigt.");
    }

    @Test
    void englishOutlookHeaderBlockWithoutSeparatorIsCut() {
        String text = """
                Yes, please cancel it.

                From: Acme Support <support@acme.example>
                Sent: Monday, March 3, 2025 10:00 AM
                To: Bob <bob@example.com>
                Subject: Cancel?

                Shall we cancel the order?
                """;

        assertThat(TextQuotes.strip(text)).isEqualTo("Yes, please cancel it.");
    }

    @Test
    void boldMarkedHeaderBlockFromHtmlConversionIsCut() {
        String text = """
                Approved.

                *From:* Acme <support@acme.example>
                *Sent:* Monday, March 3, 2025 10:00 AM
                *Subject:* Quote
                """;

        assertThat(TextQuotes.strip(text)).isEqualTo("Approved.");
    }

    @Test
    void aFromLineWithoutAHeaderBlockIsContent() {
        String text = "From: the warehouse in Leeds, the parcel left on Monday.\nIt never arrived.";

        assertThat(TextQuotes.strip(text)).isEqualTo(text);
    }

    @Test
    void signatureDelimiterWithoutTrailingSpaceAlsoCounts() {
        assertThat(TextQuotes.strip("Please advise.\n--\nBob\nACME Corp")).isEqualTo("Please advise.");
    }

    @Test
    void dashesInsideALineAreNotASignature() {
        String text = "Option A -- or option B?\n---\nBoth fine.";

        assertThat(TextQuotes.strip(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sent from my iPhone", "Sent from my iPad", "Sent from my Galaxy", "Von meinem iPhone gesendet",
            "Envoyé de mon iPhone", "Enviado desde mi iPhone", "Get Outlook for iOS", "Sent from Mail for Windows",
            "Sent from Yahoo Mail for iPhone"})
    void mobileFootersAtTheEndAreRemoved(String footer) {
        assertThat(TextQuotes.strip("Works now, thanks!\n\n" + footer + "\n")).isEqualTo("Works now, thanks!");
    }

    @Test
    void mobileFooterWordingInTheMiddleOfTheTextIsKept() {
        String text = "Sent from my iPhone\nbut the app crashed afterwards.";

        assertThat(TextQuotes.strip(text)).isEqualTo(text);
    }

    @Test
    void windowsLineEndsAreHandled() {
        assertThat(TextQuotes.strip("Fine.\r\n\r\nOn Mon, 3 Mar 2025 at 10:00, A <a@x> wrote:\r\n> q\r\n"))
                .isEqualTo("Fine.");
    }
}
