package dev.omnibridge.hub.privacy;

import dev.omnibridge.hub.audit.AuditEntry;
import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.ContactErasures;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.FileAttachmentStore;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.model.Address;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.RequesterErasure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steps of an erasure on a real embedded store, with desks answered by the test: a joined contact's id erases its
 * survivor and every contact joined into it; each desk with a requester or a ticket is asked once per attempt, a
 * retryable failure is retried with backoff until it succeeds or the attempts run out, a permanent one is reported,
 * and the addresses given to desks are forgotten once their outcome is final.
 */
public class ContactErasureStepsTest {
    @TempDir
    Path dir;
    private Database database;
    private Journal journal;
    private ContactErasure erasure;
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final Map<String, RequesterErasure> requests = new ConcurrentHashMap<>();
    private final AtomicInteger zendeskFailures = new AtomicInteger();

    @BeforeEach
    void openStore() throws Exception {
        database = openDatabase(dir);
        journal = new Journal(database);
        ContactErasure.Desks desks = (desk, request) -> {
            asked.add(desk);
            requests.put(desk, request);
            return switch (desk) {
                case "zendesk" -> {
                    if (zendeskFailures.getAndIncrement() < 2) {
                        throw DeliveryException.retryable("HTTP 503 from Zendesk", null);
                    }
                    yield RequesterErasure.Outcome.erased("user 7 deleted and permanently deleted");
                }
                case "flaky" -> throw DeliveryException.retryable("HTTP 502", null);
                case "broken" -> throw DeliveryException.permanent("HTTP 403: not allowed");
                default -> RequesterErasure.Outcome.unsupported("no erasure API");
            };
        };
        erasure = new ContactErasure(database, journal, new ContactErasures(null, null),
                new FileAttachmentStore(dir.resolve("attachments")), desks,
                new AuditTrail(journal, database, Clock.systemUTC()), Clock.systemUTC(),
                new ContactErasure.Retry(Duration.ofMillis(20), Duration.ofMillis(100), 4));
    }

    /** The store the steps run on: the embedded one here; a subclass runs them on PostgreSQL. */
    protected Database openDatabase(Path dir) throws Exception {
        return Database.open(new HubConfig.Store(null, null, null), dir, 4);
    }

    @AfterEach
    void closeStore() {
        erasure.close();
        journal.close();
        database.close();
    }

