package dev.omnibridge.connector.email.mime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A bounce names the mail it returns by that mail's Message-ID, in the returned header or the whole returned mail. */
class ReturnedMailTest {

    private final MailParser parser = new MailParser(1024 * 1024);

    private ParsedMail bounce(String returnedPartType, String returnedPart) throws Exception {
        return parser.parse(RawMail.of("""
                From: Mail Delivery Subsystem <mailer-daemon@mx.example.com>
                To: support@acme.example
                Subject: Delivery Status Notification (Failure)
                Message-ID: <dsn-1@mx.example.com>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="r"

                --r
                Content-Type: text/plain

                Your message could not be delivered.

                --r
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.com

                Final-Recipient: rfc822; jane@example.com
                Action: failed
                Status: 5.1.1

                --r
                Content-Type:\s""" + returnedPartType + "\n\n" + returnedPart + "\n--r--\n"));
    }

    @Test
    void theMessageIdOfAReturnedHeaderBlockIsFound() throws Exception {
        ParsedMail mail = bounce("text/rfc822-headers", """
                From: Acme Support <support@acme.example>
                To: jane@example.com
                Subject: Re: Printer [#K7QX2M3A]
                Message-ID: <ob.0190c6a2.K7QX2M3A@acme.example>
                """);

        assertThat(mail.noise().kind()).isEqualTo(Noise.Kind.BOUNCE);
        assertThat(ReturnedMail.messageIds(mail)).containsExactly("ob.0190c6a2.K7QX2M3A@acme.example");
    }

    @Test
    void theMessageIdOfAWholeReturnedMailIsFoundButNotOneQuotedInItsBody() throws Exception {
        ParsedMail mail = bounce("message/rfc822", """
                From: Acme Support <support@acme.example>
                To: jane@example.com
                Subject: We received your message
                Message-Id:
                 <ack.K7QX2M3A.00ff@acme.example>

                Hello Jane,
                Message-ID: <not-this-one@example.com>
                """);

        assertThat(ReturnedMail.messageIds(mail)).containsExactly("ack.K7QX2M3A.00ff@acme.example");
    }

    @Test
    void aMailWithoutAReturnedPartNamesNone() throws Exception {
        ParsedMail mail = parser.parse(RawMail.of("""
                From: mailer-daemon@mx.example.com
                To: support@acme.example
                Subject: Undeliverable
                Message-ID: <dsn-2@mx.example.com>

                Message-ID: <quoted@example.com> could not be delivered.
                """));

        assertThat(ReturnedMail.messageIds(mail)).isEmpty();
    }
}
