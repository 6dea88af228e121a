package dev.omnibridge.hub.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Secret;

import java.util.List;
import java.util.Optional;

/**
 * {@code hub.store.encryptionKey}: the key of the store's encryption at rest. Problems name what is wrong with a
 * key, never the key.
 */
public final class StoreKeys {
    public static final String CONFIG_KEY = "encryptionKey";
    /** Where the documented configuration takes the key from. */
    public static final String ENV = "OMNIBRIDGE_STORE_KEY";
    /** Where {@code store-key rotate} takes the new key from (never from the command line: ps would show it). */
    public static final String NEW_KEY_ENV = "OMNIBRIDGE_STORE_NEW_KEY";
    /** A key shorter than this is a password, not a key. */
    public static final int MIN_LENGTH = 16;

    private StoreKeys() {
    }

    /** The configured key, or null (not set, or empty after the environment reference: not encrypted). */
    public static String read(JsonNode store, List<ConfigProblem> problems) {
        JsonNode node = store.path(CONFIG_KEY);
        if (node.isMissingNode() || node.isNull() || node.asText().isEmpty()) {
            return null;
        }
        String key = node.asText();
        Optional<String> weakness = weakness(key);
        if (weakness.isPresent()) {
            problems.add(new ConfigProblem(null, "hub.store." + CONFIG_KEY, weakness.get()));
            return null;
        }
        return key;
    }

    /** Why a key cannot be used, or empty. */
    public static Optional<String> weakness(String key) {
        if (key.codePoints().anyMatch(Character::isWhitespace)) {
            // H2 reads "file password, space, user password": a space would cut the key.
            return Optional.of("must not contain spaces (generate one with: openssl rand -base64 32)");
        }
        if (key.length() < MIN_LENGTH) {
            return Optional.of("is too short for a key: " + key.length() + " characters, at least " + MIN_LENGTH
                    + " are needed (generate one with: openssl rand -base64 32)");
        }
        return Secret.weakness(key);
    }
}
