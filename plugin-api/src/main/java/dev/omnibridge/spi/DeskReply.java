package dev.omnibridge.spi;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An agent's public reply on a desk ticket, to go back to the customer. The hub finds the conversation through
 * the ticket reference and sends the reply out through the channel the conversation came from.
 *
 * <p>Build one with {@link #builder(String, String, Author)}: the record may gain components, and its constructor
 * stays only for plugins compiled against older versions of this API.
 *
 * @param ticketRef the desk's ticket reference
 * @param replyId   the desk's id for the reply (comment id); with the desk instance it is the dedupe key
 * @param author    the agent (or bot)
 * @param text      plain text
 * @param html      sanitised HTML, may be null
 * @param attachments files, already in the hub's attachment storage or at a URL
 * @param createdAt when the desk recorded the reply
 * @param metadata  desk extras
 */
public record DeskReply(String ticketRef, String replyId, Author author, String text, String html,
                        List<Attachment> attachments, Instant createdAt, Map<String, String> metadata) {
    /**
     * Metadata key for the hub conversation id the desk stored on the ticket (its external id field). The hub uses it
     * when the ticket is not linked to a conversation yet, e.g. an agent answered a fresh ticket before the hub
     * recorded the desk's answer to the creating call.
     */
    public static final String CONVERSATION_ID = "omnibridge.conversationId";

    /**
     * Metadata key for the email addresses the desk itself already sent this reply to (e.g. the To, Cc and Bcc of an
     * email an agent sent from the ticket), comma-separated (semicolons and line breaks are accepted too; surrounding
     * white space and letter case do not matter). When the conversation's customer has one of these addresses, the
     * hub stores the reply as usual but does not send it through the customer's channel again: its channel delivery
     * is recorded as sent by the desk. Other customers (another address, another kind of address) still get it
     * through their channel. The hub uses the list for this decision only: it is not kept with the stored reply nor
     * passed to the channel. Leave it out when the desk sent nothing itself. Never log its value.
     */
    public static final String DELIVERED_TO = "omnibridge.deliveredTo";

    /** @deprecated use {@link #builder}: this constructor changes whenever a component is added */
    @Deprecated(since = "1.1.0")
    public DeskReply {
        Objects.requireNonNull(ticketRef, "ticketRef");
        Objects.requireNonNull(replyId, "replyId");
        Objects.requireNonNull(author, "author");
        text = text == null ? "" : text;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * A builder for the reply {@code replyId} on ticket {@code ticketRef} by {@code author}; the rest is optional
     * (empty text, no HTML, no attachments, no time, no metadata).
     */
    public static Builder builder(String ticketRef, String replyId, Author author) {
        return new Builder(ticketRef, replyId, author);
    }

    /** A builder holding this reply, to change part of it. */
    public Builder toBuilder() {
        return new Builder(ticketRef, replyId, author).text(text).html(html).attachments(attachments)
                .createdAt(createdAt).metadata(metadata);
    }

    /** Builds a {@link DeskReply}. Not thread-safe. */
    public static final class Builder {
        private final String ticketRef;
        private final String replyId;
        private Author author;
        private String text;
        private String html;
        private List<Attachment> attachments;
        private Instant createdAt;
        private Map<String, String> metadata;

        private Builder(String ticketRef, String replyId, Author author) {
            this.ticketRef = ticketRef;
            this.replyId = replyId;
            this.author = author;
        }

        /** The agent (or bot), replacing the one given to {@link DeskReply#builder}. */
        public Builder author(Author author) {
            this.author = author;
            return this;
        }

        /** Plain text (null: empty). */
        public Builder text(String text) {
            this.text = text;
            return this;
        }

        /** Sanitised HTML, or null. */
        public Builder html(String html) {
            this.html = html;
            return this;
        }

        /** Files, already in the hub's attachment storage or at a URL. */
        public Builder attachments(List<Attachment> attachments) {
            this.attachments = attachments;
            return this;
        }

        /** When the desk recorded the reply. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Desk extras, e.g. {@link #CONVERSATION_ID} or {@link #DELIVERED_TO}. */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        public DeskReply build() {
            return new DeskReply(ticketRef, replyId, author, text, html, attachments, createdAt, metadata);
        }
    }
}
