package dev.omnibridge.hub.sla;

import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.Role;

/**
 * Which messages start and stop a first-response clock. As the help desks count first reply time: from the
 * customer's first unanswered message to the first public reply written by a person; automatic messages (the hub's
 * acknowledgements, bots) and internal notes never count as an answer.
 */
public final class ClockRules {
    /** The tag the hub's automatic acknowledgements carry. */
    public static final String AUTO_ACK_TAG = "auto-ack";

    private ClockRules() {
    }

    /**
     * A message the customer wrote: it starts a clock when none runs. An edit of an earlier message is the same
     * question again, and a message a bot or the system posted on the channel is nobody waiting.
     */
    public static boolean startsClock(Message m) {
        return m.direction() == Direction.INBOUND && m.editOf() == null
                && m.author().role() != Role.BOT && m.author().role() != Role.SYSTEM;
    }

    /** A public reply an agent wrote: it stops the running clock. */
    public static boolean stopsClock(Message m) {
        return m.direction() == Direction.OUTBOUND && m.author().role() == Role.AGENT
                && !m.tags().contains(AUTO_ACK_TAG);
    }

    /** One step up, URGENT staying URGENT: what a breach does to the conversation's priority. */
    public static Priority raised(Priority p) {
        Priority[] all = Priority.values();
        return all[Math.min(p.ordinal() + 1, all.length - 1)];
    }

    static Priority higher(Priority a, Priority b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
