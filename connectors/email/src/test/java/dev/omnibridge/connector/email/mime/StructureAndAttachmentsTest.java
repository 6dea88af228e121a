package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Walking real MIME trees: which part is body, which is attachment, and what the attachments are called. */
class StructureAndAttachmentsTest {

    private static final byte[] SCREENSHOT = RawMail.png(1500);
    private static final byte[] PDF = "%PDF-1.7\n% invoice\n".getBytes(StandardCharsets.US_ASCII);

    private final MailParser parser = new MailParser(1024 * 1024);

    /** Gmail: mixed > related > alternative, an inline screenshot referenced by cid, and two files. */
    private static byte[] nestedGmailMail() {
        return RawMail.start().utf8("""
                From: Anna Schmidt <anna@example.de>
                To: support@acme.example
                Subject: Screenshot of the error
                Date: Thu, 6 Mar 2025 14:30:00 +0100
                Message-ID: <CAnested1@mail.gmail.com>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="000000000000mixed"

                --000000000000mixed
                Content-Type: multipart/related; boundary="000000000000related"; type="multipart/alternative"

                --000000000000related
                Content-Type: multipart/alternative; boundary="000000000000alt"

                --000000000000alt
                Content-Type: text/plain; charset="UTF-8"

                See the screenshot below.

                [image: screenshot.png]

                Anna

                --000000000000alt
                Content-Type: text/html; charset="UTF-8"

                <div dir="ltr"><div>See the screenshot below.</div><div><img src="cid:ii_m7x1abc0" alt="screenshot.png" \
                width="300"><br></div><div>Anna</div></div>

                --000000000000alt--

                --000000000000related
                Content-Type: image/png; name="screenshot.png"
                Content-Disposition: inline; filename="screenshot.png"
                Content-Transfer-Encoding: base64
                Content-ID: <ii_m7x1abc0>
                X-Attachment-Id: ii_m7x1abc0

                """).base64(SCREENSHOT).utf8("""
                --000000000000related--

                --000000000000mixed
                Content-Type: application/pdf; name="Rechnung =?UTF-8?Q?M=C3=A4rz?=.pdf"
                Content-Disposition: attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf
                Content-Transfer-Encoding: base64

                """).base64(PDF).utf8("""
                --000000000000mixed
                Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;
                \tname="=?UTF-8?B?w5xiZXJzaWNodCAyMDI1Lnhsc3g=?="
                Content-Disposition: attachment;
                \tfilename="=?UTF-8?B?w5xiZXJzaWNodCAyMDI1Lnhsc3g=?="
                Content-Transfer-Encoding: base64

                UEsDBBQAAAAIAA==
                --000000000000mixed--
                """).bytes();
    }

    @Test
    void nestedMixedRelatedAlternativeChoosesPlainTextAndKeepsHtmlWithCidImage() throws Exception {
        ParsedMail mail = parser.parse(nestedGmailMail());

        assertThat(mail.text()).isEqualTo("See the screenshot below.\n\n[image: screenshot.png]\n\nAnna");
        assertThat(mail.html()).contains("<img src=\"cid:ii_m7x1abc0\"").contains("See the screenshot below.");
    }

    @Test
    void inlineImageIsMarkedInlineWithItsContentIdAndFilesFollowInMimeOrder() throws Exception {
        ParsedMail mail = parser.parse(nestedGmailMail());

        assertThat(mail.attachments())
                .extracting(MailPart::fileName, MailPart::mediaType, MailPart::contentId, MailPart::inline)
                .containsExactly(
                        tuple("screenshot.png", "image/png", "ii_m7x1abc0", true),
                        tuple("Rechnung März.pdf", "application/pdf", null, false),
                        tuple("Übersicht 2025.xlsx",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", null, false));
        assertThat(mail.attachments().get(0).data()).isEqualTo(SCREENSHOT);
        assertThat(mail.attachments().get(1).data()).isEqualTo(PDF);
        assertThat(mail.attachments().get(2).data()).isEqualTo(Base64.getDecoder().decode("UEsDBBQAAAAIAA=="));
        assertThat(mail.notes()).isEmpty();
    }

    @Test
    void rfc2231ContinuationsWithCharsetAreJoinedAndDecoded() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Kenji <kenji@example.jp>
                Subject: files
                Message-ID: <rfc2231@example.jp>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary=b1

                --b1
                Content-Type: text/plain; charset=utf-8

                Attached.
                --b1
                Content-Type: application/pdf
                Content-Disposition: attachment;
                 filename*0*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8;
                 filename*1*=%5F2025;
                 filename*2=".pdf"

                %PDF-1.4
                --b1
                Content-Type: application/octet-stream
                Content-Disposition: attachment; filename*=x-made-up''na%EFve%20plan.txt

                plan
                --b1--
                """));

        assertThat(mail.attachments()).extracting(MailPart::fileName)
                .containsExactly("請求書_2025.pdf", "naïve plan.txt");
        assertThat(mail.text()).isEqualTo("Attached.");
    }

    @Test
    void hostileFileNamesAreSanitizedWhateverTheEncoding() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: mallory@evil.example
                Subject: documents
                Message-ID: <hostile-names@evil.example>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="==evil=="

                --==evil==
                Content-Type: text/plain

                Please open the attachments.
                --==evil==
                Content-Type: text/plain; name="passwd"
                Content-Disposition: attachment; filename="../../etc/passwd"

                root:x:0:0:root:/root:/bin/bash
                --==evil==
                Content-Type: application/octet-stream
                Content-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe

                MZ
                --==evil==
                Content-Type: text/plain
                Content-Disposition: attachment; filename="C:\\x\\y.txt"

                why
                --==evil==
                Content-Type: application/octet-stream; name="=?UTF-8?Q?=2E=2E=2Fcon.txt?="
                Content-Disposition: attachment

                dev
                --==evil==
                Content-Type: image/png
                Content-Disposition: attachment; filename="\u200B\u200F"

                x
                --==evil==--
                """));

