package dev.omnibridge.hub.store;

import dev.omnibridge.spi.AttachmentStore.AttachmentTooLargeException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Incoming attachment bytes written to a spool file as the stores keep them (encrypted when the store has a key),
 * hashed and size-checked as they come: the SHA-256 is of the plain content, so an attachment's name does not depend
 * on the store's encryption. Shared by the file store and the PostgreSQL blobs.
 */
record AttachmentSpool(String sha256, long size) {
    /**
     * Copies {@code data} to {@code file}.
     *
     * @param cipher the store key's cipher; null: written plain
     * @throws AttachmentTooLargeException more than {@code maxBytes} came (the file is left half-written)
     */
    static AttachmentSpool write(InputStream data, Path file, AttachmentCipher cipher, long maxBytes)
            throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = 0;
        try (OutputStream out = cipher == null ? Files.newOutputStream(file)
                : cipher.encrypting(Files.newOutputStream(file))) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = data.read(buf)) >= 0) {
                size += n;
                if (size > maxBytes) {
                    throw new AttachmentTooLargeException(maxBytes);
                }
                sha.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        return new AttachmentSpool(HexFormat.of().formatHex(sha.digest()), size);
    }
}
