package dev.omnibridge.connector.email.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Builds raw mails for the corpus. Text blocks are written with "\n" and sent with CRLF line ends, as on the wire;
 * pieces can be mixed with bytes in other charsets because real mails mix them too.
 */
final class RawMail {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private RawMail() {
    }

    static RawMail start() {
        return new RawMail();
    }

    /** A whole mail from one UTF-8 text block. */
    static byte[] of(String text) {
        return start().utf8(text).bytes();
    }

    RawMail utf8(String text) {
        return in(text, StandardCharsets.UTF_8);
    }

    RawMail in(String text, Charset charset) {
        out.writeBytes(crlf(text).getBytes(charset));
        return this;
    }

    RawMail base64(byte[] data) {
        out.writeBytes(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encode(data));
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    /** Bytes that look like a PNG to anyone sniffing, without being large. */
    static byte[] png(int size) {
        byte[] data = new byte[size];
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        System.arraycopy(magic, 0, data, 0, Math.min(magic.length, size));
        for (int i = magic.length; i < size; i++) {
            data[i] = (byte) (i * 31);
        }
        return data;
    }
}
