package dev.omnibridge.spi;

import java.util.Objects;

/**
 * A conversation's thread key changed on the channel: the conversation with {@code fromThreadKey} on this instance
 * takes {@code toThreadKey}, so later messages with the new key join it and replies go to the new key. For example a
 * Telegram group upgraded to a supergroup gets a new chat id. The hub moves it in the same unit of work as the rest
 * of the {@link Inbound}, before that unit's messages (which may already carry either key). A move from a key the
 * hub does not know changes nothing; a move onto a key that already has its own conversation changes nothing either
 * (the two are not merged).
 *
 * @param fromThreadKey the key the conversation has now
 * @param toThreadKey   the key it has from now on
 */
public record ThreadMove(String fromThreadKey, String toThreadKey) {
    public ThreadMove {
        Objects.requireNonNull(fromThreadKey, "fromThreadKey");
        Objects.requireNonNull(toThreadKey, "toThreadKey");
        if (fromThreadKey.isBlank() || toThreadKey.isBlank()) {
            throw new IllegalArgumentException("thread keys must not be blank");
        }
    }
}
