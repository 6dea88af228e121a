package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Out-of-office replies from responders that set no auto-reply header and keep the original subject are recognised
 * by the fixed opening of their text; customers who merely mention being away still open tickets.
 */
class OutOfOfficeBodyTest {

    private final MailParser parser = new MailParser(1024 * 1024);

    /** A mail without any auto-reply header, with a subject a customer could write: only the text can tell. */
    private Noise noiseOfText(String text) throws Exception {
        return parser.parse(RawMail.of("""
                From: Jane Doe <jane@example.com>
                To: support@acme.example
                Subject: Re: Your order 1234 [#K7Q2M9XD]
                Message-ID: <ooo-body@example.com>
                Content-Type: text/plain; charset=UTF-8

                """ + text + "\n")).noise();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // English
            "Thank you for your email. I am currently out of the office until 12 March with limited access to email.",
            "Hello,\n\nI'm out of the office until Monday, 3 March. I will respond to your message when I return.",
            "I am on annual leave until 14 April. For urgent matters please contact service@example.com.",
            "I’m currently away from the office with no access to e-mail and will reply upon my return.",
            // German
            "Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 14.03. nicht im Büro. In dringenden Fällen "
                    + "wenden Sie sich bitte an kollegin@example.de.",
            "Sehr geehrte Damen und Herren,\n\nich bin bis zum 21. April abwesend und habe keinen Zugriff auf "
                    + "meine E-Mails. Ihre Nachricht wird nicht weitergeleitet.",
            "Guten Tag,\nvom 1. bis 5. Mai bin ich im Urlaub. Ich melde mich nach meiner Rückkehr.",
            // French
            "Bonjour,\n\nJe suis absente du bureau jusqu'au 12 mars. Je répondrai à votre message dès mon retour.",
            "Je suis actuellement en congés. Pour toute urgence, merci de contacter le standard.",
            // Dutch
            "Ik ben afwezig tot en met 10 mei. Uw e-mail wordt niet doorgestuurd. Voor dringende zaken kunt u "
                    + "contact opnemen met de receptie.",
            "Beste afzender,\nTot 3 juni ben ik met vakantie. Ik beantwoord uw bericht na mijn terugkomst.",
            // Spanish
            "Estoy fuera de la oficina hasta el 15 de marzo. Responderé a su mensaje a mi regreso.",
            "Gracias por su mensaje. Me encuentro de vacaciones con acceso limitado al correo.",
            // Italian
            "Sono fuori ufficio fino al 20 aprile. Risponderò al mio rientro. Per urgenze contattare il centralino.",
            // Swedish
            "Hej! Jag är ledig till och med 14 augusti och har begränsad tillgång till e-post.",
            "Tack för ditt mejl. Jag är tjänstledig. Vid brådskande ärenden, kontakta växeln.",
            "Jag är på semester vecka 29–32 och svarar när jag är tillbaka.",
            // Japanese
            "ただいま不在にしております。3月10日に戻ります。戻り次第ご連絡いたします。",
            "お世話になっております。\n誠に勝手ながら、5月6日まで休暇をいただいております。お急ぎの場合は代表までご連絡ください。"})
    void outOfOfficeOpeningsWithAnAutoReplyPhraseAreRecognised(String text) throws Exception {
        assertThat(noiseOfText(text)).isEqualTo(Noise.autoReply("out-of-office text"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "I was out of the office when the parcel came, where is it?",
            "I am out of the office until Monday.",
            "I'm on holiday until 5 May, please deliver after that.",
            "I'm currently on holiday in Spain and my card does not work. Can you help? For urgent matters I am "
                    + "reachable by phone.",
            "I am on leave until 3 May with limited access to email. Can you send the invoice to my colleague?",
            "Our office manager is out of the office until Monday, when she returns she will sign the contract.",
            "Please do not ship while I am away. I will be back on 12 May.",
            "Ich war im Urlaub und das Paket ist nicht angekommen. In dringenden Fällen rufen Sie mich an.",
            "Ich bin bis Freitag nicht im Büro, bitte schicken Sie die Rechnung per Post.",
            "Je suis absente demain, pouvez-vous livrer le colis chez ma voisine ?",
            "Ik ben afwezig op 3 juni, kunt u het pakket bij de buren afgeven?",
            "Estaba fuera de la oficina cuando llegó el pedido. ¿Dónde está?",
            "Sono fuori ufficio fino al 20 aprile: potete spedire l'ordine dopo?",
            "Jag var ledig när paketet kom. Var finns det nu?",
            "3月10日まで不在にしておりますので、配送は11日以降にお願いします。",
            "不在票が届きました。再配達をお願いします。",
            // the absence statement only late in a long mail (e.g. a forwarded auto-reply below a question)
            "Hello, my order 1234 has not arrived and the tracking link shows nothing at all since last week. "
                    + "I already wrote to your colleague twice and called the hotline, which kept me waiting for "
                    + "forty minutes before the line dropped. Below is what I got back from the warehouse.\n\n"
                    + "I am out of the office until 12 March with limited access to email."})
    void customersWhoMentionBeingAwayAreNotNoise(String text) throws Exception {
        assertThat(noiseOfText(text)).isEqualTo(Noise.NONE);
    }

    @Test
    void aQuestionInTheFirstLinesKeepsAnOtherwiseMatchingTextATicket() throws Exception {
        String statement = "I am on leave until 3 May with limited access to email. ";

        assertThat(noiseOfText(statement + "My colleague Jane handles the invoice.").isNoise()).isTrue();
        assertThat(noiseOfText(statement + "Can my colleague Jane handle the invoice?")).isEqualTo(Noise.NONE);
    }

    @Test
    void theAbsenceMustOpenTheMailAndTheAutoReplyPhraseFollowSoon() throws Exception {
        String lines = "We ordered forty chairs for the new meeting rooms and only thirty arrived. ".repeat(4);

        assertThat(noiseOfText("I am out of the office until 12 March. " + lines + lines
                + "For urgent matters call Jane.")).as("phrase beyond the first 600 characters").isEqualTo(Noise.NONE);
        assertThat(noiseOfText(lines + "I am out of the office until 12 March. For urgent matters call Jane."))
                .as("absence beyond the first 250 characters").isEqualTo(Noise.NONE);
        assertThat(noiseOfText("I am out of the office until 12 March. " + lines + "For urgent matters call Jane.")
                .isNoise()).isTrue();
    }

    @Test
    void anHtmlOnlyOutOfOfficeIsRecognisedFromItsText() throws Exception {
        Noise noise = parser.parse(RawMail.of("""
                From: Jane Doe <jane@example.com>
                Subject: Re: Your order 1234
                Message-ID: <ooo-html@example.com>
                Content-Type: text/html; charset=UTF-8

                <html><body><p>Thank you for your message.</p><p>I am out of the office until 12 March.
                For urgent matters please contact <a href="mailto:desk@example.com">the desk</a>.</p></body></html>
                """)).noise();

        assertThat(noise).isEqualTo(Noise.autoReply("out-of-office text"));
    }

    @Test
    void theReasonNeverQuotesTheText() throws Exception {
        Noise noise = noiseOfText(
                "I am out of the office until 12 March. Urgent matters: call Jane Roe, +44 20 7946 0000.");

        assertThat(noise.reason()).doesNotContain("Jane").doesNotContain("March").doesNotContain("7946");
    }
}
