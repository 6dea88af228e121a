package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Real-client replies: only the new text reaches the ticket, the history stays available in fullText. */
class ReplyQuotingTest {

    private final MailParser parser = new MailParser(10 * 1024 * 1024);

    static final String GMAIL_REPLY = """
            Delivered-To: support@acme.example
            Return-Path: <jane.doe@gmail.com>
            MIME-Version: 1.0
            References: <ticket-42@acme.example>
            In-Reply-To: <ticket-42@acme.example>
            From: Jane Doe <Jane.Doe@Gmail.com>
            Date: Tue, 4 Mar 2025 09:15:02 +0100
            Message-ID: <CAJ9xR=reply1@mail.gmail.com>
            Subject: Re: [#42] Printer not working
            To: Acme Support <support@acme.example>
            Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5"

            --000000000000a1b2c3d4e5
            Content-Type: text/plain; charset="UTF-8"
            Content-Transfer-Encoding: quoted-printable

            Hi,

            the printer still shows error E-17 after the reset. I tried it twice.

            Thanks,
            Jane

            On Mon, 3 Mar 2025 at 10:00, Acme Support <support@acme.example>
            wrote:

            > Hello Jane,
            >
            > please reset the printer and tell us if the error persists.
            >
            > Best regards, Acme Support
            >

            --000000000000a1b2c3d4e5
            Content-Type: text/html; charset="UTF-8"
            Content-Transfer-Encoding: quoted-printable

            <div dir=3D"ltr"><div>Hi,</div><div><br></div><div>the printer still shows =
            error E-17 after the reset. I tried it twice.</div><div><br></div><div>Than=
            ks,</div><div>Jane</div></div><br><div class=3D"gmail_quote gmail_quote_con=
            tainer"><div dir=3D"ltr" class=3D"gmail_attr">On Mon, 3 Mar 2025 at 10:00, =
            Acme Support &lt;<a href=3D"mailto:support@acme.example">support@acme.examp=
            le</a>&gt; wrote:<br></div><blockquote class=3D"gmail_quote" style=3D"margi=
            n:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex=
            ">Hello Jane,<br><br>please reset the printer and tell us if the error pers=
            ists.<br><br>Best regards, Acme Support</blockquote></div>

            --000000000000a1b2c3d4e5--
            """;

