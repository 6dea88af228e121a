package dev.omnibridge.model;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** Where a participant can be reached on a channel. Values are normalised so that equal addresses compare equal. */
public record Address(AddressKind kind, String value) {
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    public Address {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        value = value.strip();
        switch (kind) {
            case PHONE -> {
                if (!E164.matcher(value).matches()) {
                    throw new IllegalArgumentException("phone address must be E.164 (+ and 7 to 15 digits)");
                }
            }
            case EMAIL -> {
                value = value.toLowerCase(Locale.ROOT);
                int at = value.indexOf('@');
                if (at <= 0 || at != value.lastIndexOf('@') || at == value.length() - 1) {
                    throw new IllegalArgumentException("email address must have exactly one @ with text on both sides");
                }
            }
            case CHAT_USER -> {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("chat user id must not be empty");
                }
            }
        }
    }

    public static Address phone(String e164) {
        return new Address(AddressKind.PHONE, e164);
    }

    public static Address email(String email) {
        return new Address(AddressKind.EMAIL, email);
    }

    public static Address chatUser(String id) {
        return new Address(AddressKind.CHAT_USER, id);
    }

    /** Masked so that a log line never carries the full address. */
    @Override
    public String toString() {
        return kind + ":" + dev.omnibridge.privacy.Redact.address(this);
    }
}
