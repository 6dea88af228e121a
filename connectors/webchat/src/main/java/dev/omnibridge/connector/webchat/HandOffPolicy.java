package dev.omnibridge.connector.webchat;

import dev.omnibridge.live.LiveFanout;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Conversation;

import java.time.Instant;
import java.util.Optional;

/**
 * Decides what becomes of a reply no open chat can show. A visitor who is merely between requests (seen within
 * {@code handOffAfter}) keeps getting replies in the chat history. A visitor gone for longer cannot be reached here:
 * with a follow-up channel configured and an email the site vouched for (identity verification) the reply is handed
 * off to that email; otherwise the channel says the customer is unreachable and the hub decides (its
 * {@code identity.replyFallback}, else a dead letter and a note to the desk).
 *
 * <p>An email a visitor merely typed into the chat is never used: anyone can type anyone's address, and a reply may
 * carry what only the real customer should read. It becomes a proposed link for an agent to decide, not a route.
 */
final class HandOffPolicy {
    private final VisitorRegistry visitors;

    HandOffPolicy(VisitorRegistry visitors) {
        this.visitors = visitors;
    }

    /**
     * Whether the visitor of the conversation has been gone (no socket, not seen) for longer than handOffAfter, on
     * this hub node and (issue 25) on the others: a socket open on another node means there, and the latest sighting
     * on any node counts.
     */
    boolean gone(ChatInstance r, Conversation conversation) {
        String key = conversation.threadKey();
        Visitor v = visitors.find(key);
        if (v != null && !v.sockets.isEmpty()) {
            return false;
        }
        // Unknown since a restart: count from the start, so a restart alone does not make everyone gone.
        Instant lastSeen = v != null ? v.lastSeen : r.startedAt();
        Instant now = r.clock().instant();
        if (lastSeen.plus(r.handOffAfter()).isAfter(now)) {
            return false;
        }
        LiveFanout fanout = r.context().liveFanout();
        if (fanout.connectedElsewhere(key)) {
            return false;
        }
        Instant elsewhere = fanout.lastSeen(key).orElse(Instant.EPOCH);
        return !elsewhere.plus(r.handOffAfter()).isAfter(now);
    }

    /** The site-verified email to hand a reply off to, or empty: no follow-up channel, or no verified email. */
    Optional<String> handOffAddress(ChatInstance r, Conversation conversation) {
        if (r.followUpChannel().isEmpty() || conversation.customer() == null
                || conversation.customer().kind() != AddressKind.EMAIL) {
            return Optional.empty();
        }
        // The conversation's customer is an email only when the site signed it for its visitor (VisitorMessages).
        return Optional.of(conversation.customer().value());
    }
}
