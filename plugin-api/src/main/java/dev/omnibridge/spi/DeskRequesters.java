package dev.omnibridge.spi;

import dev.omnibridge.model.Address;

import java.util.List;
import java.util.Optional;

/**
 * The hub's memory of a desk's requester per contact ({@link ConnectorContext#requesters()}): the desk's own id for
 * the customer (Zendesk user id, Freshdesk contact id, HubSpot contact id...), kept per contact and desk instance so
 * that one customer writing on a second channel (or after the hub joined two contacts) gets the same requester
 * instead of a second desk user. Durable across restarts; a desk may still keep its own cache in front.
 */
public interface DeskRequesters {
    /** A memory that knows nothing and keeps nothing: contexts that predate it. */
    DeskRequesters NONE = new DeskRequesters() {
        @Override
        public Optional<String> find(String contactId) {
            return Optional.empty();
        }

        @Override
        public void remember(String contactId, String requesterRef) {
        }
    };

    /** The requester this desk instance uses for the contact (its surviving contact when it was joined), if any. */
    Optional<String> find(String contactId);

    /** Records the desk's requester id for the contact; the first one recorded for a contact and desk stays. */
    void remember(String contactId, String requesterRef);

    /**
     * The desk reports that its requester for this contact also has these addresses (e.g. an agent added a phone
     * number to the Zendesk user): verified evidence that they are the same customer, so the hub may join the
     * contacts that own them. Addresses the contact already has are ignored. The default ignores the report.
     */
    default void reportAddresses(String contactId, List<Address> addresses) {
    }
}
