package dev.omnibridge.hub.store;

import dev.omnibridge.hub.triage.DeskTarget;
import dev.omnibridge.hub.triage.RouteDecision;
import dev.omnibridge.hub.triage.TriageRecord;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer's use of triage: what runs on the caller's thread (language, rules and routes when no rule needs the
 * store) and what must run in the transaction (the unanswered count; a conversation's recorded desks when they are
 * not known in memory, or must be written). Part of {@link InboundWriter}.
 *
 * <p>A conversation "sticks" to its desks when its channel has a route with conditions ({@link RouteDecision#sticky}):
 * its first message records them ({@link ConversationRoutes}), later ones go there whatever the rules say of them
 * now, unless a fired route says {@code reroute} (then the record is replaced). Plain routes record nothing.
 */
final class MessageTriage {
    private static final Logger LOG = LoggerFactory.getLogger(MessageTriage.class);

    /** The message as it is stored (route recorded in its metadata) and the desks it goes to. */
    record Decided(Message message, List<DeskTarget> desks) {
    }

    private final TriageStep step;
    private final ConversationRoutes routes;

    MessageTriage(TriageStep step, ConversationRoutes routes) {
        this.step = step;
        this.routes = routes;
    }

    TriageStep step() {
        return step;
    }

    /** The conversation's recorded desks, as the transaction sees them. */
    ConversationRoutes.Recorded recorded(Connection c, AfterCommit after, String conversationId) throws SQLException {
        return routes.read(c, after, conversationId);
    }

    /** Whether the message is triaged: a customer's message (not what the channel shows of the hub's own). */
    static boolean triaged(Message m) {
        return m.direction() == Direction.INBOUND;
    }

    /**
     * Caller's thread: language, and the rules and routes unless they need the unanswered count.
     *
     * @return the message to store (language, priority, tags set) and its route decision, null when the decision
     *         must be made in the transaction
     */
    Early early(Message m) {
        if (!triaged(m)) {
            return new Early(m, plain(m));
        }
        // A message without receivedAt gets the store's time later; calendar conditions take the clock's until then.
        Message in = step.detectLanguage(m);
        if (step.needsUnanswered()) {
            return new Early(in, null);
        }
        Message classified = step.classify(in, 0).message();
        return new Early(classified, step.route(classified));
    }

    record Early(Message message, RouteDecision decision) {
    }

    private RouteDecision plain(Message m) {
        return new RouteDecision(step.plainDesks(m.channel().instanceId()).stream().map(DeskTarget::of).toList(),
                List.of(), false, false);
    }

    /**
     * Caller's thread, for a message of a known conversation: the decision when it needs nothing of the store
     * (plain routes, or a recorded conversation known in memory that keeps its desks), else null.
     */
    Decided withoutStore(Message toStore, RouteDecision decision) {
        if (decision == null) {
            return null;
        }
        if (!decision.sticky()) {
            return decided(toStore, decision.desks(), routeNames(decision));
        }
        ConversationRoutes.Recorded recorded = routes.cached(toStore.conversationId());
        if (recorded == null || needsWrite(decision, recorded)) {
            return null;
        }
        return decided(toStore, recorded.desks(), recorded.route());
    }

    /**
     * In the transaction: classifies and routes the message when that waited for the count, and resolves its desks
     * against the conversation's record, writing it when the message records or re-routes the conversation.
     *
     * @param unanswered the conversation's customer messages without an answer, this one included (used only when
     *                   {@code decision} is null)
     */
    Decided inTransaction(Connection c, AfterCommit after, Message toStore, RouteDecision decision, int unanswered,
                          Instant now) throws SQLException {
        Message m = toStore;
        if (decision == null) {
            m = step.classify(toStore, unanswered).message();
            decision = step.route(m);
        }
        if (!decision.sticky()) {
            return decided(m, decision.desks(), routeNames(decision));
        }
        ConversationRoutes.Recorded recorded = routes.read(c, after, m.conversationId());
        if (!needsWrite(decision, recorded)) {
            return decided(m, recorded.desks(), recorded.route());
        }
        if (!recorded.none() && !decision.reroute()) {
            LOG.warn("Conversation {}: a desk it was routed to is no longer configured; it goes where the routes send "
                    + "it now", m.conversationId());
        }
        if (!decision.desks().isEmpty()) {
            routes.record(c, after, m.conversationId(), decision.desks(), routeNames(decision), !recorded.none(),
                    now);
        }
        return decided(m, decision.desks(), routeNames(decision));
    }

    /**
     * Whether the decision replaces the record: nothing recorded yet (the first message, or the first since the
     * channel got a route with conditions), a re-route to other desks, or a recorded desk that no longer exists.
     */
    private boolean needsWrite(RouteDecision decision, ConversationRoutes.Recorded recorded) {
        if (recorded.none()) {
            return !decision.desks().isEmpty();
        }
        if (decision.reroute()) {
            return !decision.desks().isEmpty() && !decision.desks().equals(recorded.desks());
        }
        return !decision.desks().isEmpty() && !recorded.desks().stream().allMatch(d -> step.deskExists(d.desk()));
    }

    private static String routeNames(RouteDecision decision) {
        return String.join(",", decision.firedRoutes());
    }

    private static Decided decided(Message m, List<DeskTarget> desks, String route) {
        if (route.isEmpty() || route.equals(m.metadata().get(TriageRecord.ROUTE))) {
            return new Decided(m, desks);
        }
        Map<String, String> metadata = new HashMap<>(m.metadata());
        metadata.put(TriageRecord.ROUTE, route);
        return new Decided(m.toBuilder().metadata(metadata).build(), desks);
    }
}
