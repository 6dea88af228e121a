package dev.omnibridge.testkit;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.spi.AttachmentStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Attachment bytes in memory, addressed like the hub's store ({@code attachment:<sha256>}) and with its limits. */
public final class InMemoryAttachmentStore implements AttachmentStore {
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();

    @Override
    public Attachment store(String fileName, String mediaType, InputStream data, long maxBytes) throws IOException {
        byte[] bytes = data.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new AttachmentTooLargeException(maxBytes);
        }
        String sha = sha256(bytes);
        blobs.put(sha, bytes);
        return new Attachment(fileName, mediaType, bytes.length, sha, URI.create("attachment:" + sha));
    }

    @Override
    public InputStream open(Attachment attachment) throws IOException {
        return new ByteArrayInputStream(bytes(attachment.location()));
    }

    public byte[] bytes(URI location) throws IOException {
        byte[] bytes = blobs.get(location.getSchemeSpecificPart());
        if (bytes == null) {
            throw new IOException("no stored attachment " + location);
        }
        return bytes;
    }

    public int size() {
        return blobs.size();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
