package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The hostile corpus in {@code src/test/resources/hostile}: damaged transfer encodings, an invitation sent twice,
 * encrypted and signed mail. Each must reach the agent with what is readable and a note about the rest, never as a
 * dead letter and never as empty text without a word.
 */
class HostileMailCorpusTest {

    private static final String ORDER_TEXT = "Hello, my order 4711 never arrived. Please send it again.";

    private final MailParser parser = new MailParser(1024 * 1024);

    /** A corpus mail, sent with CRLF line ends as on the wire. */
    static byte[] corpus(String name) {
        try (InputStream in = HostileMailCorpusTest.class.getResourceAsStream("/hostile/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no corpus mail " + name);
            }
            return RawMail.crlf(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void badBase64CharacterInTheTextKeepsAllReadableTextAndNotesThePart() throws Exception {
        ParsedMail mail = parser.parse(corpus("bad-base64-text.eml"));

        assertThat(mail.text()).isEqualTo(ORDER_TEXT);
        assertThat(mail.notes()).containsExactly("the message text (text/plain) could not be fully decoded (base64); "
                + "what was readable is kept and the original mail is attached");
        assertThat(mail.incomplete()).isTrue();
    }

    @Test
    void badBase64InAnAttachmentKeepsTheAttachmentAndNamesItInTheNote() throws Exception {
        ParsedMail mail = parser.parse(corpus("bad-base64-attachment.eml"));

        assertThat(mail.text()).isEqualTo("The invoice is attached.");
        assertThat(mail.attachments()).singleElement().satisfies(pdf -> {
            assertThat(pdf.fileName()).isEqualTo("invoice.pdf");
            assertThat(new String(pdf.data(), StandardCharsets.ISO_8859_1)).startsWith("%PDF-1.4").endsWith("%%EOF\n");
        });
        assertThat(mail.notes()).containsExactly("attachment invoice.pdf (application/pdf) could not be fully decoded "
                + "(base64); what was readable is kept and the original mail is attached");
        assertThat(mail.incomplete()).isTrue();
    }

    @Test
    void base64WithoutPaddingDecodesCompletelyWithoutANote() throws Exception {
        ParsedMail mail = parser.parse(corpus("missing-padding.eml"));

        assertThat(mail.text()).isEqualTo("Missing padding is common with some webmailers.");
        assertThat(mail.attachments()).singleElement().satisfies(png -> {
            assertThat(png.fileName()).isEqualTo("screen.png");
            assertThat(png.size()).isEqualTo(38);
            assertThat(png.data()[30 + 7]).isEqualTo((byte) 29);
        });
        assertThat(mail.notes()).isEmpty();
        assertThat(mail.incomplete()).isFalse();
    }

    @Test
    void brokenQuotedPrintableAndUnknownCharsetStayReadableAndUndecodableUuencodeIsNoted() throws Exception {
        ParsedMail mail = parser.parse(corpus("broken-encodings.eml"));

        assertThat(mail.text()).isEqualTo("Price: 100 €, discount =ZZ 5%, total = 95");
        assertThat(mail.attachments()).isEmpty();
        assertThat(mail.notes()).containsExactly("attachment data.bin (application/octet-stream) could not be "
                + "decoded (x-uuencode); the original mail is attached");
        assertThat(mail.incomplete()).isTrue();
    }

    @Test
    void strayCharactersAndMisplacedPaddingCostOnlyTheirOwnBytes() throws Exception {
        String encoded = Base64.getEncoder().encodeToString("Please call me back today".getBytes(
                StandardCharsets.US_ASCII));
        String damaged = "#" + encoded.substring(0, 8) + "=\u00e9" + encoded.substring(8, 13) + "-" + encoded.substring(13);

        ParsedMail mail = parser.parse(RawMail.of("""
                From: a@example.com
                Message-ID: <stray@example.com>
                Content-Type: text/plain; charset=us-ascii
                Content-Transfer-Encoding: base64

                %s
                """.formatted(damaged)));

        assertThat(mail.text()).isEqualTo("Please call me back today");
        assertThat(mail.incomplete()).isTrue();
    }

    @Test
    void notesNameThePartButNeverQuoteTheContent() throws Exception {
        String secret = "IBAN DE89370400440532013000";
        String encoded = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.US_ASCII));

        ParsedMail mail = parser.parse(RawMail.of("""
                From: a@example.com
                Message-ID: <b64@example.com>
                Content-Type: text/plain
                Content-Transfer-Encoding: base64

                %s*%s
                """.formatted(encoded.substring(0, 12), encoded.substring(12))));

        assertThat(mail.text()).isEqualTo(secret);
        assertThat(mail.notes()).singleElement().asString().doesNotContain("IBAN").doesNotContain(encoded);
    }

