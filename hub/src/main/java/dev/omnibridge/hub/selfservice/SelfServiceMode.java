package dev.omnibridge.hub.selfservice;

import java.util.Locale;
import java.util.Optional;

/** What the self-service bot does on a channel instance. */
public enum SelfServiceMode {
    /** Nothing: every customer message goes to the desks as it always did. */
    OFF,
    /** The best answer above the threshold goes to the desks as an internal note; the customer gets nothing. */
    SUGGEST,
    /** The hub answers the customer itself, asks whether it helped, and hands off to a person when it did not. */
    ANSWER;

    /** The mode as written in the configuration ({@code off}, {@code suggest}, {@code answer}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<SelfServiceMode> parse(String text) {
        for (SelfServiceMode m : values()) {
            if (m.key().equals(text)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
