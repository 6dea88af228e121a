package dev.omnibridge.model;

import java.util.Objects;

/**
 * One reply option the hub offers with an outbound message (a button, a quick reply): {@link Choices} says how it
 * travels.
 *
 * @param id    what the hub gets back when the customer picks it ({@link Choices#CHOSEN}); short, ASCII: 1-64
 *              letters, digits, {@code _ . : -} ({@link Choices#plausibleId}), which every channel's buttons carry
 * @param title what the customer sees (channels may cut it: WhatsApp buttons take 20 characters, Messenger 20)
 */
public record Choice(String id, String title) {
    public Choice {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        if (id.isBlank() || title.isBlank()) {
            throw new IllegalArgumentException("a choice needs an id and a title");
        }
    }
}