    @Test
    void calendarInvitationSentAsAlternativeAndAsInviteIcsIsKeptOnce() throws Exception {
        ParsedMail mail = parser.parse(corpus("invite-twice.eml"));

        assertThat(mail.text()).isEqualTo("Let us talk about order 4711.");
        assertThat(mail.attachments()).singleElement().satisfies(ics -> {
            assertThat(ics.fileName()).as("the sender's name wins over a made-up one").isEqualTo("invite.ics");
            assertThat(ics.mediaType()).isEqualTo("text/calendar");
            assertThat(new String(ics.data(), StandardCharsets.UTF_8)).startsWith("BEGIN:VCALENDAR")
                    .contains("SUMMARY:Order 4711 call");
        });
        assertThat(mail.notes()).isEmpty();
    }

    @Test
    void theSameFileAttachedTwiceUnderTwoNamesIsKeptOnceUnderTheFirstName() throws Exception {
        byte[] pdf = "%PDF-1.7\n% the same invoice\n".getBytes(StandardCharsets.US_ASCII);
        byte[] other = "%PDF-1.7\n% another invoice\n".getBytes(StandardCharsets.US_ASCII);
        byte[] raw = RawMail.start().utf8("""
                From: a@example.com
                Message-ID: <twice@example.com>
                Content-Type: multipart/mixed; boundary=m

                --m
                Content-Type: text/plain

                Invoices attached.
                --m
                Content-Type: application/pdf; name=invoice.pdf
                Content-Transfer-Encoding: base64

                """).base64(pdf).utf8("""
                --m
                Content-Type: application/pdf; name=invoice-copy.pdf
                Content-Transfer-Encoding: base64

                """).base64(pdf).utf8("""
                --m
                Content-Type: application/pdf; name=other.pdf
                Content-Transfer-Encoding: base64

                """).base64(other).utf8("--m--\n").bytes();

        ParsedMail mail = parser.parse(raw);

        assertThat(mail.attachments()).extracting(MailPart::fileName, MailPart::size)
                .containsExactly(tuple("invoice.pdf", pdf.length), tuple("other.pdf", other.length));
    }

    @Test
    void smimeEncryptedMailSaysSoAndKeepsTheEncryptedPart() throws Exception {
        ParsedMail mail = parser.parse(corpus("smime-enveloped.eml"));

        assertThat(mail.subject()).isEqualTo("Order 4711");
        assertThat(mail.text()).isEmpty();
        assertThat(mail.notes()).containsExactly(
                "the content is encrypted (S/MIME) and cannot be read by the hub; it is attached as smime.p7m");
        assertThat(mail.attachments()).singleElement().satisfies(p7m -> {
            assertThat(p7m.fileName()).isEqualTo("smime.p7m");
            assertThat(p7m.mediaType()).isEqualTo("application/x-pkcs7-mime");
            assertThat(p7m.data()[0]).as("DER SEQUENCE").isEqualTo((byte) 0x30);
        });
        assertThat(mail.incomplete()).as("nothing failed to decode; the part is whole").isFalse();
    }

    @Test
    void smimeEncryptedMailWithoutSmimeTypeIsRecognisedByItsContentType() throws Exception {
        String raw = new String(corpus("smime-enveloped.eml"), StandardCharsets.UTF_8)
                .replace("smime-type=enveloped-data; ", "")
                .replace("Content-Disposition: attachment; filename=\"smime.p7m\"\r\n", "");
        assertThat(raw).doesNotContain("smime-type").doesNotContain("Content-Disposition");

        ParsedMail mail = parser.parse(raw.getBytes(StandardCharsets.UTF_8));

        assertThat(mail.notes()).containsExactly(
                "the content is encrypted (S/MIME) and cannot be read by the hub; it is attached as smime.p7m");
    }

