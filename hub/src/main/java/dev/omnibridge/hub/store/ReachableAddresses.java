package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Customers' addresses known to carry no failed-send mark, so that a message from them need not run
 * {@link Reachability#wroteAgain}'s UPDATE (one statement per message, nearly always changing nothing). An address
 * is learnt once a unit that ran the UPDATE for it commits, and forgotten the moment a unit records a mark for any
 * address ({@link #marking}): a learning unit that shares its group with such a unit learns nothing. Nothing needs
 * loading at start, and a mark cleared elsewhere (an operator, a replay) leaves this right. Only a mark set by
 * another node's writer would be missed: a store shared by several nodes must use
 * {@link InboundWriter.Mode#SHARED_STORE}, which runs the statement for every message. Writer thread only.
 */
final class ReachableAddresses {
    private static final int MAX_ENTRIES = 50_000;

    private final boolean exact;
    private final Set<Address> unmarked = new HashSet<>();
    private long marks;

    ReachableAddresses(boolean exact) {
        this.exact = exact;
    }

    /** The customer wrote, in the current transaction: ends a failed send's mark on the address, if it has one. */
    void wroteAgain(Connection c, AfterCommit after, Address address, Instant now) throws SQLException {
        if (address == null || !exact && unmarked.contains(address)) {
            return;
        }
        Reachability.wroteAgain(c, address, now);
        if (!exact) {
            long seen = marks;
            after.run(() -> {
                if (marks == seen) {
                    if (unmarked.size() >= MAX_ENTRIES) {
                        unmarked.clear();
                    }
                    unmarked.add(address);
                }
            });
        }
    }

    /** A mark may be set on the address in the current transaction. */
    void marking(Address address) {
        marks++;
        unmarked.remove(address);
    }
}
