package dev.omnibridge.hub.selfservice;

import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.ConversationOutbox;
import dev.omnibridge.hub.store.SelfServiceTables;
import dev.omnibridge.hub.store.SelfServiceTables.Event;
import dev.omnibridge.hub.store.SelfServiceTables.Kind;
import dev.omnibridge.hub.store.SelfServiceTables.Row;
import dev.omnibridge.hub.store.SelfServiceTables.State;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What every hand-off does, whatever caused it (the customer, an agent, a line the channel refused, the bot switched
 * off): the messages the bot held (the customer's, and the bot's lines, which desks get as internal notes marked as
 * the bot's) go to the desks in their stored order through the outbox, the conversation becomes HANDED_OFF (the bot
 * stays silent until it is resolved) and a HANDED_OFF event with the reason is recorded; all in the caller's
 * transaction. The metric is counted once it commits.
 */
final class HandOff {
    private final ConversationOutbox outbox;
    private final SelfServiceMetrics metrics;

    HandOff(ConversationOutbox outbox, SelfServiceMetrics metrics) {
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /**
     * @param reason    the fixed reason (event detail prefix, metric label)
     * @param what      the reason in words, for the timeline (ids and figures only, never customer text)
     * @param messageId the customer message that triggered it, or null (about the conversation as a whole)
     */
    void run(Connection c, AfterCommit after, Row row, List<String> desks, String reason, String what,
             String messageId, Instant now) throws SQLException {
        release(c, after, row, desks, now);
        SelfServiceTables.save(c, row.with(State.HANDED_OFF, row.answers(), row.lastEntry(), List.of(), now));
        SelfServiceTables.event(c, new Event(row.conversationId(), row.channelInstance(), Kind.HANDED_OFF,
                row.lastEntry(), null, reason + ": " + what + "; " + row.held().size()
                + " held message(s) sent to the desks", messageId, now));
        String instance = row.channelInstance();
        after.run(() -> metrics.handedOff(instance, reason));
    }

    /** The held messages, in their order, to the desks. */
    private void release(Connection c, AfterCommit after, Row row, List<String> desks, Instant now)
            throws SQLException {
        if (!row.held().isEmpty() && !desks.isEmpty()) {
            outbox.queueToDesks(c, after, outbox.messages(c, row.held()), desks, now);
        }
    }
}
