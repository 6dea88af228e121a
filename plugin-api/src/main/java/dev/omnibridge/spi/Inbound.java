package dev.omnibridge.spi;

import dev.omnibridge.model.Message;

import java.util.List;
import java.util.Map;

/**
 * Everything a connector hands the hub at once: the hub stores all of it in one transaction, or none of it.
 *
 * <p>Build one with {@link #builder()} (or the factories and {@code with...} methods): the record gains components
 * as the hub learns new kinds of input, and its constructors are kept only for plugins compiled against older
 * versions of this API.
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
    /** @deprecated use {@link #builder()}: this constructor changes whenever a component is added */
    @Deprecated(since = "1.1.0")
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

    /**
     * The form before {@code threadMoves} existed.
     *
     * @deprecated use {@link #builder()}
     */
    @Deprecated(since = "1.1.0")
    public Inbound(List<Message> messages, List<DeskReply> replies, List<TicketUpdate> ticketUpdates,
                   Map<String, String> offsets, List<Skipped> skipped, List<DeliveryStatus> statuses,
                   List<AddressStatus> addressStatuses, List<MessageAnnotation> annotations) {
        this(messages, replies, ticketUpdates, offsets, skipped, statuses, addressStatuses, annotations, null);
    }

    /** @deprecated use {@link #builder()} */
    @Deprecated(since = "1.1.0")
    public Inbound(List<Message> messages, List<DeskReply> replies, List<TicketUpdate> ticketUpdates,
                   Map<String, String> offsets) {
        this(messages, replies, ticketUpdates, offsets, null, null, null, null, null);
    }

    /** An empty builder: set what this batch carries, leave the rest out. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this batch's content, to change part of it. */
    public Builder toBuilder() {
        return new Builder().messages(messages).replies(replies).ticketUpdates(ticketUpdates).offsets(offsets)
                .skipped(skipped).statuses(statuses).addressStatuses(addressStatuses).annotations(annotations)
                .threadMoves(threadMoves);
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

    /**
     * Builds an {@link Inbound}. Every part is optional (null or unset is empty); a setter called twice keeps the
     * later value. Not thread-safe.
     */
    public static final class Builder {
        private List<Message> messages;
        private List<DeskReply> replies;
        private List<TicketUpdate> ticketUpdates;
        private Map<String, String> offsets;
        private List<Skipped> skipped;
        private List<DeliveryStatus> statuses;
        private List<AddressStatus> addressStatuses;
        private List<MessageAnnotation> annotations;
        private List<ThreadMove> threadMoves;

        private Builder() {
        }

        /** Canonical messages from customers (channel connectors). */
        public Builder messages(List<Message> messages) {
            this.messages = messages;
            return this;
        }

        /** Agents' replies (desk connectors). */
        public Builder replies(List<DeskReply> replies) {
            this.replies = replies;
            return this;
        }

        /** Ticket state changes (desk connectors). */
        public Builder ticketUpdates(List<TicketUpdate> ticketUpdates) {
            this.ticketUpdates = ticketUpdates;
            return this;
        }

        /** Poll positions saved in the same transaction, e.g. {@code updateId -> 8123}. */
        public Builder offsets(Map<String, String> offsets) {
            this.offsets = offsets;
            return this;
        }

        /** Items received but not turned into messages. */
        public Builder skipped(List<Skipped> skipped) {
            this.skipped = skipped;
            return this;
        }

        /** Delivery reports for messages the hub sent (channel connectors). */
        public Builder statuses(List<DeliveryStatus> statuses) {
            this.statuses = statuses;
            return this;
        }

        /** Opt-outs, opt-ins and blocks (channel connectors). */
        public Builder addressStatuses(List<AddressStatus> addressStatuses) {
            this.addressStatuses = addressStatuses;
            return this;
        }

        /** Metadata for messages already stored, e.g. reactions (channel connectors). */
        public Builder annotations(List<MessageAnnotation> annotations) {
            this.annotations = annotations;
            return this;
        }

        /** Conversations whose thread key changed on the channel; applied before the messages. */
        public Builder threadMoves(List<ThreadMove> threadMoves) {
            this.threadMoves = threadMoves;
            return this;
        }

        public Inbound build() {
            return new Inbound(messages, replies, ticketUpdates, offsets, skipped, statuses, addressStatuses,
                    annotations, threadMoves);
        }
    }
}
