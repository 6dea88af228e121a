package dev.omnibridge.connector.webchat;

import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a reply should leave through the follow-up channel instead of the chat: only when the visitor is
 * gone (no socket open and not seen for {@code handOffAfter}), left an email (typed, or verified by the site), and a
 * follow-up channel is configured.
 * A visitor who is merely between requests keeps getting replies in the chat history.
 */
final class HandOffPolicy {
    /** How many recent messages are searched for the email after a restart emptied the visitors' memory. */
    private static final int RECENT = 50;

    private final VisitorRegistry visitors;

    HandOffPolicy(VisitorRegistry visitors) {
        this.visitors = visitors;
    }

    /** The email to hand a reply off to, or empty to keep it in the chat. */
    Optional<String> handOffAddress(ChatInstance r, Conversation conversation) {
        if (r.followUpChannel().isEmpty()) {
            return Optional.empty();
        }
        Visitor v = visitors.find(conversation.threadKey());
        if (v != null && !v.sockets.isEmpty()) {
            return Optional.empty();
        }
        // Unknown since a restart: count from the start, so a restart alone does not hand everyone off.
        Instant lastSeen = v != null ? v.lastSeen : r.startedAt();
        if (lastSeen.plus(r.handOffAfter()).isAfter(r.clock().instant())) {
            return Optional.empty();
        }
        String email = v == null ? null : v.email;
        if (email == null) {
            List<Message> recent = r.context().recentMessages(conversation.id(), RECENT);
            for (int i = recent.size() - 1; i >= 0 && email == null; i--) {
                Message m = recent.get(i);
                if (m.direction() == Direction.INBOUND) {
                    email = m.metadata().get(WebchatConnector.META_EMAIL);
                }
            }
        }
        if (email == null && conversation.customer() != null && conversation.customer().kind() == AddressKind.EMAIL) {
            // A visitor the site vouched for (identity verification) is reached at that email without typing it.
            email = conversation.customer().value();
        }
        return Optional.ofNullable(email);
    }
}
