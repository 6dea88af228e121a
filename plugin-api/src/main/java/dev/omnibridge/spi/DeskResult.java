package dev.omnibridge.spi;

import java.util.Objects;

/**
 * What a desk made of a delivery.
 *
 * @param ticketRef the ticket the message is on (the new one, or the one it was added to)
 * @param itemId    the desk's id for the comment/note created, or null; lets the hub recognise its own posts
 */
public record DeskResult(String ticketRef, String itemId) {
    public DeskResult {
        Objects.requireNonNull(ticketRef, "ticketRef");
    }
}
