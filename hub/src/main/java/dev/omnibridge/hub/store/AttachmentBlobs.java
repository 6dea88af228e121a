package dev.omnibridge.hub.store;

import dev.omnibridge.model.Attachment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * Issue 25, cluster mode: attachment bytes as rows of {@code attachment_blobs} (PostgreSQL), so that an attachment
 * stored by one node is served by any. The bytes are what {@link FileAttachmentStore} would write to its file:
 * encrypted with the store's key when {@code hub.store.encryptionKey} is set (the same {@link AttachmentCipher}),
 * named by the SHA-256 of their plain content, so a message's {@code attachment:<sha256>} is the same either way.
 * Incoming bytes are spooled to a temporary file first (hashed and size-checked as they come), then stored in one
 * statement; equal content is kept once.
 */
public final class AttachmentBlobs implements AttachmentStorage {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private final Database database;
    private final Path spool;
    private final AttachmentCipher cipher;
    private final Clock clock;

    /**
     * @param spool  a local directory for incoming bytes while they are hashed (emptied as each is stored)
     * @param cipher the store key's cipher; null: stored plain
     */
    public AttachmentBlobs(Database database, Path spool, AttachmentCipher cipher, Clock clock) throws IOException {
        this.database = database;
        this.spool = Files.createDirectories(spool);
        this.cipher = cipher;
        this.clock = clock;
    }

    @Override
    public Attachment store(String fileName, String mediaType, InputStream data, long maxBytes) throws IOException {
        Path tmp = Files.createTempFile(spool, "incoming-", ".part");
        try {
            AttachmentSpool spooled = AttachmentSpool.write(data, tmp, cipher, maxBytes);
            String hex = spooled.sha256();
            long size = spooled.size();
            try (Connection c = database.connection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO attachment_blobs"
                         + " (sha256, content, size, written_at) VALUES (?, ?, ?, ?)"
                         + " ON CONFLICT (sha256) DO UPDATE SET written_at = EXCLUDED.written_at");
                 InputStream content = Files.newInputStream(tmp)) {
                ps.setString(1, hex);
                ps.setBinaryStream(2, content, Files.size(tmp));
                ps.setLong(3, size);
                ps.setObject(4, Sql.ts(clock.instant()));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IOException("attachment could not be stored: " + e.getClass().getSimpleName(), e);
            }
            return new Attachment(fileName, mediaType, size, hex, URI.create("attachment:" + hex));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Copies the attachment files under {@code root} (a node's {@code <dataDir>/attachments} from before cluster
     * mode, e.g. the data directory a store was moved from with migrate-store) into the store, as they are (still
     * encrypted with the key they were written with), skipping those already there; the files are left in place.
     * Runs once per directory: a marker file records that it is done.
     *
     * @return how many were copied
     */
    public int importFiles(Path root) throws IOException {
        Path marker = root.resolve(IMPORTED_MARKER);
        if (!Files.isDirectory(root) || Files.exists(marker)) {
            return 0;
        }
        java.util.List<Path> files;
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(f -> SHA256.matcher(f.getFileName().toString())
                    .matches()).toList();
        }
        int copied = 0;
        try (Connection c = database.connection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO attachment_blobs"
                     + " (sha256, content, size, written_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING")) {
            for (Path file : files) {
                byte[] content = Files.readAllBytes(file);
                long size = content.length;
                if (AttachmentCipher.isEncrypted(content)) {
                    // The plain size, for the row: only known by decrypting; unreadable ones keep their stored size.
                    try {
                        size = cipher == null ? size : cipher.decryptAll(content).length;
                    } catch (IOException e) {
                        // encrypted with another key: copied as it is, it opens as it did before (it did not)
                    }
                }
                insert.setString(1, file.getFileName().toString());
                insert.setBytes(2, content);
                insert.setLong(3, size);
                insert.setObject(4, Sql.ts(Files.getLastModifiedTime(file).toInstant()));
                copied += insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IOException("attachment files could not be copied into the store: "
                    + e.getClass().getSimpleName(), e);
        }
        Files.writeString(marker, "copied into the store's attachment_blobs; the files here are no longer read\n");
        return copied;
    }

    /** Written into an attachments directory once its files are in the store. */
    public static final String IMPORTED_MARKER = "IMPORTED-INTO-STORE";

    @Override
    public InputStream open(Attachment attachment) throws IOException {
        String ssp = attachment.location().getSchemeSpecificPart();
        if (!"attachment".equals(attachment.location().getScheme()) || !SHA256.matcher(ssp).matches()) {
            throw new IOException("not a stored attachment: " + attachment.location().getScheme() + ":...");
        }
        byte[] content;
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, "SELECT content FROM attachment_blobs WHERE sha256 = ?", ssp);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new NoSuchFileException("attachment " + ssp);
            }
            content = rs.getBytes(1);
        } catch (SQLException e) {
            throw new IOException("attachment could not be read: " + e.getClass().getSimpleName(), e);
        }
        if (!AttachmentCipher.isEncrypted(content)) {
            return new ByteArrayInputStream(content);
        }
        if (cipher == null) {
            throw new IOException("attachment is encrypted but hub.store.encryptionKey is not set");
        }
        return new ByteArrayInputStream(cipher.decryptAll(content));
    }

    @Override
    public boolean delete(String sha256) throws IOException {
        return deleted("DELETE FROM attachment_blobs WHERE sha256 = ?", sha256);
    }

    @Override
    public boolean deleteIfWrittenBefore(String sha256, java.time.Instant writtenBefore) throws IOException {
        return deleted("DELETE FROM attachment_blobs WHERE sha256 = ? AND written_at < ?", sha256,
                Sql.ts(writtenBefore));
    }

    private boolean deleted(String sql, String sha256, Object... more) throws IOException {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not an attachment hash");
        }
        Object[] params = new Object[more.length + 1];
        params[0] = sha256;
        System.arraycopy(more, 0, params, 1, more.length);
        try (Connection c = database.connection()) {
            return Sql.update(c, sql, params) == 1;
        } catch (SQLException e) {
            throw new IOException("attachment could not be deleted: " + e.getClass().getSimpleName(), e);
        }
    }
}
