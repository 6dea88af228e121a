package dev.omnibridge.hub.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * H2's file encryption of the embedded store ({@code CIPHER=AES}: XTS-AES over the whole {@code .mv.db}, the key
 * derived by H2 from the file password with SHA-256 and a salt kept in the file). What the hub needs around it:
 * whether a file is encrypted (to say so clearly instead of H2's "wrong user name or password"), the JDBC URL and
 * password, and changing a closed file's key with H2's {@code ChangeFileEncryption}.
 */
public final class StoreEncryption {
    /** The store's base name under the data directory ({@code omnibridge.mv.db}). */
    public static final String NAME = "omnibridge";
    /** What H2's encrypting file system writes at the start of an encrypted file. */
    private static final byte[] ENCRYPTED_HEADER = "H2encrypt\n".getBytes(StandardCharsets.US_ASCII);
    private static final String CIPHER = "AES";

    private StoreEncryption() {
    }

    /** What the store file under a data directory is. */
    public enum FileState { NONE, PLAIN, ENCRYPTED }

    public static Path file(Path dataDir) {
        return dataDir.resolve(NAME + ".mv.db");
    }

    public static FileState state(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (!Files.exists(file) || Files.size(file) == 0) {
            return FileState.NONE;
        }
        byte[] head = new byte[ENCRYPTED_HEADER.length];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, head.length);
            return n == head.length && Arrays.equals(head, ENCRYPTED_HEADER) ? FileState.ENCRYPTED : FileState.PLAIN;
        }
    }

    /** The URL options that open the file encrypted. */
    static String urlOptions(String key) {
        return key == null ? "" : ";CIPHER=" + CIPHER;
    }

    /**
     * The JDBC password: H2 reads an encrypted database's password as "file password, space, user password"; the
     * hub's user password is empty.
     */
    static String password(String key) {
        return key == null ? "" : key + " ";
    }

    /**
     * Refuses, with a reason an operator can act on, to open a file with the wrong kind of configuration: an
     * encrypted file without a key, or a plain file with one (which H2 would report as a wrong password).
     */
    static void checkOpenable(Path dataDir, String key) {
        FileState state;
        try {
            state = state(dataDir);
        } catch (IOException e) {
            return;   // H2 reports what it cannot read
        }
        if (state == FileState.ENCRYPTED && key == null) {
            throw new IllegalStateException("the store file " + file(dataDir) + " is encrypted: set "
                    + "hub.store.encryptionKey (e.g. ${env:OMNIBRIDGE_STORE_KEY}) to the key it was encrypted with");
        }
        if (state == FileState.PLAIN && key != null) {
            throw new IllegalStateException("the store file " + file(dataDir) + " is not encrypted yet: stop the "
                    + "hub and run 'omnibridge store-key encrypt --config <file>' first (see docs/privacy.md), or "
                    + "remove hub.store.encryptionKey");
        }
    }

    /** Whether the failure to open the store is H2 saying the file password is wrong. */
    static boolean wrongKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == org.h2.api.ErrorCode.FILE_ENCRYPTION_ERROR_1
                    || sql.getErrorCode() == org.h2.api.ErrorCode.WRONG_USER_OR_PASSWORD)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the file opens with this key (null: as a plain file). The hub must not be running. */
    public static boolean opensWith(Path dataDir, String key) {
        String url = "jdbc:h2:file:" + dataDir.resolve(NAME).toAbsolutePath() + ";IFEXISTS=TRUE;ACCESS_MODE_DATA=r"
                + urlOptions(key);
        try (Connection c = DriverManager.getConnection(url, "sa", password(key))) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Fails when another process (a running hub) holds the store file. */
    public static void checkNotInUse(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                throw new IOException("the store file is in use: stop the hub first");
            }
            lock.release();
        } catch (OverlappingFileLockException e) {
            throw new IOException("the store file is in use: stop the hub first");
        }
    }

    /**
     * Re-encrypts the closed store file: from {@code fromKey} (null: plain) to {@code toKey} (null: plain). H2
     * writes a new file next to it and replaces the old one only when it is complete.
     */
    public static void change(Path dataDir, String fromKey, String toKey) throws SQLException {
        org.h2.tools.ChangeFileEncryption.execute(dataDir.toAbsolutePath().toString(), NAME, CIPHER,
                fromKey == null ? null : fromKey.toCharArray(), toKey == null ? null : toKey.toCharArray(), true);
    }
}
