package dev.omnibridge.hub.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The hub's key for signing links to stored files: 32 random bytes kept in {@code <dataDir>/file-links.key}
 * (base64), created once, readable by the hub's user only where the file system has POSIX permissions. It lives next
 * to the attachments it opens; deleting it invalidates every link given out (a new key is made at the next start).
 * <p>Issue 25: in cluster mode every node signs and checks with one key kept in the store ({@link #shared}).
 */
public final class FileLinkKey {
    /** The key file's name under the data directory. */
    public static final String FILE = "file-links.key";
    private static final int BYTES = 32;

    private FileLinkKey() {
    }

    /** The key under {@code dataDir}, created when there is none. */
    public static byte[] loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        // Empty: a start stopped between creating the file and writing it; no link was signed with it yet.
        boolean empty = Files.exists(file) && Files.size(file) == 0;
        if (!Files.exists(file) || empty) {
            byte[] key = new byte[BYTES];
            new SecureRandom().nextBytes(key);
            try {
                if (!empty) {
                    create(file);
                }
                Files.write(file, Base64.getEncoder().encode(key), StandardOpenOption.TRUNCATE_EXISTING);
                return key;
            } catch (FileAlreadyExistsException e) {
                // made meanwhile: read it below
            }
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a base64 key (delete it to make a new one)");
        }
        if (key.length < BYTES) {
            throw new IOException(file + " holds a key shorter than " + BYTES + " bytes (delete it to make a new one)");
        }
        return key;
    }

    /**
     * Issue 25, cluster mode: the key all nodes share ({@code cluster_secrets} row {@value #SECRET}), so that a link
     * signed on one node opens on any. The first node to need it offers the key of its own file when it has one (the
     * links it gave out before the cluster stay valid), otherwise a new one; every other node takes the stored one.
     */
    public static byte[] shared(Path dataDir, dev.omnibridge.hub.store.ClusterSecrets secrets) throws IOException,
            java.sql.SQLException {
        Path file = dataDir.resolve(FILE);
        byte[] candidate;
        if (Files.exists(file) && Files.size(file) > 0) {
            candidate = loadOrCreate(dataDir);
        } else {
            candidate = new byte[BYTES];
            new SecureRandom().nextBytes(candidate);
        }
        byte[] key = secrets.getOrCreate(SECRET, candidate);
        if (key.length < BYTES) {
            throw new IOException("the stored file-link key is shorter than " + BYTES + " bytes");
        }
        return key;
    }

    /** The name of the shared key in {@code cluster_secrets}. */
    public static final String SECRET = "file-links";

    private static void create(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }
}
