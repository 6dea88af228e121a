package dev.omnibridge.hub.store;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.spi.AttachmentStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Attachment bytes under {@code <dataDir>/attachments}, named by their SHA-256 so that equal files are kept once. */
public final class FileAttachmentStore implements AttachmentStore {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private final Path root;

    public FileAttachmentStore(Path root) throws IOException {
        this.root = Files.createDirectories(root);
    }

    @Override
    public Attachment store(String fileName, String mediaType, InputStream data, long maxBytes) throws IOException {
        Path tmp = Files.createTempFile(root, "incoming-", ".part");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size = 0;
            try (OutputStream out = Files.newOutputStream(tmp)) {
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
            String hex = HexFormat.of().formatHex(sha.digest());
            Path target = pathOf(hex);
            Files.createDirectories(target.getParent());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Attachment(fileName, mediaType, size, hex, URI.create("attachment:" + hex));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public InputStream open(Attachment attachment) throws IOException {
        String ssp = attachment.location().getSchemeSpecificPart();
        if (!"attachment".equals(attachment.location().getScheme()) || !SHA256.matcher(ssp).matches()) {
            throw new IOException("not a stored attachment: " + attachment.location().getScheme() + ":...");
        }
        return Files.newInputStream(pathOf(ssp));
    }

    /**
     * Deletes the stored file with this SHA-256 (retention, erasure); false when there was none. Callers check first
     * that no remaining message references it ({@link MessagePurge#stillReferenced}).
     */
    public boolean delete(String sha256) throws IOException {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not an attachment hash");
        }
        return Files.deleteIfExists(pathOf(sha256));
    }

    private Path pathOf(String hex) {
        return root.resolve(hex.substring(0, 2)).resolve(hex);
    }
}
