package dev.omnibridge.spi;

import dev.omnibridge.model.Message;

import java.util.List;
import java.util.Map;

/**
 * Everything a connector hands the hub at once: the hub stores all of it in one transaction, or none of it.
 *
 * @param messages        canonical messages from customers (channel connectors)
 * @param replies         agents' replies (desk connectors)
 * @param ticketUpdates   ticket state changes (desk connectors)
 * @param offsets         poll positions to save with the above, e.g. {@code updateId -> 8123}
 * @param skipped         items received but not turned into messages (noise, unreadable input)
 * @param statuses        delivery reports for messages the hub sent (channel connectors)
 * @param addressStatuses opt-outs, opt-ins and blocks (channel connectors)
 * @param annotations     metadata for messages already stored, e.g. reactions (channel connectors)
 * @param threadMoves     conversations whose thread key changed on the channel (channel connectors); applied before
 *                        the messages
 */
public record Inbound(List<Message> messages, List<DeskReply> replies, List<TicketUpdate> ticketUpdates,
                      Map<String, String> offsets, List<Skipped> skipped, List<DeliveryStatus> statuses,
                      List<AddressStatus> addressStatuses, List<MessageAnnotation> annotations,
                      List<ThreadMove> threadMoves) {
    public Inbound {
        messages = messages == null ? List.of() : List.copyOf(messages);
        replies = replies == null ? List.of() : List.copyOf(replies);
        ticketUpdates = ticketUpdates == null ? List.of() : List.copyOf(ticketUpdates);
        offsets = offsets == null ? Map.of() : Map.copyOf(offsets);
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
        statuses = statuses == null ? List.of() : List.copyOf(statuses);
        addressStatuses = addressStatuses == null ? List.of() : List.copyOf(addressStatuses);
        annotations = annotations == null ? List.of() : List.copyOf(annotations);
        threadMoves = threadMoves == null ? List.of() : List.copyOf(threadMoves);
    }

    /** The form before {@code threadMoves} existed. */
    public Inbound(List<Message> messages, List<DeskReply> replies, List<TicketUpdate> ticketUpdates,
                   Map<String, String> offsets, List<Skipped> skipped, List<DeliveryStatus> statuses,
                   List<AddressStatus> addressStatuses, List<MessageAnnotation> annotations) {
        this(messages, replies, ticketUpdates, offsets, skipped, statuses, addressStatuses, annotations, null);
    }

    public Inbound(List<Message> messages, List<DeskReply> replies, List<TicketUpdate> ticketUpdates,
                   Map<String, String> offsets) {
        this(messages, replies, ticketUpdates, offsets, null, null, null, null, null);
    }

    public static Inbound none() {
        return new Inbound(null, null, null, null);
    }

    public static Inbound messages(List<Message> messages) {
        return new Inbound(messages, null, null, null);
    }

    public static Inbound replies(List<DeskReply> replies) {
        return new Inbound(null, replies, null, null);
    }

    public static Inbound skipped(Skipped skipped) {
        return none().withSkipped(List.of(skipped));
    }

    public static Inbound statuses(List<DeliveryStatus> statuses) {
        return none().withStatuses(statuses);
    }

    public Inbound withOffsets(Map<String, String> newOffsets) {
        return new Inbound(messages, replies, ticketUpdates,
                newOffsets, skipped, statuses, addressStatuses, annotations, threadMoves);
    }

    public Inbound withTicketUpdates(List<TicketUpdate> updates) {
        return new Inbound(messages, replies, updates, offsets, skipped, statuses, addressStatuses, annotations,
                threadMoves);
    }

    public Inbound withSkipped(List<Skipped> items) {
        return new Inbound(messages, replies, ticketUpdates, offsets, items, statuses, addressStatuses, annotations,
                threadMoves);
    }

    public Inbound withStatuses(List<DeliveryStatus> reports) {
        return new Inbound(messages, replies, ticketUpdates, offsets, skipped, reports, addressStatuses, annotations,
                threadMoves);
    }

    public Inbound withAddressStatuses(List<AddressStatus> changes) {
        return new Inbound(messages, replies, ticketUpdates, offsets, skipped, statuses, changes, annotations,
                threadMoves);
    }

    public Inbound withAnnotations(List<MessageAnnotation> notes) {
        return new Inbound(messages, replies, ticketUpdates, offsets, skipped, statuses, addressStatuses, notes,
                threadMoves);
    }

    public Inbound withThreadMoves(List<ThreadMove> moves) {
        return new Inbound(messages, replies, ticketUpdates, offsets, skipped, statuses, addressStatuses, annotations,
                moves);
    }

    public boolean isEmpty() {
        return messages.isEmpty() && replies.isEmpty() && ticketUpdates.isEmpty() && offsets.isEmpty()
                && skipped.isEmpty() && statuses.isEmpty() && addressStatuses.isEmpty()
                && annotations.isEmpty() && threadMoves.isEmpty();
    }
}
