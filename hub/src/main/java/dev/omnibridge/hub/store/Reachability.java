package dev.omnibridge.hub.store;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.spi.AddressStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Whether a customer's address takes messages. A channel marks it unreachable ({@link AddressStatus}); the mark ends
 * with an opt-in, with an operator clearing it, and, unless it is an opt-out, with the customer's next message or a
 * replayed dead letter (the operator asks for a real attempt; the channel marks the address again if it fails).
 */
public final class Reachability {
    private static final Logger LOG = LoggerFactory.getLogger(Reachability.class);

    /** What clearing a conversation's customer mark found. */
    public enum Cleared { CLEARED, WAS_REACHABLE, NO_CONVERSATION, NO_CUSTOMER_ADDRESS }

    private final Journal journal;
    private final Clock clock;

    public Reachability(Journal journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
    }

    /** An operator's decision: the conversation's customer takes messages again, whatever the mark was. */
    public Cleared clear(String conversationId) throws Exception {
        Instant now = clock.instant();
        return journal.<Cleared>submit((c, after) -> {
            if (Sql.string(c, "SELECT id FROM conversations WHERE id = ?", conversationId).isEmpty()) {
                return Cleared.NO_CONVERSATION;
            }
            Address customer = customer(c, conversationId);
            if (customer == null) {
                return Cleared.NO_CUSTOMER_ADDRESS;
            }
            if (Sql.update(c, "UPDATE contact_addresses SET unreachable_reason = NULL, reachability_changed_at = ? "
                    + "WHERE kind = ? AND address = ? AND unreachable_reason IS NOT NULL", now, customer.kind(),
                    customer.value()) == 0) {
                return Cleared.WAS_REACHABLE;
            }
            LOG.info("Address {} takes messages again: cleared by an operator", customer);
            return Cleared.CLEARED;
        }).get(30, TimeUnit.SECONDS);
    }

    /** An opt-out or opt-in, or a failed send; an address seen for the first time gets its contact here. */
    static void record(Connection c, AddressStatus status, Instant now) throws SQLException {
        Address address = status.address();
        String reason = status.reachable() ? null : Columns.text(status.reason(), Columns.UNREACHABLE_REASON);
        String sql = "UPDATE contact_addresses SET unreachable_reason = ?, unreachable_until_opt_in = ?, "
                + "reachability_changed_at = ? WHERE kind = ? AND address = ?";
        if (Sql.update(c, sql, reason, status.untilOptIn(), now, address.kind(), address.value()) == 0) {
            InboundWriter.contact(c, address, null, now);
            Sql.update(c, sql, reason, status.untilOptIn(), now, address.kind(), address.value());
        }
        LOG.info("Address {} is now {}", address, status.reachable() ? "reachable"
                : "unreachable" + (status.untilOptIn() ? " until an opt-in: " : ": ") + reason);
    }

    /** The customer wrote: a failed send's mark ends (the channel reaches them after all); an opt-out does not. */
    static void wroteAgain(Connection c, Address address, Instant now) throws SQLException {
        if (address != null && endFailedSendMark(c, address, now)) {
            LOG.info("Address {} takes messages again: the customer wrote", address);
        }
    }

    /** A replayed channel delivery: its conversation's customer loses a failed send's mark, so the replay is tried. */
    static void replayed(Connection c, String conversationId, Instant now) throws SQLException {
        Address customer = customer(c, conversationId);
        if (customer != null && endFailedSendMark(c, customer, now)) {
            LOG.info("Address {} takes messages again: a dead letter to it was replayed", customer);
        }
    }

    private static boolean endFailedSendMark(Connection c, Address address, Instant now) throws SQLException {
        return Sql.update(c, "UPDATE contact_addresses SET unreachable_reason = NULL, reachability_changed_at = ? "
                + "WHERE kind = ? AND address = ? AND unreachable_reason IS NOT NULL AND NOT unreachable_until_opt_in",
                now, address.kind(), address.value()) > 0;
    }

    private static Address customer(Connection c, String conversationId) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT customer_kind, customer_address FROM conversations "
                + "WHERE id = ?", conversationId); ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getString(1) != null
                    ? new Address(AddressKind.valueOf(rs.getString(1)), rs.getString(2)) : null;
        }
    }
}
