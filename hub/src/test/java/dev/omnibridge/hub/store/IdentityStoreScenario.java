package dev.omnibridge.hub.store;

import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.identity.ContactIdentity;
import dev.omnibridge.hub.identity.HubDeskRequesters;
import dev.omnibridge.hub.identity.InboundAddresses;
import dev.omnibridge.hub.identity.InboundIdentity;
import dev.omnibridge.hub.identity.PhoneNumbers;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;

import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity store's whole story on one database (H2 in {@link ContactLinksTest}, PostgreSQL in
 * {@link PostgresStoreTest}): one number on two channels is one contact; the desk's report joins a second contact
 * into the older one and the desk's requester is found through either id; a split undoes it and the same report does
 * not join them again; a weak match is a proposal until accepted.
 */
final class IdentityStoreScenario {
    final Database db;
    final Journal journal;
    final InboundWriter writer;
    final ContactIdentity identity;
    final List<DeliveryTask> scheduled = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));

    IdentityStoreScenario(Database db) {
        this.db = db;
        this.journal = new Journal(db);
        this.writer = new InboundWriter(ch -> List.of("desk"), scheduled::add, clock, new RecentMessages());
        PhoneNumbers phones = new PhoneNumbers("DE");
        writer.identify(new InboundIdentity(phones, null));
        this.identity = new ContactIdentity(journal, new AuditTrail(journal, db, clock), clock,
                new InboundAddresses(phones));
    }

    /** Stores a customer message (the address as given: the instance manager normalises before the writer). */
    String write(String instance, String type, String id, String thread, String name, Address from, String text,
                 Map<String, String> metadata) throws Exception {
        clock.tick();
        Message m = Message.builder().channel(new ChannelRef(type, instance)).channelMessageId(id).threadKey(thread)
                .author(Author.customer(name, from)).text(text).metadata(metadata).build();
        journal.submit(writer.work(instance, Inbound.messages(List.of(m)))).get(10, TimeUnit.SECONDS);
        return StoreTestSupport.string(db, "SELECT contact_id FROM conversations WHERE channel_instance = ? "
                + "AND thread_key = ?", instance, thread);
    }

    String owner(Address a) {
        return StoreTestSupport.string(db, "SELECT contact_id FROM contact_addresses WHERE kind = ? AND address = ?",
                a.kind(), a.value());
    }

    void run() throws Exception {
        Address phone = Address.phone("+4915123456789");
        Address email = Address.email("ana@example.com");
        String bySms = write("sms", "twilio", "SM1", "sms:+4915123456789", "Ana", phone, "Hi by SMS", Map.of());
        String byWhatsApp = write("wa", "meta", "wamid.1", "wa:4915123456789", "Ana", phone, "Hi on WhatsApp",
                Map.of());
        assertThat(byWhatsApp).as("one number on two channels is one contact").isEqualTo(bySms);
        try (Connection c = db.connection()) {
            assertThat(AddressChannels.of(c, List.of(phone)).get(phone)).containsExactly("sms", "wa");
        }

        String byMail = write("mail", "email", "<m1@example.com>", "mail:1", "Ana Lima", email, "Hello by mail",
                Map.of());
        assertThat(byMail).isNotEqualTo(bySms);
        HubDeskRequesters zendesk = new HubDeskRequesters("zendesk", db, journal, identity, clock);
        zendesk.remember(byMail, "zd-user-7");
        zendesk.reportAddresses(byMail, List.of(Address.phone("+4915123456789")));

        assertThat(owner(email)).as("the younger contact is joined into the older").isEqualTo(bySms);
        assertThat(StoreTestSupport.string(db, "SELECT merged_into FROM contacts WHERE id = ?", byMail))
                .isEqualTo(bySms);
        assertThat(zendesk.find(bySms)).as("the requester made for the joined contact serves the survivor")
                .contains("zd-user-7");
        assertThat(zendesk.find(byMail)).contains("zd-user-7");
        try (Connection c = db.connection()) {
            assertThat(DeliveryStore.contact(c, byMail).id()).as("desks see the surviving contact").isEqualTo(bySms);
            assertThat(DeliveryStore.contact(c, byMail).addresses()).containsExactlyInAnyOrder(phone, email);
        }
        ContactLinks.Link joined;
        try (Connection c = db.connection()) {
            joined = ContactLinks.of(c, List.of(bySms)).get(0);
        }
        assertThat(joined.evidence()).isEqualTo(ContactLinks.Evidence.DESK_REQUESTER);
        assertThat(joined.status()).isEqualTo(ContactLinks.Status.JOINED);
        assertThat(joined.movedAddresses()).containsExactly("EMAIL:ana@example.com");

        identity.split(joined.id(), AuditTrail.ADMIN_TOKEN).get(10, TimeUnit.SECONDS);
        assertThat(owner(email)).as("split gives the address back").isEqualTo(byMail);
        assertThat(StoreTestSupport.string(db, "SELECT merged_into FROM contacts WHERE id = ?", byMail)).isNull();
        zendesk.reportAddresses(byMail, List.of(phone));
        assertThat(owner(email)).as("the same evidence does not join them again").isEqualTo(byMail);

        Address other = Address.email("a.lima@example.com");
        String weak = write("mail", "email", "<m2@example.com>", "mail:2", "Ana Lima", other, "Another mail",
                Map.of());
        assertThat(weak).isNotEqualTo(byMail);
        assertThat(owner(other)).as("a weak match joins nothing").isEqualTo(weak);
        ContactLinks.Link proposal;
        try (Connection c = db.connection()) {
            proposal = ContactLinks.of(c, List.of(weak)).stream()
                    .filter(l -> l.status() == ContactLinks.Status.PROPOSED).findFirst().orElseThrow();
        }
        assertThat(proposal.evidence()).isEqualTo(ContactLinks.Evidence.SAME_NAME_AND_DOMAIN);
        identity.accept(proposal.id(), AuditTrail.ADMIN_TOKEN).get(10, TimeUnit.SECONDS);
        assertThat(owner(other)).as("accepted: the younger joins the older").isEqualTo(byMail);
        assertThat(StoreTestSupport.count(db, "SELECT COUNT(*) FROM audit_events WHERE action IN "
                + "('contact.link', 'contact.split', 'contact.link.accept')")).isEqualTo(3);

        // The contact page and list read the same on both stores.
        ContactQueries queries = new ContactQueries(db);
        ContactQueries.Page page = queries.page(weak).orElseThrow();
        assertThat(page.id()).isEqualTo(byMail);
        assertThat(page.mergedInto()).isEqualTo(byMail);
        assertThat(page.addresses()).extracting(ContactQueries.AddressView::value)
                .containsExactlyInAnyOrder("ana@example.com", "a.lima@example.com");
        assertThat(page.conversations()).hasSize(2);
        assertThat(page.timeline()).extracting(ContactQueries.TimelineEntry::text)
                .containsExactly("Hello by mail", "Another mail");
        assertThat(page.links()).extracting(ContactLinks.Link::status)
                .contains(ContactLinks.Status.JOINED, ContactLinks.Status.SPLIT);
        assertThat(queries.list("lima", 10)).extracting(ContactQueries.Summary::id).containsExactly(byMail);
        assertThat(queries.list(null, 10)).extracting(ContactQueries.Summary::id).containsExactlyInAnyOrder(byMail, bySms);
        journal.close();
    }

    /** A clock the scenario moves a second per message, so "older" is well defined. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void tick() {
            now = now.plusSeconds(1);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
