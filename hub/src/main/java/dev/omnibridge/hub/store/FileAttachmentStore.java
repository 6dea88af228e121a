package dev.omnibridge.hub.store;

import dev.omnibridge.model.Attachment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Pattern;

/** Attachment bytes under {@code <dataDir>/attachments}, named by their SHA-256 so that equal files are kept once. */
public final class FileAttachmentStore implements AttachmentStorage {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private final Path root;
    private final AttachmentCipher cipher;

    public FileAttachmentStore(Path root) throws IOException {
        this(root, null);
    }

    /**
     * @param cipher encrypts new files and decrypts encrypted ones (the store's encryption at rest); null: new files
     *               are written plain. Files keep the SHA-256 of their plain content as their name either way, so a
     *               message's {@code attachment:<sha256>} does not change when the store is encrypted.
     */
    public FileAttachmentStore(Path root, AttachmentCipher cipher) throws IOException {
        this.root = Files.createDirectories(root);
        this.cipher = cipher;
    }

    @Override
    public Attachment store(String fileName, String mediaType, InputStream data, long maxBytes) throws IOException {
        Path tmp = Files.createTempFile(root, "incoming-", ".part");
        try {
            AttachmentSpool spooled = AttachmentSpool.write(data, tmp, cipher, maxBytes);
            String hex = spooled.sha256();
            long size = spooled.size();
            Path target = pathOf(hex);
            Files.createDirectories(target.getParent());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Attachment(fileName, mediaType, size, hex, URI.create("attachment:" + hex));
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
        InputStream in = new java.io.BufferedInputStream(Files.newInputStream(pathOf(ssp)));
        in.mark(AttachmentCipher.MAGIC.length);
        byte[] head = in.readNBytes(AttachmentCipher.MAGIC.length);
        if (!AttachmentCipher.isEncrypted(head)) {
            in.reset();   // a file stored before encryption was turned on (store-key encrypt converts them)
            return in;
        }
        if (cipher == null) {
            in.close();
            throw new IOException("attachment is encrypted but hub.store.encryptionKey is not set");
        }
        return cipher.decrypting(in);
    }

    /**
     * Re-encrypts every stored file: from {@code from} (null: plain) to {@code to} (null: plain); each file is
     * rewritten next to itself and moved into place, so an interrupted run leaves every file whole. A file already
     * as wanted (in {@code to}'s key, or plain when {@code to} is null) is left alone: running it again after an
     * interruption finishes the job. The hub must not be running.
     *
     * @return how many files were rewritten
     */
    public static int reencrypt(Path root, AttachmentCipher from, AttachmentCipher to) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int[] rewritten = {0};
        List<Path> files;
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(p -> SHA256.matcher(p.getFileName().toString())
                    .matches()).toList();
        }
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            byte[] plain;
            if (!AttachmentCipher.isEncrypted(content)) {
                if (to == null) {
                    continue;
                }
                plain = content;
            } else {
                if (to != null && decrypts(to, content)) {
                    continue;
                }
                if (from == null) {
                    throw new IOException("attachment " + file.getFileName() + " is encrypted with another key");
                }
                plain = from.decryptAll(content);
            }
            Path tmp = Files.createTempFile(file.getParent(), "rekey-", ".part");
            try {
                try (OutputStream out = to == null ? Files.newOutputStream(tmp) : to.encrypting(Files.newOutputStream(tmp))) {
                    out.write(plain);
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            rewritten[0]++;
        }
        return rewritten[0];
    }

    private static boolean decrypts(AttachmentCipher cipher, byte[] content) {
        try {
            cipher.decryptAll(content);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Deletes the stored file with this SHA-256 (retention, erasure); false when there was none. Callers check first
     * that no remaining message references it ({@link MessagePurge#stillReferenced}).
     */
    @Override
    public boolean delete(String sha256) throws IOException {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not an attachment hash");
        }
        return Files.deleteIfExists(pathOf(sha256));
    }

    /**
     * Deletes the stored file with this SHA-256 unless it was written at or after {@code writtenBefore}: a file
     * stored again meanwhile (the same content arriving in a new message whose commit is still on its way) is
     * kept. False when it was kept or there was none.
     */
    @Override
    public boolean deleteIfWrittenBefore(String sha256, java.time.Instant writtenBefore) throws IOException {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not an attachment hash");
        }
        Path file = pathOf(sha256);
        try {
            if (!Files.getLastModifiedTime(file).toInstant().isBefore(writtenBefore)) {
                return false;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        return Files.deleteIfExists(file);
    }

    private Path pathOf(String hex) {
        return root.resolve(hex.substring(0, 2)).resolve(hex);
    }
}