    @Test
    void gmailReplyKeepsOnlyTheNewTextAndDropsTheWrappedAttributionWithTheQuote() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of(GMAIL_REPLY));

        assertThat(mail.text()).isEqualTo("""
                Hi,

                the printer still shows error E-17 after the reset. I tried it twice.

                Thanks,
                Jane""");
        assertThat(mail.fullText())
                .startsWith("Hi,")
                .contains("On Mon, 3 Mar 2025 at 10:00, Acme Support <support@acme.example>\nwrote:")
                .contains("> please reset the printer and tell us if the error persists.");
    }

    @Test
    void gmailReplyHtmlLosesTheGmailQuoteButKeepsTheNewText() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of(GMAIL_REPLY));

        assertThat(mail.html())
                .contains("the printer still shows error E-17 after the reset.")
                .contains("Jane")
                .doesNotContain("please reset the printer")
                .doesNotContain("wrote:")
                .doesNotContain("gmail_quote")
                .doesNotContain("style=");
    }

    @Test
    void gmailReplyHeadersAreReadForThreading() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of(GMAIL_REPLY));

        assertThat(mail.messageId()).isEqualTo("CAJ9xR=reply1@mail.gmail.com");
        assertThat(mail.inReplyTo()).containsExactly("ticket-42@acme.example");
        assertThat(mail.references()).containsExactly("ticket-42@acme.example");
        assertThat(mail.fromAddress()).isEqualTo("jane.doe@gmail.com");
        assertThat(mail.fromName()).isEqualTo("Jane Doe");
        assertThat(mail.subject()).isEqualTo("Re: [#42] Printer not working");
        assertThat(mail.sentAt()).isEqualTo(Instant.parse("2025-03-04T08:15:02Z"));
        assertThat(mail.attachments()).isEmpty();
        assertThat(mail.noise()).isEqualTo(Noise.NONE);
        assertThat(mail.sentByHub()).isFalse();
    }

    /** Outlook on Windows: windows-1252 with the euro sign at 0x80, German reply header, X-Auto-Response-Suppress. */
    static final String OUTLOOK_REPLY = """
            From: =?iso-8859-1?Q?J=FCrgen_M=FCller?= <J.Mueller@Firma.de>
            To: "support@acme.example" <support@acme.example>
            Subject: AW: [#42] Drucker defekt
            Thread-Topic: [#42] Drucker defekt
            Thread-Index: AQHZk2Ugx7d1V0yQ0kKZ3mAAAA==
            Date: Wed, 5 Mar 2025 08:01:00 +0000
            Message-ID: <AM0PR07MB1234ABCD@AM0PR07MB1234.eurprd07.prod.outlook.com>
            References: <ticket-42@acme.example>
            In-Reply-To: <ticket-42@acme.example>
            Accept-Language: de-DE, en-US
            Content-Language: de-DE
            X-MS-Has-Attach:
            X-Auto-Response-Suppress: All
            Content-Type: multipart/alternative;
            \tboundary="_000_AM0PR07MB1234ABCD_"
            MIME-Version: 1.0

            --_000_AM0PR07MB1234ABCD_
            Content-Type: text/plain; charset="Windows-1252"
            Content-Transfer-Encoding: quoted-printable

            Hallo,

            der Drucker zeigt weiterhin den Fehler. Die =80 100 sind bezahlt.

            Viele Gr=FC=DFe
            J=FCrgen M=FCller

            ________________________________
            Von: Acme Support <support@acme.example>
            Gesendet: Dienstag, 4. M=E4rz 2025 10:00
            An: J=FCrgen M=FCller <j.mueller@firma.de>
            Betreff: [#42] Drucker defekt

            Bitte setzen Sie den Drucker zur=FCck.

            --_000_AM0PR07MB1234ABCD_
            Content-Type: text/html; charset="Windows-1252"
            Content-Transfer-Encoding: quoted-printable

            <html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=
            =3DWindows-1252"><style type=3D"text/css" style=3D"display:none;"> P {margin-=
            top:0;margin-bottom:0;} </style></head><body dir=3D"ltr"><div style=3D"font=
            -family: Calibri; font-size: 12pt;">Hallo,</div><div>der Drucker zeigt weit=
            erhin den Fehler. Die =80 100 sind bezahlt.</div><div>Viele Gr=FC=DFe<br>J=
            =FCrgen M=FCller</div><div id=3D"appendonsend"></div><hr style=3D"display:inl=
            ine-block;width:98%" tabindex=3D"-1"><div id=3D"divRplyFwdMsg" dir=3D"ltr"><=
            font face=3D"Calibri, sans-serif" style=3D"font-size:11pt" color=3D"#000000">=
            <b>Von:</b> Acme Support &lt;support@acme.example&gt;<br><b>Gesendet:</b> D=
            ienstag, 4. M=E4rz 2025 10:00<br><b>Betreff:</b> [#42] Drucker defekt</font>=
            <div>&nbsp;</div></div><div>Bitte setzen Sie den Drucker zur=FCck.</div></bod=
            y></html>

            --_000_AM0PR07MB1234ABCD_--
            """;

    @Test
    void outlookReplyKeepsOnlyTheNewTextButFullTextKeepsHistory() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of(OUTLOOK_REPLY));

        assertThat(mail.text()).isEqualTo("""
                Hallo,

                der Drucker zeigt weiterhin den Fehler. Die € 100 sind bezahlt.

                Viele Grüße
                Jürgen Müller""");
        assertThat(mail.fullText())
                .contains("________________________________\nVon: Acme Support <support@acme.example>")
                .contains("Gesendet: Dienstag, 4. März 2025 10:00")
                .endsWith("Bitte setzen Sie den Drucker zurück.");
    }

    @Test
    void outlookReplyHtmlIsCutAtAppendOnSendAndDecodedAsWindows1252() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of(OUTLOOK_REPLY));

        assertThat(mail.html())
                .contains("Die € 100 sind bezahlt.")
                .contains("Jürgen Müller")
                .doesNotContain("divRplyFwdMsg")
                .doesNotContain("Gesendet")
                .doesNotContain("zurück")
                .doesNotContain("<hr")
                .doesNotContain("margin-top");
    }

    @Test
    void outlookSenderNameIsDecodedAndAddressLowerCased() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of(OUTLOOK_REPLY));

        assertThat(mail.fromName()).isEqualTo("Jürgen Müller");
        assertThat(mail.fromAddress()).isEqualTo("j.mueller@firma.de");
        assertThat(mail.noise()).as("X-Auto-Response-Suppress is set by people, not robots").isEqualTo(Noise.NONE);
    }

    /** Outlook desktop, plain text only, ISO-8859-1, French client. */
    @Test
    void frenchOutlookPlainTextReplyIsCutAtTheDeEnvoyeBlock() throws Exception {
        byte[] raw = RawMail.start().in("""
                From: Claire Dubois <claire@exemple.fr>
                To: support@acme.example
                Subject: RE: Commande 1234
                Date: Thu, 6 Mar 2025 11:12:13 +0100
                Message-ID: <000001db8e2a$1a2b3c4d$4e5f6a7b@exemple.fr>
                MIME-Version: 1.0
                Content-Type: text/plain; charset="iso-8859-1"
                Content-Transfer-Encoding: 8bit

                Bonjour,

                Le colis est arrivé, mais il manque la tasse bleue.

                Cordialement,
                Claire

                De : Acme Support <support@acme.example>
                Envoyé : mercredi 5 mars 2025 17:00
                À : Claire Dubois <claire@exemple.fr>
                Objet : Commande 1234

                Votre commande a été expédiée.
                """, java.nio.charset.StandardCharsets.ISO_8859_1).bytes();

        ParsedMail mail = parser.parse(raw);

        assertThat(mail.text()).isEqualTo("""
                Bonjour,

                Le colis est arrivé, mais il manque la tasse bleue.

                Cordialement,
                Claire""");
        assertThat(mail.fullText()).contains("Votre commande a été expédiée.");
        assertThat(mail.html()).isNull();
    }

    @Test
    void originalMessageSeparatorEndsTheNewText() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: bob@example.com
                Subject: RE: Invoice
                Message-ID: <om-1@example.com>
                Content-Type: text/plain; charset=us-ascii

                Paid yesterday, see the transfer reference 99-123.

                -----Original Message-----
                From: Acme Billing [mailto:billing@acme.example]
                Sent: Monday, March 3, 2025 9:00 AM
                Subject: Invoice

                Please pay invoice 555.
                """));

        assertThat(mail.text()).isEqualTo("Paid yesterday, see the transfer reference 99-123.");
        assertThat(mail.fullText()).endsWith("Please pay invoice 555.");
    }

    static final String APPLE_MAIL_REPLY = """
            From: Sam Lee <sam.lee@icloud.com>
            Content-Type: multipart/alternative;
            \tboundary="Apple-Mail=_5F1E2A3B-1111-2222-3333-444455556666"
            Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))
            Subject: Re: Order 1234 missing item
            Date: Mon, 3 Mar 2025 18:22:10 +0000
            In-Reply-To: <ticket-77@acme.example>
            To: support@acme.example
            References: <ticket-70@acme.example>
             <ticket-77@acme.example>
            Message-Id: <8C1B0F6E-ABCD-4E2F-9F00-1234567890AB@icloud.com>
            X-Mailer: Apple Mail (2.3774.600.62)


            --Apple-Mail=_5F1E2A3B-1111-2222-3333-444455556666
            Content-Transfer-Encoding: quoted-printable
            Content-Type: text/plain;
            \tcharset=utf-8

            The blue mug is still missing =F0=9F=98=9E
            Order 1234 arrived yesterday.

            Sent from my iPhone

            On 3 Mar 2025, at 10:00, Acme Support <support@acme.example> wrote:
            =20
            > Hi Sam, we shipped everything.

            --Apple-Mail=_5F1E2A3B-1111-2222-3333-444455556666
            Content-Transfer-Encoding: quoted-printable
            Content-Type: text/html;
            \tcharset=utf-8

            <html><head><meta http-equiv=3D"content-type" content=3D"text/html; charset=
            =3Dutf-8"></head><body style=3D"overflow-wrap: break-word;"><div>The blue m=
            ug is still missing =F0=9F=98=9E<br>Order 1234 arrived yesterday.</div><div=
            ><br></div><div>Sent from my iPhone</div><div><br><blockquote type=3D"cite"=
            ><div>On 3 Mar 2025, at 10:00, Acme Support &lt;support@acme.example&gt; wr=
            ote:</div><br class=3D"Apple-interchange-newline"><div><div>Hi Sam, we ship=
            ped everything.</div></div></blockquote></div><br></body></html>
            --Apple-Mail=_5F1E2A3B-1111-2222-3333-444455556666--
            """;

    @Test
    void appleMailReplyDropsAttributionQuoteAndMobileFooter() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of(APPLE_MAIL_REPLY));

        assertThat(mail.text()).isEqualTo("The blue mug is still missing 😞\nOrder 1234 arrived yesterday.");
        assertThat(mail.fullText()).contains("Sent from my iPhone").contains("> Hi Sam, we shipped everything.");
        assertThat(mail.html())
                .contains("The blue mug is still missing 😞")
                .doesNotContain("blockquote")
                .doesNotContain("we shipped everything");
        assertThat(mail.references()).containsExactly("ticket-70@acme.example", "ticket-77@acme.example");
        assertThat(mail.messageId()).isEqualTo("8C1B0F6E-ABCD-4E2F-9F00-1234567890AB@icloud.com");
    }

    @Test
    void htmlOnlyAppleReplyStripsTheAttributionThatSitsOutsideTheBlockquote() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Sam Lee <sam.lee@icloud.com>
                Subject: Re: Order 1234
                Message-Id: <apple-html-only@icloud.com>
                Content-Type: text/html; charset=utf-8

                <html><body><div dir="ltr">Thanks, that fixed it!</div><div dir="ltr"><br>\
                <div>On 3 Mar 2025, at 10:00, Acme Support &lt;support@acme.example&gt; wrote:</div><br>\
                <blockquote type="cite"><div dir="ltr">Please restart the app.</div></blockquote></div></body></html>
                """));

        assertThat(mail.text()).isEqualTo("Thanks, that fixed it!");
        assertThat(mail.html()).contains("Thanks, that fixed it!").doesNotContain("wrote:")
                .doesNotContain("restart");
        assertThat(mail.fullText()).contains("> Please restart the app.");
    }

    @Test
    void signatureAfterTheDashDashDelimiterIsRemovedFromText() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Kim <kim@example.org>
                Subject: Login fails
                Message-ID: <sig-1@example.org>
                Content-Type: text/plain; charset=utf-8

                I cannot log in since this morning.
                Error: "token expired".

                --\s
                Kim Park | Head of IT | Example Org
                +1 555 0100
                """));

        assertThat(mail.text()).isEqualTo("I cannot log in since this morning.\nError: \"token expired\".");
        assertThat(mail.fullText()).endsWith("+1 555 0100");
    }

    @Test
    void getOutlookForAndroidFooterIsRemoved() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Ana <ana@example.com>
                Subject: Re: Delivery
                Message-ID: <gofa@example.com>
                Content-Type: text/plain; charset=utf-8

                Tuesday works for me.

                Get Outlook for Android<https://aka.ms/AAb9ysg>
                """));

        assertThat(mail.text()).isEqualTo("Tuesday works for me.");
    }

    @Test
    void trailingQuotedLinesWithoutAttributionAreHistory() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Ana <ana@example.com>
                Subject: Re: Delivery
                Message-ID: <trailing-quote@example.com>
                Content-Type: text/plain; charset=utf-8

                > Which day suits you?
                Tuesday.

                > Morning or afternoon?
                Afternoon, please.

                > Thanks,
                > Acme
                """));

        assertThat(mail.text()).as("interleaved answers stay, only the trailing quote goes").isEqualTo("""
                > Which day suits you?
                Tuesday.

                > Morning or afternoon?
                Afternoon, please.""");
    }

    @Test
    void mailThatIsOnlyQuoteAndFooterKeepsTheFullTextInsteadOfNothing() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Ana <ana@example.com>
                Subject: Fwd: Delivery
                Message-ID: <only-quote@example.com>
                Content-Type: text/plain; charset=utf-8

                Sent from my iPhone

                On Mon, 3 Mar 2025 at 10:00, Acme <support@acme.example> wrote:
                > Your parcel is on its way.
                """));

        assertThat(mail.text()).isEqualTo(mail.fullText()).contains("Your parcel is on its way.");
    }

    @Test
    void plainSentencesMentioningWroteAreNotMistakenForAttributions() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Ana <ana@example.com>
                Subject: Complaint
                Message-ID: <wrote-sentence@example.com>
                Content-Type: text/plain; charset=utf-8

                On Monday your colleague wrote: "we will call you back". Nobody called.
                From: my side, everything is set up.
                Please call me.
                """));

        assertThat(mail.text()).isEqualTo(mail.fullText()).endsWith("Please call me.");
    }

    @Test
    void formatFlowedParagraphsAreJoinedBeforeQuoteStripping() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Tom <tom@example.net>
                Subject: Re: Question
                Message-ID: <flowed@example.net>
                Content-Type: text/plain; charset=utf-8; format=flowed

                This is a long paragraph that Thunderbird wrapped at seventy-two\s
                characters with a trailing space to mark the soft break.

                On 03.03.2025 10:00, Acme Support wrote:
                > Old text that was\s
                > also flowed.
                """));

        assertThat(mail.text()).isEqualTo("This is a long paragraph that Thunderbird wrapped at seventy-two "
                + "characters with a trailing space to mark the soft break.");
        assertThat(mail.fullText()).contains("> Old text that was also flowed.");
    }
}
