package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.Inbound;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Records the widget's "delivered" and "read" receipts as delivery statuses. Only replies of the visitor's own
 * conversation count (a visitor cannot mark another conversation's replies), and each state is recorded once.
 */
final class ReceiptRecorder {
    /** How far back a receipt may reach: the replies the widget can still show. */
    private static final int RECENT = 500;

    private final VisitorRegistry visitors;

    ReceiptRecorder(VisitorRegistry visitors) {
        this.visitors = visitors;
    }

    /** Records DELIVERED/READ for replies of the visitor's own conversation; returns how many were news. */
    int record(ChatInstance r, String key, JsonNode delivered, JsonNode read) {
        Visitor v = visitors.visitor(key);
        List<String> wantDelivered = VisitorInput.receiptIds(delivered);
        List<String> wantRead = VisitorInput.receiptIds(read);
        if (wantDelivered.isEmpty() && wantRead.isEmpty()) {
            return 0;
        }
        Optional<Conversation> conversation = r.context().findConversation(key);
        if (conversation.isEmpty()) {
            return 0;
        }
        Set<String> ours = new HashSet<>();
        for (Message m : r.context().recentMessages(conversation.get().id(), RECENT)) {
            if (m.direction() == Direction.OUTBOUND && m.id() != null) {
                ours.add(Frames.outboundId(m, m.id()));
            }
        }
        Instant now = r.clock().instant();
        List<DeliveryStatus> statuses = new ArrayList<>();
        for (String id : wantDelivered) {
            // READ implies DELIVERED: a late "delivered" after "read" is not news.
            if (ours.contains(id) && !v.delivered.contains(id) && !v.read.contains(id)) {
                statuses.add(new DeliveryStatus(id, DeliveryStatus.State.DELIVERED, null, null, now));
            }
        }
        for (String id : wantRead) {
            if (ours.contains(id) && !v.read.contains(id)) {
                statuses.add(new DeliveryStatus(id, DeliveryStatus.State.READ, null, null, now));
            }
        }
        if (statuses.isEmpty()) {
            return 0;
        }
        r.store(Inbound.statuses(statuses));
        for (DeliveryStatus s : statuses) {
            (s.state() == DeliveryStatus.State.READ ? v.read : v.delivered).add(s.channelMessageId());
        }
        return statuses.size();
    }
}
