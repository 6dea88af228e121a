package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Headers and bodies in whatever encoding senders use, including the wrong one. */
class CharsetsAndEncodingsTest {

    private static final Charset SHIFT_JIS = Charset.forName("Shift_JIS");

    private final MailParser parser = new MailParser(1024 * 1024);

    private ParsedMail parseWithHeaders(String headers, String body) throws Exception {
        return parser.parse(RawMail.of(headers + "Message-ID: <enc@example.com>\nFrom: a@example.com\n\n" + body));
    }

    @Test
    void iso88591BodyWithUmlautsIsDecoded() throws Exception {
        byte[] raw = RawMail.start().in("""
                From: Jörg <joerg@example.de>
                Subject: Umlaute
                Message-ID: <latin1@example.de>
                Content-Type: text/plain; charset=ISO-8859-1
                Content-Transfer-Encoding: 8bit

                Schöne Grüße aus Köln, Straße 5, 20 °C.
                """, StandardCharsets.ISO_8859_1).bytes();

        ParsedMail mail = parser.parse(raw);

        assertThat(mail.text()).isEqualTo("Schöne Grüße aus Köln, Straße 5, 20 °C.");
        assertThat(mail.fromName()).as("raw 8-bit Latin-1 header").isEqualTo("Jörg");
    }

    @Test
    void utf8Base64BodyWithEmojiIsDecoded() throws Exception {
        String text = "Danke! 👍 Größe XL passt. 日本語もOK 🇩🇪";
        ParsedMail mail = parser.parse(RawMail.start().utf8("""
                From: a@example.com
                Subject: emoji
                Message-ID: <utf8@example.com>
                Content-Type: text/plain; charset=utf-8
                Content-Transfer-Encoding: base64

                """).base64(text.getBytes(StandardCharsets.UTF_8)).bytes());

        assertThat(mail.text()).isEqualTo(text);
    }

    @Test
    void shiftJisBodyIsDecoded() throws Exception {
        byte[] raw = RawMail.start().utf8("""
                From: =?ISO-2022-JP?B?GyRCRURDZhsoQg==?= <tanaka@example.jp>
                Subject: =?Shift_JIS?B?gqiW4oKijYeC7YK5?=
                Message-ID: <sjis@example.jp>
                Content-Type: text/plain; charset=Shift_JIS
                Content-Transfer-Encoding: 8bit

                """).in("お世話になっております。注文番号は1234です。\n", SHIFT_JIS).bytes();

        ParsedMail mail = parser.parse(raw);

        assertThat(mail.text()).isEqualTo("お世話になっております。注文番号は1234です。");
        assertThat(mail.subject()).isEqualTo("お問い合わせ");
        assertThat(mail.fromName()).as("ISO-2022-JP display name").isEqualTo("田中");
    }

    @Test
    void shiftJisSubjectSplitInsideACharacterAcrossTwoEncodedWordsIsJoinedAtByteLevel() throws Exception {
        byte[] sjis = "お問い合わせの件".getBytes(SHIFT_JIS);
        int split = 3; // inside the second two-byte character
        String first = Base64.getEncoder().encodeToString(Arrays.copyOfRange(sjis, 0, split));
        String second = Base64.getEncoder().encodeToString(Arrays.copyOfRange(sjis, split, sjis.length));

        ParsedMail mail = parseWithHeaders(
                "Subject: =?Shift_JIS?B?" + first + "?=\n =?shift_jis?B?" + second + "?=\n", "x");

        assertThat(mail.subject()).isEqualTo("お問い合わせの件");
    }

    @Test
    void utf8SubjectSplitOverTwoQEncodedWordsIsDecodedWithoutReplacementCharacters() throws Exception {
        ParsedMail mail = parseWithHeaders("Subject: =?UTF-8?Q?Gr=C3?=\n =?UTF-8?Q?=BC=C3=9Fe_aus_K=C3=B6ln?=\n", "x");

        assertThat(mail.subject()).isEqualTo("Grüße aus Köln");
    }

    @Test
    void mixedEncodedAndPlainSubjectKeepsSpacesOutsideEncodedWords() throws Exception {
        ParsedMail mail = parseWithHeaders(
                "Subject: Re: =?ISO-8859-1?Q?Best=E4tigung?= Ihrer =?utf-8?B?QmVzdGVsbHVuZyDinJQ=?= [#7]\n", "x");

        assertThat(mail.subject()).isEqualTo("Re: Bestätigung Ihrer Bestellung ✔ [#7]");
    }

