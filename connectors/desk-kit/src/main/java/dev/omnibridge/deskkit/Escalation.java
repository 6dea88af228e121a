package dev.omnibridge.deskkit;

import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;

import java.util.Collection;
import java.util.Optional;

/**
 * When a follow-up raises its ticket's priority: a message classified HIGH or URGENT added to an existing ticket
 * asks the desk for at least that priority (for a batch: the highest of its messages). NORMAL and LOW follow-ups ask
 * for nothing, and a ticket already at or above the asked priority is left alone: the hub never lowers what an
 * agent or an earlier message set.
 */
public final class Escalation {
    private Escalation() {
    }

    /** The priority these follow-ups ask for, or empty when none is HIGH or URGENT. */
    public static Optional<Priority> asked(Collection<DeskDelivery> followUps) {
        return askedBy(followUps.stream().map(DeskDelivery::message).toList());
    }

    /** The priority these follow-up messages ask for, or empty when none is HIGH or URGENT. */
    public static Optional<Priority> askedBy(Collection<Message> messages) {
        Priority highest = null;
        for (Message m : messages) {
            Priority p = m.priority();
            if ((p == Priority.HIGH || p == Priority.URGENT) && (highest == null || p.compareTo(highest) > 0)) {
                highest = p;
            }
        }
        return Optional.ofNullable(highest);
    }

    /** {@link #asked(Collection)} for one follow-up. */
    public static Optional<Priority> asked(DeskDelivery followUp) {
        return asked(java.util.List.of(followUp));
    }

    /**
     * Whether a ticket now at {@code current} (null: the ticket has no priority) must be raised to {@code asked}:
     * only when that is higher.
     */
    public static boolean raises(Priority current, Priority asked) {
        return current == null || asked.compareTo(current) > 0;
    }
}
