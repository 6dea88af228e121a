package dev.omnibridge.hub.identity;

import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.ContactQueries;
import dev.omnibridge.hub.store.InternalNote;
import dev.omnibridge.model.Message;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The note a new ticket gets when its customer wrote on other channels recently ({@code identity.historyNote}): one
 * line per other conversation (channel, day, status, console link) and a link to the contact's page. No message text:
 * the agent follows the links. Queued like any internal note, through the outbox, after the conversation's first
 * message, so the desk adds it to the ticket that message opens.
 */
public final class HistoryNotes {
    /** Tag of the note (desks may show or route by it). */
    public static final String TAG = "contact-history";
    /** Its source id prefix: one note per conversation. */
    static final String SOURCE_PREFIX = "notice:history:";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /** Stores the hub's note in its conversation and queues it to the desks ({@code InboundWriter::storeInternalNote}). */
    @FunctionalInterface
    public interface NoteStore {
        List<String> store(Connection c, AfterCommit after, InternalNote note, Instant now) throws SQLException;
    }

    private final HistoryNoteConfig config;
    private final String consoleUrl;
    private final NoteStore notes;

    public HistoryNotes(HistoryNoteConfig config, URI publicUrl, NoteStore notes) {
        this.config = config;
        String base = publicUrl == null ? "" : publicUrl.toString();
        this.consoleUrl = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/console/";
        this.notes = notes;
    }

    /** The console page of a contact. */
    public String contactLink(String contactId) {
        return consoleUrl + "#contacts/" + contactId;
    }

    /** The console page of a conversation. */
    public String conversationLink(String conversationId) {
        return consoleUrl + "#conversations/" + conversationId;
    }

    /** Writes the note for the conversation {@code first} opened, when the contact has other recent conversations. */
    public void conversationOpened(Connection c, AfterCommit after, Message first, String contactId, Instant now)
            throws SQLException {
        if (!config.enabled()) {
            return;
        }
        List<ContactQueries.Elsewhere> others = ContactQueries.recentElsewhere(c, contactId,
                first.channel().instanceId(), now.minus(Duration.ofDays(config.days())), config.max());
        if (others.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder("This customer wrote on other channels recently:\n");
        for (ContactQueries.Elsewhere o : others) {
            text.append("- ").append(o.channel()).append(", ").append(DAY.format(o.lastAt())).append(", ")
                    .append(o.status()).append(": ").append(conversationLink(o.id())).append('\n');
        }
        text.append("All of the customer's conversations: ").append(contactLink(contactId));
        notes.store(c, after, new InternalNote(first.conversationId(), first.channel().instanceId(),
                SOURCE_PREFIX + first.conversationId(), text.toString(), Set.of(TAG), null,
                Map.of("omnibridge.contactId", contactId)), now);
    }
}
