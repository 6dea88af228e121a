package dev.omnibridge.hub.mirror;

import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.ConversationOutbox;
import dev.omnibridge.hub.store.ConversationStep;
import dev.omnibridge.hub.store.Ids;
import dev.omnibridge.hub.store.InternalNote;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Keeps the desks of a conversation in step (issue 22): an agent's public reply given at one desk, or in the console
 * inbox, goes to the conversation's other desks as an internal note that names its origin, and a status change at one
 * (resolved, reopened) is told to the others as a note (the plugin API offers desks no status call).
 *
 * <p>Runs in the writer's transaction that stores the reply or the status, so what it queues commits with it or not
 * at all. Once each: a reply is stored once (a desk's reply id is its dedupe key), and its copy for a desk is an outbox
 * row of that reply and that desk (idempotency key {@code omnibridge-<message id>-<desk>}); a status note is written
 * only when the update changed the conversation's status, so the same status reported again writes nothing.
 *
 * <p>No echo: the desk a reply or status came from is never sent its copy; a copy is an internal note, which desks do
 * not hand back as a reply (and what a desk reports of the hub's own comments is recognised and skipped by the writer);
 * a mirror note is never mirrored again ({@link MirrorNotes#isCopy}). Console inboxes get nothing: they show the
 * conversation itself, with every desk's replies and its status.
 */
public final class DeskMirror implements ConversationStep {
    private static final Logger LOG = LoggerFactory.getLogger(DeskMirror.class);

    private final MirrorRules rules;
    private final ConversationOutbox outbox;
    private final Predicate<String> takesCopies;

    /**
     * @param takesCopies whether a desk instance is sent copies: a configured desk that does not show the hub's
     *                    conversation itself (a console inbox does)
     */
    public DeskMirror(MirrorRules rules, ConversationOutbox outbox, Predicate<String> takesCopies) {
        this.rules = rules;
        this.outbox = outbox;
        this.takesCopies = takesCopies;
    }

    @Override
    public boolean watches(String channelInstance, String conversationId) {
        return false;
    }

    @Override
    public Verdict customerMessage(Connection c, AfterCommit after, Message stored, List<String> desks, boolean opened,
                                   Instant now) {
        return Verdict.TO_DESKS;
    }

    @Override
    public void agentReply(Connection c, AfterCommit after, Message reply, Instant now) throws SQLException {
        if (!MirrorNotes.isDeskReply(reply) || MirrorNotes.isCopy(reply)) {
            return;
        }
        String origin = reply.metadata().get(MirrorNotes.DESK_INSTANCE);
        String channel = reply.channel().instanceId();
        List<String> desks = outbox.desksOf(c, after, reply.conversationId(), channel);
        if (!rules.forConversation(channel, desks).replies()) {
            return;
        }
        List<String> others = others(c, reply.conversationId(), desks, origin);
        if (others.isEmpty()) {
            return;
        }
        // The reply itself, queued to each other desk, which gets it as a note (DeskNotes.forDesk): after what the
        // conversation sent that desk before, so its ticket exists and the note sits where the reply was given.
        outbox.queueToDesks(c, after, List.of(reply), others, now);
        LOG.debug("Reply {} of conversation {} given at {}: mirrored to {}", reply.id(), reply.conversationId(),
                origin, others);
    }

    @Override
    public void deskStatusChanged(Connection c, AfterCommit after, String desk, String ticketRef,
                                  List<StatusChange> changed, ConversationStatus status, Instant now)
            throws SQLException {
        for (StatusChange change : changed) {
            String id = change.conversationId();
            List<String> desks = outbox.desksOf(c, after, id, change.channelInstance());
            if (!rules.forConversation(change.channelInstance(), desks).status()) {
                continue;
            }
            List<String> others = others(c, id, desks, desk);
            if (others.isEmpty()) {
                continue;
            }
            // A status changes again only after it changed back, so a fresh id per change is once-only enough: the
            // same update reported twice changes nothing the second time and writes no note.
            InternalNote note = new InternalNote(id, change.channelInstance(), "mirror:status:" + Ids.newId(),
                    MirrorNotes.statusText(change.before(), status, desk, ticketRef, id),
                    Set.of(MirrorNotes.TAG, MirrorNotes.STATUS_TAG), null,
                    Map.of(MirrorNotes.FROM_DESK, desk, MirrorNotes.FROM_TICKET, ticketRef,
                            MirrorNotes.STATUS, status.name()));
            outbox.noteTo(c, after, note, others, now);
            LOG.debug("Conversation {} {} at {}: told {}", id, status, desk, others);
        }
    }

    /**
     * The desks other than {@code origin} that need a copy: not a console inbox (it shows the conversation itself),
     * nor a desk no longer configured that a conversation's recorded route still names, nor a desk that does not
     * have the conversation (added to the route later: a note would open a ticket of its own there; see backfill).
     */
    private List<String> others(Connection c, String conversationId, List<String> desks, String origin)
            throws SQLException {
        List<String> others = new ArrayList<>(desks.size());
        for (String d : desks) {
            if (!d.equals(origin) && takesCopies.test(d) && !others.contains(d)
                    && outbox.onDesk(c, conversationId, d)) {
                others.add(d);
            }
        }
        return others;
    }
}
