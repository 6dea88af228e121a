package dev.omnibridge.testkit.contract;

/**
 * What the hub keys one inbound item by: its dedupe id (a channel message id, a desk reply id) and the thread
 * (ordering) key that says which conversation it belongs to and in which order it is handled.
 *
 * @param kind      what the item is ({@code message}, {@code reply}, {@code ticketUpdate}), for failure messages
 * @param dedupeId  the id the hub dedupes on; null for items without one (ticket updates)
 * @param threadKey the thread key (a channel's) or ticket reference (a desk's)
 */
public record InboundKey(String kind, String dedupeId, String threadKey) {
}