    @Test
    void pgpMimeEncryptedMailSaysSoAndKeepsOnlyTheEncryptedData() throws Exception {
        ParsedMail mail = parser.parse(corpus("pgp-encrypted.eml"));

        assertThat(mail.text()).isEmpty();
        assertThat(mail.notes()).containsExactly("the content is encrypted (PGP/MIME) and cannot be read by the hub; "
                + "the encrypted part is attached as encrypted.asc");
        assertThat(mail.attachments()).singleElement().satisfies(asc -> {
            assertThat(asc.fileName()).isEqualTo("encrypted.asc");
            assertThat(new String(asc.data(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN PGP MESSAGE-----");
        });
    }

    @Test
    void smimeSignedMailShowsItsTextWithoutTheSignature() throws Exception {
        ParsedMail mail = parser.parse(corpus("smime-detached-signed.eml"));

        assertThat(mail.text()).isEqualTo("My order 4711 never arrived.");
        assertThat(mail.attachments()).isEmpty();
        assertThat(mail.notes()).isEmpty();
    }

    @Test
    void pgpSignedMailShowsItsTextWithoutTheSignature() throws Exception {
        ParsedMail mail = parser.parse(corpus("pgp-signed.eml"));

        assertThat(mail.text()).isEqualTo("My order 4711 never arrived.");
        assertThat(mail.attachments()).isEmpty();
        assertThat(mail.notes()).isEmpty();
    }

    @Test
    void opaqueSmimeSignedMailShowsTheSignedContent() throws Exception {
        ParsedMail mail = parser.parse(corpus("smime-opaque-signed.eml"));

        assertThat(mail.text()).isEqualTo("My order 4711 never arrived.");
        assertThat(mail.attachments()).as("the signature is not for agents, as with multipart/signed").isEmpty();
        assertThat(mail.notes()).isEmpty();
    }

    /** Outlook writes BER: indefinite lengths and the content in 4096-byte OCTET STRING chunks. */
    @Test
    void opaqueSmimeSignedMailInStreamedBerShowsTheSignedMultipart() throws Exception {
        ParsedMail mail = parser.parse(corpus("smime-opaque-signed-ber.eml"));

        assertThat(mail.text()).isEqualTo("My order 4711 never arrived. The log is attached.");
        assertThat(mail.attachments()).singleElement().satisfies(log -> {
            assertThat(log.fileName()).isEqualTo("order.log");
            assertThat(log.size()).isEqualTo(6900);
            assertThat(new String(log.data(), StandardCharsets.US_ASCII))
                    .endsWith("2026-12-03 10:02:29 order 4711 status pending\n");
        });
        assertThat(mail.notes()).isEmpty();
    }

    @Test
    void opaqueSmimeSignedDataThatCannotBeUnwrappedIsKeptWithANote() throws Exception {
        String raw = new String(corpus("smime-opaque-signed.eml"), StandardCharsets.UTF_8);
        int body = raw.indexOf("\r\n\r\n") + 4;
        String truncated = raw.substring(0, body) + raw.substring(body, body + 3 * 66) + "\r\n";

        ParsedMail mail = parser.parse(truncated.getBytes(StandardCharsets.UTF_8));

        assertThat(mail.text()).isEmpty();
        assertThat(mail.notes()).containsExactly("the content is signed with S/MIME in the opaque form (signed-data) "
                + "and could not be unwrapped; it is attached as smime.p7m");
        assertThat(mail.attachments()).extracting(MailPart::fileName).containsExactly("smime.p7m");
    }

    @Test
    void aDamagedAttachmentOverTheLimitGetsOnlyItsSizeNote() throws Exception {
        ParsedMail mail = new MailParser(16).parse(corpus("bad-base64-attachment.eml"));

        assertThat(mail.attachments()).isEmpty();
        assertThat(mail.notes()).singleElement().asString().startsWith("attachment invoice.pdf omitted: ");
    }

    @Test
    void inlinePgpEncryptedTextIsNotedAsEncrypted() throws Exception {
        String armored = new String(corpus("pgp-encrypted.eml"), StandardCharsets.UTF_8);
        armored = armored.substring(armored.indexOf("-----BEGIN PGP MESSAGE-----"),
                armored.indexOf("-----END PGP MESSAGE-----") + "-----END PGP MESSAGE-----".length());

        ParsedMail mail = parser.parse(RawMail.of("""
                From: a@example.com
                Message-ID: <inline-pgp@example.com>
                Content-Type: text/plain; charset=us-ascii

                %s
                """.formatted(armored.replace("\r\n", "\n"))));

        assertThat(mail.text()).startsWith("-----BEGIN PGP MESSAGE-----");
        assertThat(mail.notes()).containsExactly("the text is encrypted (inline PGP) and cannot be read by the hub");
    }
}
