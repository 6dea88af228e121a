package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Priority;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Which waiting lane the {@link Dispatcher} runs next ({@code hub.delivery.order}).
 *
 * <p>{@link #priority()}: earliest virtual deadline first. A lane that becomes ready (its head is due) at time t gets
 * the deadline t + slack of its priority, the highest priority among its queued rows; the free worker takes the
 * lane with the earliest deadline. So an URGENT lane goes before every HIGH lane that became ready less than
 * {@link #DEFAULT_SLACK one minute} earlier, and before every NORMAL lane ready for less than ten minutes: in a
 * backlog, urgent conversations overtake the others. Waiting ages a lane all the same: a NORMAL lane ready for ten
 * minutes goes before a fresh URGENT one, a LOW one after half an hour, so a steady stream of urgent work never
 * starves the rest. The slacks are longer than the usual wait of a backlog the window holds (2,000 rows take 10 s
 * at 200 deliveries a second, under 3 minutes at a vendor's 700 requests a minute), so that urgent first holds
 * there, and short enough that nothing waits for hours behind higher priorities.
 *
 * <p>{@link #fifo()}: in the order the lanes became ready, whatever their priority (the hub before issue 19).
 */
public final class DeliveryOrder {
    /** Per priority, how long a ready lane may be overtaken by newer lanes of a higher priority. */
    public static final Map<Priority, Duration> DEFAULT_SLACK = Map.of(Priority.URGENT, Duration.ZERO,
            Priority.HIGH, Duration.ofMinutes(1), Priority.NORMAL, Duration.ofMinutes(10),
            Priority.LOW, Duration.ofMinutes(30));

    /** The priorities whose rows are read ahead of a backlog in the store ("urgent first" when refilling). */
    static final Set<Priority> AHEAD = Set.of(Priority.URGENT, Priority.HIGH);

    private final long[] slackNanos;

    private DeliveryOrder(long[] slackNanos) {
        this.slackNanos = slackNanos;
    }

    /** Urgent first, with the {@link #DEFAULT_SLACK default slacks}. */
    public static DeliveryOrder priority() {
        return priority(DEFAULT_SLACK);
    }

    /** Urgent first with these slacks (every priority given, none negative; a lower priority no shorter one). */
    public static DeliveryOrder priority(Map<Priority, Duration> slack) {
        long[] nanos = new long[Priority.values().length];
        Map<Priority, Duration> all = new EnumMap<>(slack);
        for (int i = nanos.length - 1; i >= 0; i--) {
            Duration d = all.get(Priority.values()[i]);
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("a slack of zero or more is needed for every priority");
            }
            nanos[i] = d.toNanos();
            if (i < nanos.length - 1 && nanos[i] < nanos[i + 1]) {
                throw new IllegalArgumentException(Priority.values()[i] + " cannot have a shorter slack than "
                        + Priority.values()[i + 1]);
            }
        }
        return new DeliveryOrder(nanos);
    }

    /** In the order lanes become ready. */
    public static DeliveryOrder fifo() {
        return new DeliveryOrder(null);
    }

    public static DeliveryOrder of(HubConfig.Delivery.Order order) {
        return order == HubConfig.Delivery.Order.FIFO ? fifo() : priority();
    }

    /** Whether priorities count at all: with FIFO, nothing is read ahead of the pages either. */
    boolean byPriority() {
        return slackNanos != null;
    }

    /** The deadline of a lane of {@code priority} ready at {@code readyNanos} ({@link System#nanoTime}). */
    long deadline(Priority priority, long readyNanos) {
        return slackNanos == null ? 0 : readyNanos + slackNanos[priority.ordinal()];
    }
}
