package dev.omnibridge.connector.webchat;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class FileTypesTest {
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};

    @Test
    void recognisesByMagicBytes() {
        assertThat(FileTypes.sniff(PNG)).contains("image/png");
        assertThat(FileTypes.sniff(JPEG)).contains("image/jpeg");
        assertThat(FileTypes.sniff("GIF89a....".getBytes(StandardCharsets.US_ASCII))).contains("image/gif");
        assertThat(FileTypes.sniff("%PDF-1.7\n%...".getBytes(StandardCharsets.US_ASCII))).contains("application/pdf");
        assertThat(FileTypes.sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII))).contains("image/webp");
        assertThat(FileTypes.sniff("hello\nw\u00f6rld\t!".getBytes(StandardCharsets.UTF_8))).contains("text/plain");
    }

    @Test
    void whatIsNotVerifiableIsNothing() {
        assertThat(FileTypes.sniff(new byte[]{'M', 'Z', (byte) 0x90, 0, 3})).isEmpty();       // an .exe
        assertThat(FileTypes.sniff(new byte[]{'P', 'K', 3, 4, 0})).isEmpty();                 // a zip
        assertThat(FileTypes.sniff(new byte[]{(byte) 0xC3, 0x28})).isEmpty();                // invalid UTF-8
        assertThat(FileTypes.sniff(new byte[0])).isEmpty();
        assertThat(FileTypes.isPlainText("a\u0000b".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void htmlIsTextNotAnImage() {
        // A script disguised as an image: its bytes say text, so a declared image/png is refused.
        assertThat(FileTypes.sniff("<svg onload=alert(1)>".getBytes(StandardCharsets.UTF_8))).contains("text/plain");
    }

    @Test
    void mediaTypeAndSafeNames() {
        assertThat(FileTypes.mediaType("Image/PNG; charset=x")).isEqualTo("image/png");
        assertThat(FileTypes.mediaType(null)).isEmpty();
        assertThat(FileTypes.safeName("../../etc/passwd", "text/plain")).isEqualTo("passwd");
        assertThat(FileTypes.safeName("C:\\x\\a\"b<c>.png", "image/png")).isEqualTo("a_b_c_.png");
        assertThat(FileTypes.safeName(".htaccess", "text/plain")).isEqualTo("_htaccess");
        assertThat(FileTypes.safeName("", "image/png")).isEqualTo("file.png");
        assertThat(FileTypes.safeName("x".repeat(300) + ".pdf", "application/pdf")).hasSize(100).endsWith(".pdf");
    }
}
