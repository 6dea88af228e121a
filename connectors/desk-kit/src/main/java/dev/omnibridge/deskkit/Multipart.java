package dev.omnibridge.deskkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A {@code multipart/form-data} body built in memory (desk attachments are capped well below the heap). */
public final class Multipart {
    private final String boundary = "omnibridge-" + UUID.randomUUID();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Multipart field(String name, String value) {
        head("Content-Disposition: form-data; name=\"" + quote(name) + "\"\r\n");
        write(value.getBytes(StandardCharsets.UTF_8));
        write("\r\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public Multipart file(String name, String fileName, String mediaType, byte[] bytes) {
        head("Content-Disposition: form-data; name=\"" + quote(name) + "\"; filename=\"" + quote(fileName)
                + "\"\r\nContent-Type: " + mediaType + "\r\n");
        write(bytes);
        write("\r\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public byte[] toBytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream(out.size() + 64);
        all.writeBytes(out.toByteArray());
        all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return all.toByteArray();
    }

    private void head(String disposition) {
        write(("--" + boundary + "\r\n" + disposition + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] bytes) {
        out.writeBytes(bytes);
    }

    /** Quotes and line breaks would end the header value early; file names come from customers. */
    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", " ").replace("\n", " ");
    }
}
