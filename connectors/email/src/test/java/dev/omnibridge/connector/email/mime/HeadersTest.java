package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Identity and threading headers, as the hub needs them for deduplication and ticket matching. */
class HeadersTest {

    private final MailParser parser = new MailParser(1024);

    @Test
    void mailWithoutMessageIdGetsAStableIdDerivedFromItsBytes() throws Exception {
        byte[] raw = RawMail.of("""
                From: printer@office.example
                Subject: Scan
                Date: Fri, 7 Mar 2025 07:00:00 +0000

                Scanned document.
                """);

        ParsedMail first = parser.parse(raw);
        ParsedMail again = new MailParser(1024).parse(raw.clone());

        String expected = "sha256-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw))
                + "@omnibridge.invalid";
        assertThat(first.messageId()).isEqualTo(expected).matches("sha256-[0-9a-f]{64}@omnibridge\\.invalid");
        assertThat(again.messageId()).isEqualTo(first.messageId());
        byte[] other = RawMail.of("From: printer@office.example\nSubject: Scan 2\n\nOther.\n");
        assertThat(parser.parse(other).messageId()).isNotEqualTo(first.messageId());
    }

    @Test
    void blankMessageIdCountsAsMissing() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("From: a@example.com\nMessage-ID:  \nSubject: x\n\nbody\n"));

        assertThat(mail.messageId()).startsWith("sha256-").endsWith("@omnibridge.invalid");
    }

    @Test
    void messageIdWithoutAngleBracketsIsAccepted() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("From: a@example.com\nMessage-ID: 1234.5678@legacy.example\n\nb\n"));

        assertThat(mail.messageId()).isEqualTo("1234.5678@legacy.example");
    }

    @Test
    void foldedReferencesAreReadInOrderWithoutDuplicatesOrBrackets() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: a@example.com
                Message-ID: <r3@example.com>
                In-Reply-To: <r2@example.com> (Jane's message of "Mon, 3 Mar 2025")
                References: <r0@example.com>
                \t<r1@example.com>,<r2@example.com>
                 <r1@example.com>

                b
                """));

        assertThat(mail.inReplyTo()).containsExactly("r2@example.com");
        assertThat(mail.references()).containsExactly("r0@example.com", "r1@example.com", "r2@example.com");
    }

    @Test
    void missingThreadingHeadersGiveEmptyLists() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("From: a@example.com\nMessage-ID: <solo@example.com>\n\nb\n"));

        assertThat(mail.inReplyTo()).isEmpty();
        assertThat(mail.references()).isEmpty();
        assertThat(mail.subject()).isNull();
        assertThat(mail.sentAt()).isNull();
    }

    @Test
    void senderIsUsedWhenFromIsMissing() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                Sender: "Mailing List" <Owner-List@Lists.Example.org>
                Message-ID: <sender@example.org>
                Subject: digest

                b
                """));

        assertThat(mail.fromAddress()).isEqualTo("owner-list@lists.example.org");
        assertThat(mail.fromName()).isEqualTo("Mailing List");
    }

    @Test
    void unparseableFromGivesNullAddressNotAnException() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: undisclosed-recipients:;
                Message-ID: <badfrom@example.org>
                Subject: hello

                b
                """));

        assertThat(mail.fromAddress()).isNull();
        assertThat(mail.fromName()).isNull();
    }

    @Test
    void fromWithoutDisplayNameHasNullName() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("From: <Plain@Example.COM>\nMessage-ID: <p@x>\n\nb\n"));

        assertThat(mail.fromAddress()).isEqualTo("plain@example.com");
        assertThat(mail.fromName()).isNull();
    }

    @Test
    void brokenFromHeaderStillYieldsTheAddress() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("From: Jane Doe jane@example.com>>\nMessage-ID: <p@x>\n\nb\n"));

        assertThat(mail.fromAddress()).isEqualTo("jane@example.com");
    }

    @Test
    void dateHeaderWithTimezoneBecomesAnInstant() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of(
                "From: a@example.com\nMessage-ID: <d@x>\nDate: Sat, 8 Mar 2025 23:30:00 -0500 (EST)\n\nb\n"));

        assertThat(mail.sentAt()).isEqualTo(Instant.parse("2025-03-09T04:30:00Z"));
    }

    @Test
    void garbageDateGivesNull() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("From: a@example.com\nMessage-ID: <d@x>\nDate: someday soon\n\nb\n"));

        assertThat(mail.sentAt()).isNull();
    }

    @Test
    void mailCarryingTheOriginHeaderIsMarkedAsSentByTheHub() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: Acme Support <support@acme.example>
                To: jane@example.com
                Subject: Re: [#42] Printer not working
                Message-ID: <hub-1@acme.example>
                X-Omnibridge-Origin: hub-eu-1; conversation=42
                Auto-Submitted: no

                We are on it.
                """));

        assertThat(mail.sentByHub()).isTrue();
        assertThat(MailHeaders.ORIGIN).isEqualTo("X-Omnibridge-Origin");
        assertThat(mail.noise().isNoise()).isFalse();
    }

    @Test
    void emptySubjectIsEmptyNotNull() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("From: a@example.com\nSubject:\nMessage-ID: <s@x>\n\nb\n"));

        assertThat(mail.subject()).isEmpty();
    }

    @Test
    void parsingIsDeterministic() throws Exception {
        byte[] raw = ReplyQuotingTest.GMAIL_REPLY.getBytes(StandardCharsets.UTF_8);

        assertThat(parser.parse(RawMail.of(ReplyQuotingTest.GMAIL_REPLY)))
                .isEqualTo(new MailParser(1024).parse(RawMail.of(new String(raw, StandardCharsets.UTF_8))));
    }
}
