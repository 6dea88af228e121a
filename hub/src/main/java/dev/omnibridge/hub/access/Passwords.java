package dev.omnibridge.hub.access;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Local passwords: bcrypt at cost 10 (about 50-100 ms a check: slow for a guesser, quick enough for a login). */
public final class Passwords {
    public static final int COST = 10;
    public static final int MIN_LENGTH = 10;
    /** bcrypt reads at most 72 bytes; a longer password would silently count only its start. */
    public static final int MAX_BYTES = 72;
    /** Checked when there is no account, so that an unknown email takes as long as a wrong password. */
    private static final String DUMMY = BCrypt.withDefaults().hashToString(COST, "no-such-account!".toCharArray());

    private Passwords() {
    }

    /** Why the password cannot be used, if it cannot. */
    public static Optional<String> weakness(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            return Optional.of("password must have at least " + MIN_LENGTH + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("password must be at most " + MAX_BYTES + " bytes (UTF-8)");
        }
        if (password.isBlank() || password.chars().distinct().count() < 4) {
            return Optional.of("password must have at least 4 different characters");
        }
        return Optional.empty();
    }

    public static String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    /** Whether the password matches the hash; a null hash (no password) is checked against a dummy and fails. */
    public static boolean matches(String password, String hash) {
        if (password == null || password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            BCrypt.verifyer().verify(new char[] {'x'}, DUMMY.toCharArray());
            return false;
        }
        boolean ok = BCrypt.verifyer().verify(password.toCharArray(), (hash == null ? DUMMY : hash).toCharArray())
                .verified;
        return ok && hash != null;
    }
}