    @Test
    void encodedWordWithoutSurroundingWhitespaceIsStillDecoded() throws Exception {
        ParsedMail mail = parseWithHeaders("Subject: Order=?UTF-8?Q?_=E2=84=96?=42\n", "x");

        assertThat(mail.subject()).isEqualTo("Order №42");
    }

    @Test
    void rawUtf8HeadersAreReadAsUtf8() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: "Müller, Zoë" <zoe@example.ch>
                Subject: Frage zur Lieferung – dringend ✉
                Message-ID: <raw8@example.ch>
                Content-Type: text/plain; charset=utf-8

                Hallo
                """));

        assertThat(mail.subject()).isEqualTo("Frage zur Lieferung – dringend ✉");
        assertThat(mail.fromName()).isEqualTo("Müller, Zoë");
        assertThat(mail.fromAddress()).isEqualTo("zoe@example.ch");
    }

    @Test
    void bogusBodyCharsetFallsBackToUtf8WhenTheBytesAreUtf8() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: a@example.com
                Subject: bogus
                Message-ID: <bogus-utf8@example.com>
                Content-Type: text/plain; charset="x-unknown-charset-42"

                Crème brûlée für 5 €
                """));

        assertThat(mail.text()).isEqualTo("Crème brûlée für 5 €");
    }

    @Test
    void bogusBodyCharsetFallsBackToWindows1252WhenTheBytesAreNotUtf8() throws Exception {
        byte[] raw = RawMail.start().in("""
                From: a@example.com
                Subject: bogus
                Message-ID: <bogus-1252@example.com>
                Content-Type: text/plain; charset=bogus

                Crème brûlée für 5 € – „bitte“
                """, Charsets.WINDOWS_1252).bytes();

        assertThat(parser.parse(raw).text()).isEqualTo("Crème brûlée für 5 € – „bitte“");
    }

    @Test
    void bogusCharsetInAnEncodedWordDoesNotBreakTheSubject() throws Exception {
        ParsedMail mail = parseWithHeaders("Subject: =?x-klingon?Q?Caf=C3=A9?= =?utf-8?Q?_ok?=\n", "x");

        assertThat(mail.subject()).isEqualTo("Café ok");
    }

    @Test
    void latin1LabelledUtf8BodyIsRecognisedAsUtf8() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: a@example.com
                Subject: mislabelled
                Message-ID: <mislabel@example.com>
                Content-Type: text/plain; charset=iso-8859-1

                Déjà vu – the label says Latin-1.
                """));

        assertThat(mail.text()).isEqualTo("Déjà vu – the label says Latin-1.");
    }

    @Test
    void unknownTransferEncodingIsReadAsIs() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: a@example.com
                Subject: odd encoding
                Message-ID: <odd-cte@example.com>
                Content-Type: text/plain; charset=utf-8
                Content-Transfer-Encoding: 8-bit

                Naïve but readable.
                """));

        assertThat(mail.text()).isEqualTo("Naïve but readable.");
    }

    @Test
    void htmlWithoutCharsetParameterUsesItsMetaCharset() throws Exception {
        byte[] raw = RawMail.start().utf8("""
                From: a@example.com
                Subject: meta
                Message-ID: <meta@example.com>
                Content-Type: text/html

                """).in("<html><head><meta charset=\"windows-1252\"></head><body><p>Preis: 5 €</p></body></html>\n",
                Charsets.WINDOWS_1252).bytes();

        ParsedMail mail = parser.parse(raw);

        assertThat(mail.text()).isEqualTo("Preis: 5 €");
        assertThat(mail.html()).isEqualTo("<p>Preis: 5 €</p>");
    }

    @Test
    void missingCharsetWithEightBitLatin1BytesIsNotTurnedIntoReplacementCharacters() throws Exception {
        byte[] raw = RawMail.start().in("""
                From: a@example.com
                Subject: unlabelled
                Message-ID: <nolabel@example.com>

                Grüße
                """, StandardCharsets.ISO_8859_1).bytes();

        assertThat(parser.parse(raw).text()).isEqualTo("Grüße");
    }
}
