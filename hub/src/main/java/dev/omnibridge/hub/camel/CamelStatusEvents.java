package dev.omnibridge.hub.camel;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.ConversationOutbox;
import dev.omnibridge.hub.store.ConversationStep;
import dev.omnibridge.hub.store.InternalNote;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Status events for camel-desk routes that ask for them ({@code events: [messages, status]}): a conversation's
 * status change (resolved, reopened...) given at a desk or in the console inbox becomes a delivery with
 * {@code OmnibridgeEvent: status}, queued through the outbox in the transaction that records the change, so it is
 * delivered once, in order with the conversation's messages, retried and dead-lettered like them.
 *
 * <p>The event travels as an internal note of the conversation (the outbox delivers messages); it is stored with it
 * and shows in its history, tagged {@value #TAG}. The desk the change came from is not told its own change.
 */
public final class CamelStatusEvents implements ConversationStep {
    public static final String TAG = "status-event";
    /** Metadata marking the note as a status event, with the new status as its value. */
    static final String STATUS = "omnibridge.camel.status";
    static final String BEFORE = "omnibridge.camel.statusBefore";
    static final String FROM_DESK = "omnibridge.camel.fromDesk";

    private final Set<String> desks;
    private final ConversationOutbox outbox;

    private CamelStatusEvents(Set<String> desks, ConversationOutbox outbox) {
        this.desks = Set.copyOf(desks);
        this.outbox = outbox;
    }

    /** The step for the configuration's camel-desk instances that ask for status events; none when none does. */
    public static java.util.Optional<ConversationStep> forConfig(HubConfig config, ConversationOutbox outbox) {
        Set<String> wanting = config.instances().stream()
                .filter(i -> CamelRouteType.DESK.equals(i.type()) && wantsStatus(i.settings().get(
                        CamelRouteSettings.EVENTS)))
                .map(HubConfig.Instance::id).collect(Collectors.toSet());
        return wanting.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(new CamelStatusEvents(wanting, outbox));
    }

    private static boolean wantsStatus(Object events) {
        if (events == null) {
            return false;
        }
        List<String> list = events instanceof List<?> l ? l.stream().map(String::valueOf).map(String::strip).toList()
                : List.of(String.valueOf(events).split(",")).stream().map(String::strip).toList();
        return list.contains(CamelRouteSettings.EVENT_STATUS);
    }

    /** Whether a delivered message is a status event, and which status. */
    static java.util.Optional<String> statusOf(Message m) {
        return m.direction() == dev.omnibridge.model.Direction.INTERNAL && m.metadata() != null
                ? java.util.Optional.ofNullable(m.metadata().get(STATUS)) : java.util.Optional.empty();
    }

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
    public void deskStatusChanged(Connection c, AfterCommit after, String desk, String ticketRef,
                                  List<StatusChange> changed, ConversationStatus status, Instant now)
            throws SQLException {
        for (StatusChange change : changed) {
            List<String> to = new ArrayList<>();
            for (String d : outbox.desksOf(c, after, change.conversationId(), change.channelInstance())) {
                if (desks.contains(d) && !d.equals(desk) && !to.contains(d)
                        && outbox.onDesk(c, change.conversationId(), d)) {
                    to.add(d);
                }
            }
            if (to.isEmpty()) {
                continue;
            }
            // A status changes again only after it changed back: a fresh id per change is once-only enough.
            InternalNote note = new InternalNote(change.conversationId(), change.channelInstance(),
                    "camel:status:" + UUID.randomUUID(), "Status " + (change.before() == null ? "" :
                    change.before().name() + " -> ") + status.name() + " (at " + desk + ")", Set.of(TAG), null,
                    Map.of(STATUS, status.name(), BEFORE, change.before() == null ? "" : change.before().name(),
                            FROM_DESK, desk));
            outbox.noteTo(c, after, note, to, now);
        }
    }
}
