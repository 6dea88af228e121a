package dev.omnibridge.hub.store;

import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What the hub's conversation automation of issue 21 (the self-service bot, satisfaction surveys) decides about a
 * customer message in the transaction that stores it, before the message is queued to its desks; and what it hears of
 * agent replies and status changes, in theirs. Whatever it writes (through {@link ConversationOutbox}) commits with
 * the message or not at all, so an answer, a survey or a hand-off is never half-done and never done twice.
 *
 * <p>Writer thread only. {@link #watches} runs on the caller's thread and must be cheap: the writer's fast path for
 * plain messages of known conversations ({@link PlainMessageBatch}) is only left for messages a step watches.
 */
public interface ConversationStep {
    /** What becomes of a stored customer message. */
    enum Verdict {
        /** Queued to its desks as usual (acknowledged, first-response clock started). */
        TO_DESKS,
        /**
         * Kept by the automation: stored in the conversation, but not queued to any desk, not acknowledged, no clock
         * started (a question the bot answers, a survey answer). A step that keeps a message owns what the desks
         * later see of it ({@link ConversationOutbox#queueToDesks}).
         */
        KEPT
    }

    /**
     * Caller's thread: whether a customer message of this conversation must be shown to {@link #customerMessage}
     * (it always is for a conversation the writer does not know yet).
     *
     * @param conversationId the known conversation, or null for a new one
     */
    boolean watches(String channelInstance, String conversationId);

    /**
     * In the transaction, right after the customer message was stored and before it is queued to {@code desks}.
     *
     * @param stored the message as stored (hub id, conversation id, language, priority, tags set)
     * @param desks  the desks triage sends it to
     * @param opened whether this message opened the conversation
     */
    Verdict customerMessage(Connection c, AfterCommit after, Message stored, List<String> desks, boolean opened,
                            Instant now) throws SQLException;

    /** In the transaction, after a message this step let through ({@link Verdict#TO_DESKS}) was queued to its desks. */
    default void queuedToDesks(Connection c, AfterCommit after, Message stored, List<String> desks, Instant now)
            throws SQLException {
    }

    /** In the transaction that stored an agent's reply (from a desk or the console). */
    default void agentReply(Connection c, AfterCommit after, Message reply, Instant now) throws SQLException {
    }

    /**
     * In the transaction that records a status a desk (or the console) gave these conversations; called for every
     * such update, also when the status did not change.
     */
    default void statusChanged(Connection c, AfterCommit after, Collection<String> conversationIds,
                               ConversationStatus status, Instant now) throws SQLException {
    }

    /**
     * A conversation whose status a desk's ticket update (or the console inbox) changed (issue 22).
     *
     * @param conversationId  the conversation
     * @param channelInstance its channel instance
     * @param before          its status before the update
     */
    record StatusChange(String conversationId, String channelInstance, ConversationStatus before) {
    }

    /**
     * In the transaction that records a status a desk gave its ticket, after {@link #statusChanged}, with only the
     * conversations whose status the update changed (none: not called): where it came from, for what the hub tells
     * the conversations' other desks (issue 22, {@code mirror}).
     *
     * @param desk      the desk (or console inbox) instance the update came from
     * @param ticketRef its ticket
     */
    default void deskStatusChanged(Connection c, AfterCommit after, String desk, String ticketRef,
                                   List<StatusChange> changed, ConversationStatus status, Instant now)
            throws SQLException {
    }

    /** Does nothing, watches nothing. */
    ConversationStep NONE = new ConversationStep() {
        @Override
        public boolean watches(String channelInstance, String conversationId) {
            return false;
        }

        @Override
        public Verdict customerMessage(Connection c, AfterCommit after, Message stored, List<String> desks,
                                       boolean opened, Instant now) {
            return Verdict.TO_DESKS;
        }
    };

    /**
     * The steps in order: a message goes to the next step only while each before it lets it through, so the first
     * that keeps it (a survey's answer before the bot's question) has it alone.
     */
    static ConversationStep chain(List<ConversationStep> steps) {
        List<ConversationStep> all = List.copyOf(steps);
        if (all.isEmpty()) {
            return NONE;
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        return new ConversationStep() {
            @Override
            public boolean watches(String channelInstance, String conversationId) {
                for (ConversationStep s : all) {
                    if (s.watches(channelInstance, conversationId)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public Verdict customerMessage(Connection c, AfterCommit after, Message stored, List<String> desks,
                                           boolean opened, Instant now) throws SQLException {
                for (ConversationStep s : all) {
                    if (s.customerMessage(c, after, stored, desks, opened, now) == Verdict.KEPT) {
                        return Verdict.KEPT;
                    }
                }
                return Verdict.TO_DESKS;
            }

            @Override
            public void queuedToDesks(Connection c, AfterCommit after, Message stored, List<String> desks,
                                      Instant now) throws SQLException {
                for (ConversationStep s : all) {
                    s.queuedToDesks(c, after, stored, desks, now);
                }
            }

            @Override
            public void agentReply(Connection c, AfterCommit after, Message reply, Instant now)
                    throws SQLException {
                for (ConversationStep s : all) {
                    s.agentReply(c, after, reply, now);
                }
            }

            @Override
            public void statusChanged(Connection c, AfterCommit after, Collection<String> conversationIds,
                                      ConversationStatus status, Instant now) throws SQLException {
                for (ConversationStep s : all) {
                    s.statusChanged(c, after, conversationIds, status, now);
                }
            }

            @Override
            public void deskStatusChanged(Connection c, AfterCommit after, String desk, String ticketRef,
                                          List<StatusChange> changed, ConversationStatus status, Instant now)
                    throws SQLException {
                for (ConversationStep s : all) {
                    s.deskStatusChanged(c, after, desk, ticketRef, changed, status, now);
                }
            }
        };
    }
}
