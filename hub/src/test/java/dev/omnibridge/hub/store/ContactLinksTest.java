package dev.omnibridge.hub.store;

import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.model.Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Links between contacts on a real H2 store: joins, splits, proposals and what is never done twice. */
class ContactLinksTest {
    @TempDir
    Path dir;
    private Database db;
    private IdentityStoreScenario s;

    @BeforeEach
    void open() {
        db = StoreTestSupport.openDatabase(dir);
        s = new IdentityStoreScenario(db);
    }

    @AfterEach
    void close() {
        s.journal.close();
        db.close();
    }

    @Test
    void sameNumberDeskReportSplitAndAcceptedProposalOnH2() throws Exception {
        s.run();
    }

    private List<ContactLinks.Link> links(String contactId) throws Exception {
        try (Connection c = db.connection()) {
            return ContactLinks.of(c, List.of(contactId));
        }
    }

    @Test
    void aRejectedProposalIsNotMadeAgainOnTheSameEvidence() throws Exception {
        String first = s.write("mail", "email", "<1@x>", "t1", "Bo Berg", Address.email("bo@shop.example"), "hi",
                Map.of());
        String second = s.write("mail", "email", "<2@x>", "t2", "bo berg", Address.email("b.berg@shop.example"),
                "hi", Map.of());
        ContactLinks.Link proposal = links(second).get(0);
        assertThat(proposal.status()).isEqualTo(ContactLinks.Status.PROPOSED);
        assertThat(proposal.detail()).isEqualTo("same name, same email domain shop.example");

        s.identity.reject(proposal.id(), AuditTrail.ADMIN_TOKEN).get(10, TimeUnit.SECONDS);
        // The other's next new conversation brings the same evidence again.
        s.write("mail", "email", "<3@x>", "t3", "Bo Berg", Address.email("b.berg@shop.example"), "again", Map.of());

        assertThat(links(second)).singleElement().extracting(ContactLinks.Link::status)
                .isEqualTo(ContactLinks.Status.REJECTED);
        assertThat(s.owner(Address.email("bo@shop.example"))).isEqualTo(first);
        assertThatThrownBy(() -> s.identity.accept(proposal.id(), AuditTrail.ADMIN_TOKEN).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ContactLinks.WrongStateException.class);
    }

    @Test
    void aPhoneNumberInTheFirstMessageAndATypedEmailAreProposalsOnly() throws Exception {
        String byPhone = s.write("sms", "twilio", "SM1", "sms:1", "Cem", Address.phone("+4930123456"), "hello",
                Map.of());
        String byMail = s.write("mail", "email", "<1@x>", "m1", "Cem K", Address.email("cem@example.org"), "hi",
                Map.of());
        String byChat = s.write("chat", "webchat", "c1", "chat:1", "Visitor", Address.chatUser("chat:1"),
                "please call me on 030 123456", Map.of("webchat.email", "Cem@Example.org"));

        List<ContactLinks.Link> proposals = links(byChat);
        assertThat(proposals).extracting(ContactLinks.Link::evidence).containsExactlyInAnyOrder(
                ContactLinks.Evidence.PHONE_IN_MESSAGE, ContactLinks.Evidence.TYPED_EMAIL);
        assertThat(proposals).allMatch(l -> l.status() == ContactLinks.Status.PROPOSED);
        assertThat(proposals).extracting(ContactLinks.Link::otherContactId).containsExactlyInAnyOrder(byPhone, byMail);
        assertThat(s.owner(Address.chatUser("chat:1"))).isEqualTo(byChat);
    }

    @Test
    void anAddressAnAgentAddedSplitsOffIntoAContactOfItsOwn() throws Exception {
        String ana = s.write("sms", "twilio", "SM1", "sms:1", "Ana", Address.phone("+4915123456789"), "hi", Map.of());
        ContactLinks.Link added = s.identity.linkAddress(ana, Address.email("ana@example.com"), "admin-token")
                .get(10, TimeUnit.SECONDS);
        assertThat(s.owner(Address.email("ana@example.com"))).isEqualTo(ana);

        ContactLinks.Link split = s.identity.split(added.id(), "admin-token").get(10, TimeUnit.SECONDS);

        String owner = s.owner(Address.email("ana@example.com"));
        assertThat(owner).isNotEqualTo(ana).isEqualTo(split.otherContactId());
        assertThat(split.status()).isEqualTo(ContactLinks.Status.SPLIT);
        assertThatThrownBy(() -> s.identity.split(added.id(), "admin-token").get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ContactLinks.WrongStateException.class);
    }

    @Test
    void joinsFollowChainsAndTheRequesterOfTheOldestWins() throws Exception {
        String a = s.write("sms", "twilio", "SM1", "s1", "A", Address.phone("+4915111111111"), "x", Map.of());
        String b = s.write("sms", "twilio", "SM2", "s2", "B", Address.phone("+4915122222222"), "x", Map.of());
        String c = s.write("sms", "twilio", "SM3", "s3", "C", Address.phone("+4915133333333"), "x", Map.of());
        var desk = new dev.omnibridge.hub.identity.HubDeskRequesters("desk", db, s.journal, s.identity,
                java.time.Clock.systemUTC());
        desk.remember(c, "req-c");
        desk.remember(c, "req-other");
        s.identity.linkContacts(b, c, "admin-token").get(10, TimeUnit.SECONDS);
        s.identity.linkContacts(c, a, "admin-token").get(10, TimeUnit.SECONDS);

        try (Connection conn = db.connection()) {
            assertThat(ContactLinks.root(conn, c)).isEqualTo(a);
            assertThat(ContactLinks.family(conn, a)).containsExactly(a, b, c);
        }
        assertThat(desk.find(a)).as("the first requester recorded stays, found from the survivor").contains("req-c");
        assertThatThrownBy(() -> s.identity.linkContacts(a, b, "admin-token").get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ContactLinks.WrongStateException.class);
    }
}
