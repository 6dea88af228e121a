package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.spi.DeskReply;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whom Freshdesk itself emailed an agent's Reply to: the conversation's {@code to_emails}, {@code cc_emails} and
 * {@code bcc_emails}, as the value of {@link DeskReply#DELIVERED_TO}. Only a Reply (source 0) is that email; a
 * public note's {@code to_emails} are the agents it notifies, not a send to the customer, so a note names nobody.
 */
final class ReplyRecipients {
    /** Conversation source of an agent's Reply, which Freshdesk sends as an email. */
    static final int REPLY = 0;

    private ReplyRecipients() {
    }

    /** The addresses, lower-case, comma-separated, each once; empty for a note or a Reply without addresses. */
    static Optional<String> of(JsonNode conversation) {
        if (conversation.path("source").asInt(-1) != REPLY) {
            return Optional.empty();
        }
        Set<String> addresses = new LinkedHashSet<>();
        for (String field : new String[] {"to_emails", "cc_emails", "bcc_emails"}) {
            for (JsonNode a : conversation.path(field)) {
                String value = bare(a.asText(""));
                if (value.indexOf('@') > 0 && value.indexOf(',') < 0) {
                    addresses.add(value.toLowerCase(Locale.ROOT));
                }
            }
        }
        return addresses.isEmpty() ? Optional.empty() : Optional.of(String.join(",", addresses));
    }

    /** The address of {@code "Name" <address>}, or the text itself. */
    private static String bare(String text) {
        int open = text.lastIndexOf('<');
        int close = text.lastIndexOf('>');
        return (open >= 0 && close > open ? text.substring(open + 1, close) : text).strip();
    }
}
