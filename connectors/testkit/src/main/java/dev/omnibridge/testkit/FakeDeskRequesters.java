package dev.omnibridge.testkit;

import dev.omnibridge.model.Address;
import dev.omnibridge.spi.DeskRequesters;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The hub's memory of a desk's requesters, in memory, for a connector's own tests
 * ({@link FakeConnectorContext#requesters()}): the first requester remembered for a contact stays, as in the hub, and
 * the addresses the desk reports are kept for the test to check.
 */
public final class FakeDeskRequesters implements DeskRequesters {
    /** One {@link #reportAddresses} call. */
    public record Report(String contactId, List<Address> addresses) {
    }

    private final Map<String, String> byContact = new ConcurrentHashMap<>();
    private final List<Report> reports = new CopyOnWriteArrayList<>();

    @Override
    public Optional<String> find(String contactId) {
        return Optional.ofNullable(byContact.get(contactId));
    }

    @Override
    public void remember(String contactId, String requesterRef) {
        byContact.putIfAbsent(contactId, requesterRef);
    }

    @Override
    public void reportAddresses(String contactId, List<Address> addresses) {
        reports.add(new Report(contactId, List.copyOf(addresses)));
    }

    /** The requesters remembered so far, by contact id. */
    public Map<String, String> remembered() {
        return Map.copyOf(byContact);
    }

    /** The desk's reports of its requesters' addresses, in order. */
    public List<Report> reports() {
        return List.copyOf(reports);
    }
}
