package dev.omnibridge.hub.workspace;

import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.ConversationStep;
import dev.omnibridge.hub.store.WorkspaceTables;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Writes the status a desk or the console gives a conversation into its timeline ({@code conversation_events}), in
 * the transaction that records it. Watches no customer message: the writer's fast path is untouched. A customer's
 * message to a resolved conversation reopens it in the store without a status update; the timeline shows that from
 * the messages ({@link WorkspaceTables#events}).
 */
public final class ConversationEvents implements ConversationStep {
    @Override
    public boolean watches(String channelInstance, String conversationId) {
        return false;
    }

    @Override
    public Verdict customerMessage(Connection c, AfterCommit after, Message stored, List<String> desks,
                                   boolean opened, Instant now) {
        return Verdict.TO_DESKS;
    }

    @Override
    public void statusChanged(Connection c, AfterCommit after, Collection<String> conversationIds,
                              ConversationStatus status, Instant now) throws SQLException {
        WorkspaceTables.statusChanged(c, conversationIds, status, null, now);
    }
}