        assertThat(mail.attachments()).extracting(MailPart::fileName)
                .containsExactly("passwd", "invoicefdp.exe", "y.txt", "_con.txt", "attachment.png");
        assertThat(mail.attachments().get(0).mediaType())
                .as("a text part with disposition attachment is a file, not body").isEqualTo("text/plain");
        assertThat(mail.text()).isEqualTo("Please open the attachments.");
    }

    @Test
    void oversizeAttachmentIsOmittedWithANoteAndSmallOnesAreKept() throws Exception {
        byte[] big = new byte[5 * 1024 * 1024];
        byte[] small = RawMail.png(200);
        byte[] raw = RawMail.start().utf8("""
                From: ops@example.com
                Subject: logs
                Message-ID: <big@example.com>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary=XyZ

                --XyZ
                Content-Type: text/plain; charset=utf-8

                Logs attached.
                --XyZ
                Content-Type: application/zip; name=big.zip
                Content-Disposition: attachment; filename=big.zip
                Content-Transfer-Encoding: base64

                """).base64(big).utf8("""
                --XyZ
                Content-Type: image/png; name=small.png
                Content-Transfer-Encoding: base64

                """).base64(small).utf8("--XyZ--\n").bytes();

        ParsedMail mail = new MailParser(10_000).parse(raw);

        assertThat(mail.notes()).containsExactly("attachment big.zip omitted: 5242880 bytes exceeds the 10000 byte limit");
        assertThat(mail.attachments()).singleElement().satisfies(p -> {
            assertThat(p.fileName()).isEqualTo("small.png");
            assertThat(p.data()).isEqualTo(small);
            assertThat(p.inline()).isFalse();
        });
        assertThat(mail.text()).isEqualTo("Logs attached.");
    }

    @Test
    void attachmentExactlyAtTheLimitIsKept() throws Exception {
        byte[] raw = RawMail.start().utf8("""
                From: ops@example.com
                Subject: limit
                Message-ID: <limit@example.com>
                Content-Type: multipart/mixed; boundary=L

                --L
                Content-Type: application/octet-stream; name=exact.bin
                Content-Transfer-Encoding: base64

                """).base64(new byte[100]).utf8("--L--\n").bytes();

        assertThat(new MailParser(100).parse(raw).attachments()).extracting(MailPart::size).containsExactly(100);
        assertThat(new MailParser(99).parse(raw).notes())
                .containsExactly("attachment exact.bin omitted: 100 bytes exceeds the 99 byte limit");
    }

    @Test
    void forwardedMessageBecomesAnEmlAttachmentAndIsNotMergedIntoTheBody() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Lisa <lisa@example.com>
                Subject: Fwd: complaint from our customer
                Message-ID: <fwd@example.com>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="fwd-boundary"

                --fwd-boundary
                Content-Type: text/plain; charset=utf-8

                See the forwarded mail, please handle.
                --fwd-boundary
                Content-Type: message/rfc822
                Content-Disposition: attachment

                From: Angry Customer <angry@example.org>
                Subject: Broken again
                Message-ID: <inner@example.org>
                Content-Type: text/plain; charset=utf-8

                It is broken again!
                --fwd-boundary--
                """));

        assertThat(mail.text()).isEqualTo("See the forwarded mail, please handle.");
        assertThat(mail.messageId()).isEqualTo("fwd@example.com");
        assertThat(mail.attachments()).singleElement().satisfies(p -> {
            assertThat(p.fileName()).isEqualTo("forwarded.eml");
            assertThat(p.mediaType()).isEqualTo("message/rfc822");
            assertThat(new String(p.data(), StandardCharsets.UTF_8))
                    .startsWith("From: Angry Customer <angry@example.org>\r\n")
                    .contains("It is broken again!");
        });
    }

    @Test
    void appleMailInlineTextPiecesAroundAnImageAreJoined() throws Exception {
        ParsedMail mail = parser.parse(RawMail.start().utf8("""
                From: Sam <sam@icloud.com>
                Subject: photo
                Message-Id: <apple-mixed@icloud.com>
                Mime-Version: 1.0
                Content-Type: multipart/mixed; boundary="Apple-Mail=_AB"

                --Apple-Mail=_AB
                Content-Transfer-Encoding: 7bit
                Content-Type: text/plain; charset=us-ascii

                Here is the damaged box:

                --Apple-Mail=_AB
                Content-Disposition: inline; filename=IMG_0042.jpeg
                Content-Type: image/jpeg; x-unix-mode=0644; name="IMG_0042.jpeg"
                Content-Transfer-Encoding: base64

                """).base64(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00}).utf8("""
                --Apple-Mail=_AB
                Content-Transfer-Encoding: 7bit
                Content-Type: text/plain; charset=us-ascii

                And the label.
                --Apple-Mail=_AB--
                """).bytes());

        assertThat(mail.text()).isEqualTo("Here is the damaged box:\n\nAnd the label.");
        assertThat(mail.attachments()).extracting(MailPart::fileName, MailPart::mediaType, MailPart::inline)
                .containsExactly(tuple("IMG_0042.jpeg", "image/jpeg", false));
    }

    @Test
    void smimeSignaturePartIsDroppedAndSignedContentIsRead() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Bank <security@bank.example>
                Subject: Signed notice
                Message-ID: <signed@bank.example>
                MIME-Version: 1.0
                Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;
                 boundary="----=_Part_SIG_1"

                ------=_Part_SIG_1
                Content-Type: text/plain; charset=utf-8

                Your statement is ready.
                ------=_Part_SIG_1
                Content-Type: application/pkcs7-signature; name=smime.p7s
                Content-Disposition: attachment; filename=smime.p7s
                Content-Transfer-Encoding: base64

                MIAGCSqGSIb3DQEHAqCAMIACAQE=
                ------=_Part_SIG_1--
                """));

        assertThat(mail.text()).isEqualTo("Your statement is ready.");
        assertThat(mail.attachments()).isEmpty();
    }

    @Test
    void unquotedBoundaryWithEqualsSignsIsAccepted() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: legacy@example.com
                Subject: old mailer
                Message-ID: <unquoted@example.com>
                Content-Type: multipart/alternative; boundary=----=_NextPart_000_0001_01DB8E2A.1A2B3C40

                ------=_NextPart_000_0001_01DB8E2A.1A2B3C40
                Content-Type: text/plain; charset=us-ascii

                plain version
                ------=_NextPart_000_0001_01DB8E2A.1A2B3C40
                Content-Type: text/html; charset=us-ascii

                <p>html version</p>
                ------=_NextPart_000_0001_01DB8E2A.1A2B3C40--
                """));

        assertThat(mail.text()).isEqualTo("plain version");
        assertThat(mail.html()).isEqualTo("<p>html version</p>");
    }

    @Test
    void missingEndBoundaryIsTolerated() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: truncated@example.com
                Subject: cut off
                Message-ID: <noend@example.com>
                Content-Type: multipart/mixed; boundary="b"

                --b
                Content-Type: text/plain

                The mailer never closed the multipart.
                """));

        assertThat(mail.text()).isEqualTo("The mailer never closed the multipart.");
    }

    @Test
    void mailWithoutMimeHeadersIsReadAsPlainText() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: old@example.com
                Subject: no MIME at all
                Message-ID: <nomime@example.com>

                Just text, as in 1995.
                """));

        assertThat(mail.text()).isEqualTo("Just text, as in 1995.");
        assertThat(mail.html()).isNull();
        assertThat(mail.attachments()).isEmpty();
    }

    @Test
    void calendarInviteInAlternativeIsAFileAndDoesNotReplaceTheText() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Boss <boss@example.com>
                Subject: Invitation: sync
                Message-ID: <invite@example.com>
                Content-Type: multipart/alternative; boundary=cal

                --cal
                Content-Type: text/plain; charset=utf-8

                Join the sync on Friday.
                --cal
                Content-Type: text/calendar; charset=utf-8; method=REQUEST

                BEGIN:VCALENDAR
                END:VCALENDAR
                --cal--
                """));

        assertThat(mail.text()).isEqualTo("Join the sync on Friday.");
        assertThat(mail.attachments()).extracting(MailPart::fileName, MailPart::mediaType)
                .containsExactly(tuple("attachment.ics", "text/calendar"));
    }
}
