package dev.omnibridge.hub.privacy;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.AttachmentCipher;
import dev.omnibridge.hub.store.FileAttachmentStore;
import dev.omnibridge.hub.store.StoreEncryption;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code omnibridge store-key encrypt|decrypt|rotate --config <file>}: changes the encryption of a stopped hub's
 * embedded store file and attachment files (docs/privacy.md has the procedure).
 * <ul>
 *   <li>{@code encrypt}: a plain store becomes encrypted with {@code hub.store.encryptionKey};</li>
 *   <li>{@code decrypt}: a store encrypted with {@code hub.store.encryptionKey} becomes plain;</li>
 *   <li>{@code rotate}: a store encrypted with {@code hub.store.encryptionKey} (the current key) is re-encrypted
 *       with the key in {@code OMNIBRIDGE_STORE_NEW_KEY}; then point the configuration at the new key.</li>
 * </ul>
 * Keys come from the configuration (its environment references) and the environment, never from the command line.
 * Each step leaves whole files behind (new file, then rename), and a step already done is recognised and skipped:
 * after an interruption, run the same command again. Output names files and counts, never a key.
 */
public final class StoreKeyCommand {
    public static final String USAGE = "omnibridge store-key encrypt|decrypt|rotate --config <file.yaml>";

    private StoreKeyCommand() {
    }

    /** Runs the action; the exit code (0 done, 1 refused or failed, 64 usage). */
    public static int run(String action, HubConfig config, Function<String, String> env, PrintStream out) {
        if (!config.store().embedded()) {
            out.println("ERROR store-key changes the embedded H2 store; this configuration uses " + "an external "
                    + "database (encrypt it with the database server's own means)");
            return 1;
        }
        Path dataDir = config.dataDir();
        String key = config.store().encryptionKey();
        try {
            StoreEncryption.checkNotInUse(dataDir);
            return switch (action) {
                case "encrypt" -> encrypt(dataDir, key, out);
                case "decrypt" -> decrypt(dataDir, key, out);
                case "rotate" -> rotate(dataDir, key, env.apply(StoreKeys.NEW_KEY_ENV), out);
                default -> {
                    out.println("usage: " + USAGE);
                    yield 64;
                }
            };
        } catch (IOException | SQLException e) {
            out.println("ERROR " + e.getMessage());
            return 1;
        }
    }

    private static int encrypt(Path dataDir, String key, PrintStream out) throws IOException, SQLException {
        if (key == null) {
            out.println("ERROR set hub.store.encryptionKey (e.g. ${env:" + StoreKeys.ENV + "}) to the new key first");
            return 1;
        }
        switch (StoreEncryption.state(dataDir)) {
            case PLAIN -> {
                StoreEncryption.change(dataDir, null, key);
                out.println("store file encrypted: " + StoreEncryption.file(dataDir));
            }
            case ENCRYPTED -> {
                if (!StoreEncryption.opensWith(dataDir, key)) {
                    out.println("ERROR the store file is encrypted with another key; use rotate");
                    return 1;
                }
                out.println("store file already encrypted with this key");
            }
            case NONE -> out.println("no store file yet: the hub creates it encrypted");
        }
        int files = FileAttachmentStore.reencrypt(attachments(dataDir), null, AttachmentCipher.of(key));
        out.println("attachment files encrypted: " + files);
        return 0;
    }

    private static int decrypt(Path dataDir, String key, PrintStream out) throws IOException, SQLException {
        if (key == null) {
            out.println("ERROR set hub.store.encryptionKey to the key the store is encrypted with");
            return 1;
        }
        switch (StoreEncryption.state(dataDir)) {
            case ENCRYPTED -> {
                if (!StoreEncryption.opensWith(dataDir, key)) {
                    out.println("ERROR the store file does not open with hub.store.encryptionKey");
                    return 1;
                }
                StoreEncryption.change(dataDir, key, null);
                out.println("store file decrypted: " + StoreEncryption.file(dataDir));
            }
            case PLAIN -> out.println("store file already plain");
            case NONE -> out.println("no store file");
        }
        int files = FileAttachmentStore.reencrypt(attachments(dataDir), AttachmentCipher.of(key), null);
        out.println("attachment files decrypted: " + files + "; now remove hub.store.encryptionKey");
        return 0;
    }

    private static int rotate(Path dataDir, String key, String newKey, PrintStream out)
            throws IOException, SQLException {
        if (key == null) {
            out.println("ERROR set hub.store.encryptionKey to the current key");
            return 1;
        }
        if (newKey == null || newKey.isEmpty()) {
            out.println("ERROR set the new key in the environment variable " + StoreKeys.NEW_KEY_ENV);
            return 1;
        }
        Optional<String> weakness = StoreKeys.weakness(newKey);
        if (weakness.isPresent()) {
            out.println("ERROR " + StoreKeys.NEW_KEY_ENV + " " + weakness.get());
            return 1;
        }
        if (newKey.equals(key)) {
            out.println("ERROR the new key is the current key");
            return 1;
        }
        switch (StoreEncryption.state(dataDir)) {
            case ENCRYPTED -> {
                if (StoreEncryption.opensWith(dataDir, key)) {
                    StoreEncryption.change(dataDir, key, newKey);
                    out.println("store file re-encrypted with the new key");
                } else if (StoreEncryption.opensWith(dataDir, newKey)) {
                    out.println("store file already encrypted with the new key");
                } else {
                    out.println("ERROR the store file opens with neither the current nor the new key");
                    return 1;
                }
            }
            case PLAIN -> {
                out.println("ERROR the store file is not encrypted; use encrypt");
                return 1;
            }
            case NONE -> out.println("no store file");
        }
        int files = FileAttachmentStore.reencrypt(attachments(dataDir), AttachmentCipher.of(key),
                AttachmentCipher.of(newKey));
        out.println("attachment files re-encrypted: " + files + "; now set " + StoreKeys.ENV
                + " to the new key and start the hub");
        return 0;
    }

    private static Path attachments(Path dataDir) {
        return dataDir.resolve("attachments");
    }
}
