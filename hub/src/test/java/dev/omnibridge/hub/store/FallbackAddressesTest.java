package dev.omnibridge.hub.store;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.model.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which of a contact's addresses the reply fallback may use, on the real schema (H2 here, PostgreSQL in
 * {@link PostgresStoreTest}): verified ones only (written from, or joined on verified evidence), reachable ones only,
 * those seen on the target instance first; a joined contact leads to its survivor.
 */
class FallbackAddressesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void onlyVerifiedReachableAddressesAreOfferedSeenOnTheInstanceFirst() throws Exception {
        Database db = Database.open(new HubConfig.Store(null, null, null), dir, 4);
        try {
            scenario(db);
        } finally {
            db.close();
        }
    }

    /** The scenario, for H2 and PostgreSQL alike. */
    static void scenario(Database db) throws Exception {
        try (Connection c = db.connection()) {
            c.setAutoCommit(true);
            contact(c, "ann", null);
            contact(c, "ann-old-chat", "ann");   // joined into ann
            address(c, "EMAIL", "ann@example.com", "ann", T0, null);
            address(c, "PHONE", "+4915112345678", "ann", T0.plusSeconds(60), null);
            address(c, "PHONE", "+4915199999999", "ann", T0.plusSeconds(120), "opted out with STOP");
            address(c, "EMAIL", "typed@example.com", "ann", T0.plusSeconds(180), null);   // never written from
            address(c, "EMAIL", "desk@example.com", "ann", T0.plusSeconds(240), null);    // the desk said so
            conversation(c, "conv-chat", "chat", "ann-old-chat", "EMAIL", "ann@example.com");
            conversation(c, "conv-wa", "wa", "ann", "PHONE", "+4915112345678");
            conversation(c, "conv-sms", "sms", "ann", "PHONE", "+4915199999999");
            Sql.update(c, "INSERT INTO contact_links (contact_id, other_contact_id, kind, address, other_kind, "
                    + "other_address, strength, evidence, status, created_at) VALUES ('ann', 'ann', 'EMAIL', "
                    + "'ann@example.com', 'EMAIL', 'desk@example.com', 'VERIFIED', 'DESK_REQUESTER', 'JOINED', ?)", T0);
            Sql.update(c, "INSERT INTO contact_links (contact_id, other_contact_id, kind, address, other_kind, "
                    + "other_address, strength, evidence, status, created_at) VALUES ('ann', 'x', 'EMAIL', "
                    + "'ann@example.com', 'EMAIL', 'typed@example.com', 'PROPOSED', 'TYPED_EMAIL', 'PROPOSED', ?)",
                    T0);
            Sql.update(c, "INSERT INTO address_channels (kind, address, channel_instance, first_seen_at) VALUES "
                    + "('EMAIL', 'ann@example.com', 'mail', ?)", T0);

            assertThat(FallbackAddresses.survivor(c, "ann-old-chat")).isEqualTo("ann");
            assertThat(FallbackAddresses.verifiedReachable(c, "ann-old-chat", "mail")).as("seen on mail first, "
                    + "then the newest; not the opted-out number nor the merely proposed email").containsExactly(
                    Address.email("ann@example.com"), Address.email("desk@example.com"),
                    Address.phone("+4915112345678"));
            assertThat(FallbackAddresses.verifiedReachable(c, "ann", "sms")).containsExactly(
                    Address.email("desk@example.com"), Address.phone("+4915112345678"),
                    Address.email("ann@example.com"));
            assertThat(FallbackAddresses.origin(c, "conv-chat"))
                    .isEqualTo(new FallbackAddresses.Origin("chat", "ann-old-chat"));
            assertThat(FallbackAddresses.origin(c, "missing")).isNull();
            assertThat(FallbackAddresses.channelTargets(c, "conv-chat", "m-1")).isEmpty();
        }
    }

    private static void contact(Connection c, String id, String mergedInto) throws Exception {
        Sql.update(c, "INSERT INTO contacts (id, display_name, created_at, merged_into) VALUES (?, 'Ann', ?, ?)", id,
                T0, mergedInto);
    }

    private static void address(Connection c, String kind, String value, String contact, Instant at, String reason)
            throws Exception {
        Sql.update(c, "INSERT INTO contact_addresses (kind, address, contact_id, created_at, unreachable_reason) "
                + "VALUES (?, ?, ?, ?, ?)", kind, value, contact, at, reason);
    }

    private static void conversation(Connection c, String id, String instance, String contact, String kind,
                                     String address) throws Exception {
        Sql.update(c, "INSERT INTO conversations (id, channel_type, channel_instance, thread_key, contact_id, "
                + "customer_kind, customer_address, status, created_at, last_message_at) VALUES (?, 't', ?, ?, ?, ?, "
                + "?, 'OPEN', ?, ?)", id, instance, id, contact, kind, address, T0, T0);
    }
}
