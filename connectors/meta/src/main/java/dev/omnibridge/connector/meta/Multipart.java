package dev.omnibridge.connector.meta;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A {@code multipart/form-data} body (RFC 7578) built in memory: what the Graph API's upload endpoints take. */
final class Multipart {
    private final String boundary = "omnibridge-" + UUID.randomUUID();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Multipart field(String name, String value) {
        // No Content-Type on plain fields, like curl -F: text/plain is the default (RFC 7578 section 4.4).
        head("form-data; name=\"" + name + "\"", null);
        write(value.getBytes(StandardCharsets.UTF_8));
        write("\r\n");
        return this;
    }

    Multipart file(String name, String fileName, String contentType, byte[] bytes) {
        head("form-data; name=\"" + name + "\"; filename=\"" + headerSafe(fileName) + "\"", contentType);
        write(bytes);
        write("\r\n");
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + boundary.length() + 8);
        out.writeBytes(body.toByteArray());
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private void head(String disposition, String contentType) {
        write("--" + boundary + "\r\nContent-Disposition: " + disposition
                + (contentType == null ? "" : "\r\nContent-Type: " + contentType) + "\r\n\r\n");
    }

    /**
     * The file name in the part header only names the upload (WhatsApp documents carry the real name in the message
     * JSON); Meta notes non-ASCII upload names are not supported, and quotes or line breaks would break the header.
     */
    static String headerSafe(String fileName) {
        StringBuilder b = new StringBuilder();
        fileName.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char) c : '_'));
        return b.isEmpty() ? "file" : b.toString();
    }

    private void write(String s) {
        write(s.getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] bytes) {
        body.writeBytes(bytes);
    }
}
