package dev.omnibridge.hub.mirror;

import dev.omnibridge.hub.inbox.ConsoleInbox;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.Choices;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * How the other desks see what happened at one desk: an internal note saying who did what where (the desk, its
 * ticket), with the reply's text. The marks in the note's metadata say it is a copy, so that nothing ever copies it
 * again.
 */
public final class MirrorNotes {
    /** Tag of every note the mirror writes to a desk. */
    public static final String TAG = "mirrored";
    /** Tag of the notes that tell of a status change. */
    public static final String STATUS_TAG = "mirrored-status";
    /** Metadata: the desk (or console inbox) instance where the reply was given or the status changed. */
    public static final String FROM_DESK = "omnibridge.mirror.fromDesk";
    /** Metadata: that desk's ticket. */
    public static final String FROM_TICKET = "omnibridge.mirror.fromTicket";
    /** Metadata: the desk's id of the reply (its comment id). */
    public static final String FROM_REPLY = "omnibridge.mirror.fromReply";
    /** Metadata: the status a status note tells of. */
    public static final String STATUS = "omnibridge.mirror.status";

    // The keys the hub sets on a desk's reply (InboundWriter): a copy for another desk must not claim that ticket.
    static final String DESK_INSTANCE = "desk.instance";
    static final String DESK_TICKET = "desk.ticketRef";
    static final String DESK_REPLY = "desk.replyId";

    private MirrorNotes() {
    }

    /** Whether {@code m} is an agent's reply given at a desk or in the console inbox (the hub stored it from there). */
    public static boolean isDeskReply(Message m) {
        return m.direction() == Direction.OUTBOUND && m.metadata().containsKey(DESK_INSTANCE);
    }

    /** Whether {@code m} is, or came from, one of the mirror's copies: never mirrored again. */
    public static boolean isCopy(Message m) {
        return m.metadata().containsKey(FROM_DESK) || m.tags().contains(TAG);
    }

    /**
     * The reply as another desk gets it: an internal note with the origin in its first line and metadata, the reply's
     * text and attachments after it; the same message id, so each desk's delivery has its own idempotency key.
     */
    public static Message replyAsNote(Message reply) {
        Map<String, String> metadata = new HashMap<>(reply.metadata());
        String desk = metadata.remove(DESK_INSTANCE);
        String ticket = metadata.remove(DESK_TICKET);
        String replyId = metadata.remove(DESK_REPLY);
        // Options offered were for the customer's channel; a desk would only mistake them for its own.
        metadata.remove(Choices.OFFERED);
        metadata.put(FROM_DESK, desk);
        if (ticket != null) {
            metadata.put(FROM_TICKET, ticket);
        }
        if (replyId != null) {
            metadata.put(FROM_REPLY, replyId);
        }
        Set<String> tags = new LinkedHashSet<>(reply.tags());
        tags.add(TAG);
        String text = "Reply sent to the customer by " + who(reply.author()) + " " + where(desk, ticket,
                reply.conversationId()) + ":\n\n" + reply.text();
        return reply.toBuilder().direction(Direction.INTERNAL).metadata(metadata).tags(tags).text(text)
                .html(null).build();
    }

    /** The text of a status note: "Conversation resolved at desk, ticket T-1." */
    static String statusText(ConversationStatus before, ConversationStatus now, String desk, String ticket,
                             String conversationId) {
        String what = now == ConversationStatus.RESOLVED ? "resolved"
                : before == ConversationStatus.RESOLVED && now == ConversationStatus.OPEN ? "reopened"
                : "set to " + now.name().toLowerCase(java.util.Locale.ROOT);
        return "Conversation " + what + " " + where(desk, ticket, conversationId) + ".";
    }

    /** "at zendesk, ticket 123" or "in the console inbox (inbox)". */
    static String where(String desk, String ticket, String conversationId) {
        if (ticket == null) {
            return "at " + desk;
        }
        // The console inbox's ticket is the conversation itself: its reference says nothing to an agent.
        return ticket.equals(ConsoleInbox.ticketRef(conversationId)) ? "in the console inbox (" + desk + ")"
                : "at " + desk + ", ticket " + ticket;
    }

    private static String who(Author author) {
        if (author == null) {
            return "an agent";
        }
        if (author.displayName() != null && !author.displayName().isBlank()) {
            return author.displayName().strip();
        }
        return author.role() == null ? "an agent" : "the " + author.role().name().toLowerCase(java.util.Locale.ROOT);
    }
}
