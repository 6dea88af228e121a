package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Mails with no text/plain part: the text is produced from the HTML and must stay readable. */
class HtmlOnlyMailTest {

    private final MailParser parser = new MailParser(1024);

    @Test
    void htmlOnlyMailGetsReadableTextWithParagraphsListsAndLinks() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Shop <orders@shop.example>
                Subject: Your return
                Message-ID: <html-only@shop.example>
                MIME-Version: 1.0
                Content-Type: text/html; charset=utf-8
                Content-Transfer-Encoding: quoted-printable

                <html><body><h1>Return&nbsp;request</h1><p>Hello,<br>we received your return:</p>
                <ul><li>Blue mug</li><li>Red   plate</li></ul>
                <ol><li>Pack it</li><li>Ship it</li></ol>
                <p>Print the <a href=3D"https://shop.example/label/9">shipping label</a> or visit =
                <a href=3D"https://shop.example">https://shop.example</a>.</p>
                <table><tr><td>Total</td><td>12,50 =E2=82=AC</td></tr></table>
                </body></html>
                """));

        assertThat(mail.fullText()).isEqualTo("""
                Return request

                Hello,
                we received your return:

                - Blue mug
                - Red plate

                1. Pack it
                2. Ship it

                Print the shipping label (https://shop.example/label/9) or visit https://shop.example.

                Total 12,50 €""");
        assertThat(mail.text()).isEqualTo(mail.fullText());
        assertThat(mail.html()).startsWith("<h1>Return").contains("<li>Blue mug</li>")
                .contains("<a href=\"https://shop.example/label/9\" rel=\"noopener noreferrer nofollow\">");
    }

    @Test
    void htmlOnlyGmailReplyDropsTheQuoteFromTextAndHtml() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: jane@example.com
                Subject: Re: hi
                Message-ID: <html-gmail@example.com>
                Content-Type: text/html; charset=utf-8

                <div dir="ltr">New answer here.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">\
                On Mon, 3 Mar 2025 at 10:00, Acme &lt;support@acme.example&gt; wrote:<br></div>\
                <blockquote class="gmail_quote">Old question.</blockquote></div>
                """));

        assertThat(mail.text()).isEqualTo("New answer here.");
        assertThat(mail.fullText()).contains("wrote:").contains("> Old question.");
        assertThat(mail.html()).isEqualTo("<div dir=\"ltr\">New answer here.</div>");
    }

    @Test
    void htmlThatIsOnlyAQuoteKeepsEverythingRatherThanNothing() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: jane@example.com
                Subject: Fwd: hi
                Message-ID: <html-only-quote@example.com>
                Content-Type: text/html; charset=utf-8

                <blockquote type="cite">The whole mail is a quote.</blockquote>
                """));

        assertThat(mail.text()).isEqualTo("> The whole mail is a quote.");
        assertThat(mail.html()).isEqualTo("<blockquote>The whole mail is a quote.</blockquote>");
    }

    @Test
    void outlookDesktopReplyWithoutIdsIsCutAtTheBorderedHeaderBlock() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Pat <pat@corp.example>
                Subject: RE: Licence
                Message-ID: <desktop@corp.example>
                Content-Type: text/html; charset=utf-8

                <html><body><div class="WordSection1"><p class="MsoNormal">Licence key received, thanks.</p>\
                <p class="MsoNormal">&nbsp;</p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt;\
                padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>From:</b> Acme &lt;support@acme.example&gt;<br>\
                <b>Sent:</b> Monday, March 3, 2025 10:00 AM<br><b>Subject:</b> Licence</p></div></div>\
                <p class="MsoNormal">Here is your key: ABCD-1234.</p></div></body></html>
                """));

        assertThat(mail.text()).isEqualTo("Licence key received, thanks.");
        assertThat(mail.html()).contains("Licence key received").doesNotContain("ABCD-1234").doesNotContain("Sent:");
        assertThat(mail.fullText()).contains("Here is your key: ABCD-1234.");
    }

    @Test
    void emptyPlainAlternativeDoesNotHideTheHtmlContent() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: newsletter-tool@example.com
                Subject: Question
                Message-ID: <empty-plain@example.com>
                Content-Type: multipart/alternative; boundary=e

                --e
                Content-Type: text/plain; charset=utf-8

                \s
                --e
                Content-Type: text/html; charset=utf-8

                <p>Where is my <b>refund</b>?</p>
                --e--
                """));

        assertThat(mail.text()).isEqualTo("Where is my refund?");
        assertThat(mail.fullText()).isEqualTo("Where is my refund?");
        assertThat(mail.html()).isEqualTo("<p>Where is my <b>refund</b>?</p>");
    }
}
