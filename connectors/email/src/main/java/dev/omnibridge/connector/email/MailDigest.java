package dev.omnibridge.connector.email;

import dev.omnibridge.connector.email.mime.ParsedMail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two mails with one Message-ID the same mail: a SHA-256 over the sender, the Date, the subject and the
 * body as sent. Transport headers (Received, Delivered-To, Return-Path) are left out, so a copy that reached the
 * mailbox by another path is still the same mail; the body is taken raw, not as parsed, so that a newer parser
 * reading a stored mail again does not make it a different one. Line ends are normalised (servers store CRLF or LF).
 */
final class MailDigest {
    private MailDigest() {
    }

    static String of(ParsedMail mail, byte[] raw) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        String head = "v1\n" + nullToEmpty(mail.fromAddress()) + "\n" + (mail.sentAt() == null ? "" : mail.sentAt())
                + "\n" + nullToEmpty(mail.subject()) + "\n\n";
        sha.update(head.getBytes(StandardCharsets.UTF_8));
        sha.update(body(raw));
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The bytes after the header section, without CRs and trailing line ends. */
    static byte[] body(byte[] raw) {
        int start = raw.length;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n' && (next(raw, i + 1) == '\n'
                    || next(raw, i + 1) == '\r' && next(raw, i + 2) == '\n')) {
                start = next(raw, i + 1) == '\n' ? i + 2 : i + 3;
                break;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, raw.length - start));
        for (int i = start; i < raw.length; i++) {
            if (raw[i] != '\r') {
                out.write(raw[i]);
            }
        }
        byte[] body = out.toByteArray();
        int end = body.length;
        while (end > 0 && body[end - 1] == '\n') {
            end--;
        }
        return java.util.Arrays.copyOf(body, end);
    }

    private static int next(byte[] raw, int i) {
        return i < raw.length ? raw[i] : -1;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
