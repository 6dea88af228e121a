package dev.omnibridge.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The canonical message: every channel's traffic is translated into this, and every desk is fed from it.
 *
 * @param id               hub id; null until the hub has stored the message
 * @param direction        inbound from a customer, outbound to a customer, or internal
 * @param channel          connector type and instance the message arrived on or leaves through
 * @param channelMessageId the channel's own id for the message; with the channel instance it is the dedupe key
 * @param threadKey        the channel's conversation key (chat id, phone pair, email thread...); messages with the
 *                         same key on the same instance belong to one conversation
 * @param conversationId   hub conversation id; null until the hub has threaded the message
 * @param author           who wrote it
 * @param subject          subject line, may be null
 * @param text             plain text body, may be empty but not null
 * @param html             sanitised HTML body, may be null
 * @param attachments      files that came with the message
 * @param replyTo          channel message id this message answers, may be null
 * @param channelTimestamp when the channel says the message was sent, may be null
 * @param receivedAt       when the hub received it
 * @param priority         urgency
 * @param language         BCP 47 language tag, may be null
 * @param tags             free labels, e.g. for desk routing
 * @param metadata         channel extras that have no field of their own
 */
public record Message(String id, Direction direction, ChannelRef channel, String channelMessageId, String threadKey,
                      String conversationId, Author author, String subject, String text, String html,
                      List<Attachment> attachments, String replyTo, Instant channelTimestamp, Instant receivedAt,
                      Priority priority, String language, Set<String> tags, Map<String, String> metadata) {

    /**
     * Metadata key a channel sets on a message that is an edit of an earlier one (e.g. Telegram's edited_message):
     * its value is the original's channel message id. The hub adds {@link #EDIT_OF_MESSAGE_ID}, the original's hub
     * id, and desks show the message as an edit rather than as a new one.
     */
    public static final String EDIT_OF = "omnibridge.editOf";
    /** Metadata key the hub sets on an edit: the hub id of the message it edits, when known. */
    public static final String EDIT_OF_MESSAGE_ID = "omnibridge.editOfMessageId";
    /**
     * Metadata key a channel sets on a customer message that must never get an automatic answer (RFC 3834: mailing
     * list mail, bulk mail, another system's automatic message); its value says why, e.g. {@code mailing list
     * (List-Id)}. The hub's acknowledgements skip such a message and show the reason in the conversation's timeline.
     */
    public static final String NO_AUTO_REPLY = "omnibridge.noAutoReply";
    /** Tag of the hub's automatic acknowledgements (author role BOT): desks and channels can tell them apart. */
    public static final String AUTO_ACK_TAG = "auto-ack";
    /**
     * Tag of the hub's self-service answers to customers (author role BOT, issue 21): desks get them as internal
     * notes marked as the bot's, channels may show them as automatic.
     */
    public static final String AUTO_ANSWER_TAG = "auto-answer";

    public Message {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(channelMessageId, "channelMessageId");
        Objects.requireNonNull(threadKey, "threadKey");
        Objects.requireNonNull(author, "author");
        text = text == null ? "" : text;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        priority = priority == null ? Priority.NORMAL : priority;
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * The channel message id of the message this one edits ({@link #EDIT_OF}), or null when it is not an edit.
     * Not a bean-style getter on purpose: the canonical JSON holds the record's components only.
     */
    public String editOf() {
        return metadata.get(EDIT_OF);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().id(id).direction(direction).channel(channel).channelMessageId(channelMessageId)
                .threadKey(threadKey).conversationId(conversationId).author(author).subject(subject).text(text)
                .html(html).attachments(attachments).replyTo(replyTo).channelTimestamp(channelTimestamp)
                .receivedAt(receivedAt).priority(priority).language(language).tags(tags).metadata(metadata);
    }

    /** Builds a {@link Message}; only direction, channel, channelMessageId, threadKey and author are required. */
    public static final class Builder {
        private String id;
        private Direction direction = Direction.INBOUND;
        private ChannelRef channel;
        private String channelMessageId;
        private String threadKey;
        private String conversationId;
        private Author author;
        private String subject;
        private String text;
        private String html;
        private List<Attachment> attachments;
        private String replyTo;
        private Instant channelTimestamp;
        private Instant receivedAt;
        private Priority priority;
        private String language;
        private Set<String> tags;
        private Map<String, String> metadata;

        private Builder() {
        }

        public Builder id(String v) { id = v; return this; }
        public Builder direction(Direction v) { direction = v; return this; }
        public Builder channel(ChannelRef v) { channel = v; return this; }
        public Builder channelMessageId(String v) { channelMessageId = v; return this; }
        public Builder threadKey(String v) { threadKey = v; return this; }
        public Builder conversationId(String v) { conversationId = v; return this; }
        public Builder author(Author v) { author = v; return this; }
        public Builder subject(String v) { subject = v; return this; }
        public Builder text(String v) { text = v; return this; }
        public Builder html(String v) { html = v; return this; }
        public Builder attachments(List<Attachment> v) { attachments = v; return this; }
        public Builder replyTo(String v) { replyTo = v; return this; }
        public Builder channelTimestamp(Instant v) { channelTimestamp = v; return this; }
        public Builder receivedAt(Instant v) { receivedAt = v; return this; }
        public Builder priority(Priority v) { priority = v; return this; }
        public Builder language(String v) { language = v; return this; }
        public Builder tags(Set<String> v) { tags = v; return this; }
        public Builder metadata(Map<String, String> v) { metadata = v; return this; }

        public Message build() {
            return new Message(id, direction, channel, channelMessageId, threadKey, conversationId, author, subject,
                    text, html, attachments, replyTo, channelTimestamp, receivedAt, priority, language, tags, metadata);
        }
    }
}
