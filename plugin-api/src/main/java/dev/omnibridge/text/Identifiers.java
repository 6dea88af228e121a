package dev.omnibridge.text;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Bounded forms of identifiers of any length (a Message-ID, a client's message id, a thread key), for keys that
 * hold a fixed number of characters. An id that fits is kept as it is; a longer one becomes its first characters,
 * {@code '~'} and the SHA-256 of the whole id (64 hex digits). The mapping is deterministic, so the same long id
 * always has the same key (dedupe and look-ups keep working), and two long ids that only differ after the kept
 * prefix still get different keys. The hub applies it to every identifier it stores (see docs/contracts.md);
 * a connector can use it to keep ids it builds itself under a limit of its own.
 */
public final class Identifiers {
    /** Characters the digest part takes: {@code '~'} and 64 hex digits. */
    public static final int DIGEST_LENGTH = 65;

    private Identifiers() {
    }

    /**
     * The id itself when it has at most {@code maxLength} characters, else its first {@code maxLength - 65}
     * characters + {@code '~'} + its SHA-256 in hex: exactly {@code maxLength} characters (one less when the cut
     * would split a surrogate pair).
     *
     * @throws IllegalArgumentException when {@code maxLength} leaves no room for the digest part
     */
    public static String bounded(String id, int maxLength) {
        if (maxLength <= DIGEST_LENGTH) {
            throw new IllegalArgumentException("maxLength must be more than " + DIGEST_LENGTH);
        }
        return shortened(id, maxLength, maxLength - DIGEST_LENGTH);
    }

    /**
     * The id itself when it has at most {@code maxPlain} characters, else its first {@code keptPrefix} characters
     * (one less when the cut would split a surrogate pair) + {@code '~'} + its SHA-256 in hex. For a caller whose
     * stored ids already follow a fixed (maxPlain, keptPrefix) pair.
     */
    public static String shortened(String id, int maxPlain, int keptPrefix) {
        if (keptPrefix < 1) {
            throw new IllegalArgumentException("keptPrefix must be at least 1");
        }
        if (id == null || id.length() <= maxPlain) {
            return id;
        }
        int cut = Character.isHighSurrogate(id.charAt(keptPrefix - 1)) ? keptPrefix - 1 : keptPrefix;
        return id.substring(0, cut) + "~" + sha256Hex(id);
    }

    /** SHA-256 of the text's UTF-8 bytes, 64 lowercase hex digits. */
    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
