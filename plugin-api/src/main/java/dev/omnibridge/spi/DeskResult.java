package dev.omnibridge.spi;

import java.util.Objects;

/**
 * What a desk made of a delivery. Make one with {@link #of(String, String)} (or {@link #of(String)}): the record may
 * gain components, and its constructor stays only for plugins compiled against older versions of this API.
 *
 * @param ticketRef the ticket the message is on (the new one, or the one it was added to)
 * @param itemId    the desk's id for the comment/note created, or null; lets the hub recognise its own posts
 */
public record DeskResult(String ticketRef, String itemId) {
    /** @deprecated use {@link #of(String, String)}: this constructor changes whenever a component is added */
    @Deprecated(since = "1.1.0")
    public DeskResult {
        Objects.requireNonNull(ticketRef, "ticketRef");
    }

    /**
     * The message is on ticket {@code ticketRef} as the desk's item {@code itemId}.
     *
     * @param itemId the desk's id for the comment/note created, or null when the desk gives none
     */
    public static DeskResult of(String ticketRef, String itemId) {
        return new DeskResult(ticketRef, itemId);
    }

    /** The message is on ticket {@code ticketRef}; the desk gave no id for the item it created. */
    public static DeskResult of(String ticketRef) {
        return of(ticketRef, null);
    }
}
