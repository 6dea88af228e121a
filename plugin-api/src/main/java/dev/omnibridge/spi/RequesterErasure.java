package dev.omnibridge.spi;

import dev.omnibridge.model.Address;

import java.util.List;
import java.util.Objects;

/**
 * A request to erase a customer's requester in a desk ({@link DeskConnector#eraseRequester}), made when the hub
 * erases the contact's personal data (right to erasure). Must be safe to repeat: an erasure interrupted by a crash is
 * resumed and asks again.
 *
 * @param contactId      the hub contact being erased (what desks were given as the requester's external id)
 * @param requesterRef   the desk's id of the requester as the hub remembers it ({@link DeskRequesters}), or null
 *                       when the hub has none (the desk may then look the requester up by contact id or address)
 * @param addresses      the contact's addresses, to find the requester by where the desk keys requesters on them
 * @param ticketRefs     this desk's tickets of the contact's conversations
 */
public record RequesterErasure(String contactId, String requesterRef, List<Address> addresses,
                               List<String> ticketRefs) {
    public RequesterErasure {
        Objects.requireNonNull(contactId, "contactId");
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        ticketRefs = ticketRefs == null ? List.of() : List.copyOf(ticketRefs);
    }

    /** What a desk did with an erasure request. */
    public enum Result {
        /** The desk erased (or scheduled the permanent erasure of) the requester. */
        ERASED,
        /** The desk has no such requester (already erased, or never created). */
        NOT_FOUND,
        /** The desk's API offers no erasure, or this instance is configured not to erase. */
        UNSUPPORTED
    }

    /**
     * @param result what happened
     * @param detail what the desk did, for the erasure report (e.g. "user 123 deleted and permanently deleted");
     *               never personal data
     */
    public record Outcome(Result result, String detail) {
        public Outcome {
            Objects.requireNonNull(result, "result");
            detail = detail == null ? "" : detail;
        }

        public static Outcome erased(String detail) {
            return new Outcome(Result.ERASED, detail);
        }

        public static Outcome notFound(String detail) {
            return new Outcome(Result.NOT_FOUND, detail);
        }

        public static Outcome unsupported(String detail) {
            return new Outcome(Result.UNSUPPORTED, detail);
        }
    }
}
