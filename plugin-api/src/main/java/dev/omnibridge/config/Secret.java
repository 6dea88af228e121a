package dev.omnibridge.config;

import java.util.Objects;
import java.util.Optional;

/** A secret setting's value. Its {@code toString} never shows the value, so it can't leak through a log line. */
public final class Secret {
    /** Fewer characters than this and a secret can be guessed: refused by {@link #weakness(String)}. */
    public static final int MIN_LENGTH = 8;
    /** Fewer different characters than this ({@code aaaaaaaaaa}, {@code 1212121212}) and it can be guessed too. */
    public static final int MIN_DISTINCT_CHARACTERS = 5;

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The real value, for the one place that needs it (signing, authenticating). */
    public String reveal() {
        return value;
    }

    /**
     * Why a secret is too weak to use, or empty when it is fine. The reason names the length and the characters,
     * never the value itself. Vendor-issued tokens and ordinary passwords pass; a few characters, a single
     * character repeated, or a value with a line break or tab copied along with it (a control character) do not.
     *
     * @since 0.1.0
     */
    public static Optional<String> weakness(String value) {
        int length = value.codePointCount(0, value.length());
        if (length < MIN_LENGTH) {
            return Optional.of("is too short for a secret: " + length + (length == 1 ? " character" : " characters")
                    + ", at least " + MIN_LENGTH + " are needed");
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            return Optional.of("contains a control character (a line break or tab copied along with the secret?)");
        }
        long distinct = value.codePoints().distinct().count();
        if (distinct < MIN_DISTINCT_CHARACTERS) {
            return Optional.of("is too easy to guess: it uses only " + distinct + " different character"
                    + (distinct == 1 ? "" : "s") + ", at least " + MIN_DISTINCT_CHARACTERS + " are needed");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "******";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && java.security.MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0;
    }
}