    @Test
    void aJoinedContactsIdErasesTheWholeCustomerAndEveryDeskIsAskedUntilItsOutcomeIsFinal() throws Exception {
        sql("INSERT INTO contacts (id, display_name, created_at) VALUES ('older', 'Ines Older', ?)", now());
        sql("INSERT INTO contacts (id, display_name, created_at, merged_into) VALUES ('younger', 'Ines Y', ?, 'older')",
                now());
        sql("INSERT INTO contact_addresses (kind, address, contact_id, created_at) VALUES "
                + "('EMAIL', 'ines@example.org', 'older', ?)", now());
        sql("INSERT INTO contact_addresses (kind, address, contact_id, created_at) VALUES "
                + "('PHONE', '+4915112345678', 'younger', ?)", now());
        sql("INSERT INTO address_channels (kind, address, channel_instance, first_seen_at) VALUES "
                + "('PHONE', '+4915112345678', 'sms', ?)", now());
        sql("INSERT INTO contact_links (contact_id, other_contact_id, kind, address, other_kind, other_address, "
                + "strength, evidence, status, created_at) VALUES ('older', 'younger', 'EMAIL', 'ines@example.org', "
                + "'PHONE', '+4915112345678', 'VERIFIED', 'AGENT', 'JOINED', ?)", now());
        sql("INSERT INTO conversations (id, channel_type, channel_instance, thread_key, contact_id, customer_kind, "
                + "customer_address, status, created_at, last_message_at) VALUES ('conv-1', 'twilio-sms', 'sms', "
                + "'+4915112345678|+4930000', 'younger', 'PHONE', '+4915112345678', 'OPEN', ?, ?)", now(), now());
        sql("INSERT INTO desk_tickets (conversation_id, desk_instance, ticket_ref, created_at) VALUES "
                + "('conv-1', 'zendesk', '501', ?)", now());
        sql("INSERT INTO desk_tickets (conversation_id, desk_instance, ticket_ref, created_at) VALUES "
                + "('conv-1', 'broken', 'B-1', ?)", now());
        sql("INSERT INTO desk_requesters (contact_id, desk_instance, requester_ref, created_at) VALUES "
                + "('older', 'zendesk', '7', ?)", now());
        sql("INSERT INTO desk_requesters (contact_id, desk_instance, requester_ref, created_at) VALUES "
                + "('older', 'plain', 'P-9', ?)", now());

        var requested = erasure.request("younger", "admin-token").orElseThrow();
        assertThat(requested.job().contactId()).as("the survivor").isEqualTo("older");
        assertThat(erasure.request("older", "admin-token").orElseThrow().job().id()).isEqualTo(requested.job().id());

        ContactErasures.Job job = awaitDone(requested.job().id());
        assertThat(job.figures()).containsEntry("contacts", "2").containsEntry("addresses", "2")
                .containsEntry("conversations", "1").containsEntry("desk.zendesk", "ERASED")
                .containsEntry("desk.broken", "FAILED").containsEntry("desk.plain", "UNSUPPORTED");
        assertThat(job.desks()).allSatisfy(d -> assertThat(d.addresses()).as(d.desk()).isEmpty());
        assertThat(job.desks()).filteredOn(d -> d.desk().equals("zendesk")).singleElement()
                .satisfies(d -> assertThat(d.attempts()).isEqualTo(3));
        assertThat(asked).filteredOn("zendesk"::equals).hasSize(3);
        assertThat(asked).filteredOn("broken"::equals).hasSize(1);
        RequesterErasure zendesk = requests.get("zendesk");
        assertThat(zendesk.contactId()).isEqualTo("older");
        assertThat(zendesk.requesterRef()).isEqualTo("7");
        assertThat(zendesk.ticketRefs()).containsExactly("501");
        assertThat(zendesk.addresses()).containsExactlyInAnyOrder(Address.email("ines@example.org"),
                Address.phone("+4915112345678"));

        assertThat(count("SELECT COUNT(*) FROM contacts WHERE erased_at IS NOT NULL AND display_name IS NULL"))
                .isEqualTo(2);
        for (String table : List.of("contact_addresses", "address_channels", "contact_links", "desk_requesters")) {
            assertThat(count("SELECT COUNT(*) FROM " + table)).as(table).isZero();
        }
        assertThat(string("SELECT thread_key FROM conversations WHERE id = 'conv-1'")).isEqualTo("erased:conv-1");
        assertThat(string("SELECT customer_address FROM conversations WHERE id = 'conv-1'")).isNull();
        assertThat(count("SELECT COUNT(*) FROM desk_tickets")).as("ticket ids stay for the counts").isEqualTo(2);
        List<String> actions = new AuditTrail(journal, database, Clock.systemUTC()).list(0, "older", "contact.", 10)
                .stream().map(AuditEntry::action).toList();
        assertThat(actions).containsExactly("contact.erase.done", "contact.erase");
    }

    @Test
    void aDeskThatKeepsFailingRetryablyIsReportedFailedAfterTheLastAttempt() throws Exception {
        sql("INSERT INTO contacts (id, display_name, created_at) VALUES ('c1', 'Ola', ?)", now());
        sql("INSERT INTO desk_requesters (contact_id, desk_instance, requester_ref, created_at) VALUES "
                + "('c1', 'flaky', 'F-1', ?)", now());

        ContactErasures.Job job = awaitDone(erasure.request("c1", "admin-token").orElseThrow().job().id());

        assertThat(job.desks()).singleElement().satisfies(d -> {
            assertThat(d.outcome()).isEqualTo("FAILED");
            assertThat(d.attempts()).isEqualTo(4);
            assertThat(d.detail()).isEqualTo("HTTP 502");
        });
        assertThat(asked).hasSize(4);
    }

    @Test
    void anUnknownContactIsNoErasure() throws Exception {
        assertThat(erasure.request("nobody", "admin-token")).isEmpty();
        assertThat(erasure.status("nobody")).isEmpty();
    }

    private ContactErasures.Job awaitDone(String jobId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var job = erasure.status(jobId).orElseThrow();
            if (job.state() == ContactErasures.State.DONE) {
                return job;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("erasure not done: " + erasure.status(jobId));
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private void sql(String sql, Object... params) throws Exception {
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    private long count(String sql) throws Exception {
        return Long.parseLong(string(sql));
    }

    private String string(String sql) throws Exception {
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
