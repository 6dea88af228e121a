package dev.omnibridge.hub.identity;

import dev.omnibridge.hub.store.ContactLinks;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.DeskRequesterTable;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.model.Address;
import dev.omnibridge.spi.DeskRequesters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One desk instance's {@link DeskRequesters} ({@code ConnectorContext.requesters()}): the desk's requester id per
 * contact, kept in {@code desk_requesters}. A contact that was joined into another answers with the survivor's
 * requester, else with the requester of any contact joined into the survivor (oldest first), so the second channel
 * of a customer finds the requester the first one made. Writes go through the journal and are stored when the call
 * returns; a store failure is logged and the desk goes on (an invalid requester id is refused).
 */
public final class HubDeskRequesters implements DeskRequesters {
    private static final Logger LOG = LoggerFactory.getLogger(HubDeskRequesters.class);
    /** How long a desk's call waits for the store; the desk then goes on without (it looks its requester up). */
    private static final long WAIT_SECONDS = 30;

    private final String desk;
    private final Database database;
    private final Journal journal;
    private final ContactIdentity identity;
    private final Clock clock;

    public HubDeskRequesters(String desk, Database database, Journal journal, ContactIdentity identity, Clock clock) {
        this.desk = desk;
        this.database = database;
        this.journal = journal;
        this.identity = identity;
        this.clock = clock;
    }

    @Override
    public Optional<String> find(String contactId) {
        if (contactId == null) {
            return Optional.empty();
        }
        try (Connection c = database.connection()) {
            return DeskRequesterTable.find(c, desk, ContactLinks.family(c, ContactLinks.root(c, contactId)));
        } catch (SQLException e) {
            throw new IllegalStateException("store lookup failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void remember(String contactId, String requesterRef) {
        if (contactId == null) {
            return;
        }
        wait(journal.submit((c, after) -> {
            if (!ContactLinks.contactExists(c, contactId)) {
                return false;
            }
            return DeskRequesterTable.remember(c, ContactLinks.root(c, contactId), desk, requesterRef,
                    clock.instant());
        }), "remember the requester of contact " + contactId);
    }

    @Override
    public void reportAddresses(String contactId, List<Address> addresses) {
        if (contactId == null || addresses == null || addresses.isEmpty()) {
            return;
        }
        wait(identity.deskReports(desk, contactId, addresses), "link the addresses the desk reports for contact "
                + contactId);
    }

    private void wait(java.util.concurrent.CompletableFuture<?> f, String what) {
        try {
            f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to " + what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException bad) {
                throw bad;
            }
            // The desk goes on as without this memory (it looks its requester up); no address in the message.
            LOG.warn("Desk {}: could not {}: {}", desk, what, cause.getMessage());
        } catch (TimeoutException e) {
            LOG.warn("Desk {}: the store did not {} within {} s", desk, what, WAIT_SECONDS);
        }
    }
}
