package dev.omnibridge.hub.store;

import dev.omnibridge.model.ConversationStatus;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a stored message changes on its conversation: it (re)opens it, and it moves its "last message at", which
 * orders the console's list. Updating the conversation's row for every message was one statement per message, and
 * H2 rewrites every index of a row it updates; so here:
 * <ul>
 *   <li>the status change to OPEN stays in the message's own transaction (a desk may have resolved the
 *   conversation), but only for conversations not known to be OPEN: learnt after commits, forgotten the moment a
 *   unit changes a conversation's status ({@link #statusChanging});</li>
 *   <li>"last message at" is noted after commit and written by {@link #flush()}, which the journal runs a few times
 *   a second: one UPDATE per conversation that had messages since, whatever their number. A crash loses what was
 *   not written yet (never a message: the time only orders the console's list).</li>
 * </ul>
 * Both rely on this node's writer being the only one that changes conversations. A store shared by several nodes
 * must use {@link InboundWriter.Mode#SHARED_STORE}: then every message runs the exact statement in its transaction.
 * Writer thread only (units and their after-commit actions), so nothing here is synchronised.
 */
final class ConversationActivity {
    /** The resolution of "last message at" when every message runs the statement itself. */
    static final Duration RESOLUTION = Duration.ofSeconds(1);
    private static final int MAX_KNOWN_OPEN = 50_000;
    /** Conversations written per flush at most, so that no group commit gets a long run of them at once. */
    static final int MAX_PER_FLUSH = 256;

    private final boolean exact;
    private final Set<String> knownOpen = new HashSet<>();
    private final Map<String, Instant> lastMessageAt = new LinkedHashMap<>(); // oldest noted first
    private long statusChanges;

    ConversationActivity(boolean exact) {
        this.exact = exact;
    }

    /** A message of the conversation is stored in the current transaction. */
    void messageStored(Connection c, AfterCommit after, String conversationId, Instant now) throws SQLException {
        if (exact) {
            Sql.update(c, "UPDATE conversations SET last_message_at = ?, status = ? WHERE id = ? "
                    + "AND (status <> ? OR last_message_at < ?)", now, ConversationStatus.OPEN, conversationId,
                    ConversationStatus.OPEN, now.minus(RESOLUTION));
            return;
        }
        ensureOpen(c, after, conversationId, now);
        noteLastMessage(after, conversationId, now);
    }

    /**
     * A message of the conversation is stored in the current transaction that must not reopen it (the hub's own:
     * a survey, a note; a customer's message an automation kept): only its time is noted.
     */
    void messageStoredWithoutReopening(Connection c, AfterCommit after, String conversationId, Instant now)
            throws SQLException {
        if (exact) {
            Sql.update(c, "UPDATE conversations SET last_message_at = ? WHERE id = ? AND last_message_at < ?", now,
                    conversationId, now);
            return;
        }
        noteLastMessage(after, conversationId, now);
    }

    /**
     * Another message of a conversation that {@link #messageStored} saw in the same transaction: only its time is
     * noted (exactly: the statement again).
     */
    void anotherMessageStored(Connection c, AfterCommit after, String conversationId, Instant now)
            throws SQLException {
        if (exact) {
            messageStored(c, after, conversationId, now);
        } else {
            noteLastMessage(after, conversationId, now);
        }
    }

    private void noteLastMessage(AfterCommit after, String conversationId, Instant now) {
        after.run(() -> lastMessageAt.merge(conversationId, now, (a, b) -> a.isAfter(b) ? a : b));
    }

    /**
     * Reopens the conversation in the current transaction unless it is known to be OPEN; true when it ran the
     * statement.
     */
    private boolean ensureOpen(Connection c, AfterCommit after, String conversationId, Instant now)
            throws SQLException {
        if (knownOpen.contains(conversationId)) {
            return false;
        }
        Sql.update(c, "UPDATE conversations SET status = ?, last_message_at = ? WHERE id = ? AND status <> ?",
                ConversationStatus.OPEN, now, conversationId, ConversationStatus.OPEN);
        // Known OPEN once committed, unless a later unit of the same group changed some conversation's status.
        long seen = statusChanges;
        after.run(() -> {
            if (statusChanges == seen) {
                remember(conversationId);
            }
        });
        return true;
    }

    /** A conversation created OPEN in the current transaction (its id is new: should that roll back, none has it). */
    void created(String conversationId) {
        if (!exact) {
            remember(conversationId);
        }
    }

    /** These conversations' status changes in the current transaction: they are no longer known to be OPEN. */
    void statusChanging(Collection<String> conversationIds) {
        statusChanges++;
        knownOpen.removeAll(conversationIds);
    }

    /**
     * Writes the noted "last message at" times, oldest noted first and at most {@link #MAX_PER_FLUSH}; never moves one
     * back. An entry leaves memory once its write is committed, so a failed flush is retried by the next one.
     */
    TxWork<Integer> flush() {
        return (c, after) -> {
            if (lastMessageAt.isEmpty()) {
                return 0;
            }
            List<Map.Entry<String, Instant>> due = new ArrayList<>(lastMessageAt.entrySet().stream()
                    .limit(MAX_PER_FLUSH).map(e -> Map.entry(e.getKey(), e.getValue())).toList());
            for (Map.Entry<String, Instant> e : due) {
                Sql.update(c, "UPDATE conversations SET last_message_at = ? WHERE id = ? AND last_message_at < ?",
                        e.getValue(), e.getKey(), e.getValue());
            }
            after.run(() -> due.forEach(e -> lastMessageAt.remove(e.getKey(), e.getValue())));
            return due.size();
        };
    }

    private void remember(String conversationId) {
        if (knownOpen.size() >= MAX_KNOWN_OPEN) {
            knownOpen.clear();
        }
        knownOpen.add(conversationId);
    }
}
