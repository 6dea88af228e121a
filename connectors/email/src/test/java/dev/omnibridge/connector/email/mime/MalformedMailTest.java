package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Mails whose structure cannot be read are rejected with a reason that names the problem but no content. */
class MalformedMailTest {

    private static final String SECRET = "IBAN DE89370400440532013000";

    private final MailParser parser = new MailParser(1024);

    @Test
    void multipartWithoutBoundaryParameterIsMalformed() {
        byte[] raw = RawMail.of("""
                From: a@example.com
                Subject: %s
                Message-ID: <nb@example.com>
                MIME-Version: 1.0
                Content-Type: multipart/mixed

                --whatever
                Content-Type: text/plain

                %s
                --whatever--
                """.formatted(SECRET, SECRET));

        assertThatThrownBy(() -> parser.parse(raw))
                .isInstanceOf(MalformedMailException.class)
                .hasMessage("message body is multipart/mixed without a boundary parameter")
                .hasNoCause();
    }

    @Test
    void nestedMultipartWithoutBoundaryNamesThePart() {
        byte[] raw = RawMail.of("""
                From: a@example.com
                Message-ID: <nb2@example.com>
                Content-Type: multipart/mixed; boundary=outer

                --outer
                Content-Type: text/plain

                hi
                --outer
                Content-Type: multipart/alternative

                broken
                --outer--
                """);

        assertThatThrownBy(() -> parser.parse(raw))
                .isInstanceOf(MalformedMailException.class)
                .hasMessage("part 2 is multipart/alternative without a boundary parameter");
    }

    @Test
    void multipartWhoseBoundaryNeverAppearsIsMalformed() {
        byte[] raw = RawMail.of("""
                From: a@example.com
                Message-ID: <nostart@example.com>
                Content-Type: multipart/mixed; boundary="expected-boundary"

                %s without any boundary line.
                """.formatted(SECRET));

        assertThatThrownBy(() -> parser.parse(raw))
                .isInstanceOf(MalformedMailException.class)
                .hasMessageStartingWith("cannot read message body")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("IBAN"));
    }

    @Test
    void inputWithoutHeadersIsNotAMail() {
        assertThatThrownBy(() -> parser.parse(("Hello, this is just some text " + SECRET + "\r\nand more\r\n")
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedMailException.class)
                .hasMessage("no RFC 5322 header fields found; input is not a mail");
        assertThatThrownBy(() -> parser.parse("\r\n\r\nbody without headers".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedMailException.class);
        assertThatThrownBy(() -> parser.parse(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13}))
                .isInstanceOf(MalformedMailException.class);
    }

    @Test
    void emptyInputIsMalformed() {
        assertThatThrownBy(() -> parser.parse(new byte[0]))
                .isInstanceOf(MalformedMailException.class)
                .hasMessage("empty input is not a mail");
        assertThatThrownBy(() -> parser.parse(null)).isInstanceOf(MalformedMailException.class);
    }

    @Test
    void negativeLimitIsRejected() {
        assertThatThrownBy(() -> new MailParser(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
