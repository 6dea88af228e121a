package dev.omnibridge.hub.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.StandInConnectors;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One customer across channels on a real hub (real H2 store, HTTP admin API, stand-in channels and a stand-in desk
 * that keeps its requesters through {@code ctx.requesters()} the way the desk connectors do): SMS and WhatsApp (the
 * same number written another way), email and a site-verified chat make one contact with one desk requester, one
 * page and one timeline; the second channel's ticket gets a history note; a weak match waits for an agent; a split
 * undoes a link; every decision is audited.
 */
class ContactIdentityHubTest {
    private static final String TOKEN = "identity-hub-admin-token";
    private final LocalHub local = new LocalHub(TOKEN);
    /** The stand-in desk's "vendor": requesters it created, and the deliveries it got. */
    private final AtomicInteger requestersCreated = new AtomicInteger();
    private final List<DeskDelivery> delivered = new CopyOnWriteArrayList<>();
    @TempDir
    Path dir;
    private Hub hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    private final StandInConnectors standIns = new StandInConnectors("identity");
    private final TestType channel = standIns.channel();

    /**
     * A desk like the real ones: the hub's memory first; else it "creates" a requester, remembers it, and reports
     * the other identity its user has on the desk (an agent added the customer's email there).
     */
    private final TestType desk = new TestType("identity-desk", "keeps requesters per contact", () -> new DeskConnector() {
        private ConnectorContext ctx;

        @Override
        public void start(ConnectorContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            delivered.add(delivery);
            String contact = delivery.contact().id();
            if (ctx.requesters().find(contact).isEmpty()) {
                String requester = "user-" + requestersCreated.incrementAndGet();
                ctx.requesters().remember(contact, requester);
                if (delivery.contact().addresses().contains(Address.phone("+4915123456789"))) {
                    ctx.requesters().reportAddresses(contact, List.of(Address.email("ana.lima@example.com")));
                }
            }
            return new DeskResult(delivery.ticketRef() != null ? delivery.ticketRef()
                    : "T-" + delivery.conversation().id(), "c-" + delivery.message().id());
        }
    });

    private void startHub() throws Exception {
        List<String> channels = List.of("sms", "wa", "mail", "chat");
        List<HubConfig.Instance> instances = new ArrayList<>();
        channels.forEach(c -> instances.add(instance(c, channel.name())));
        instances.add(instance("zendesk", desk.name()));
        HubConfig config = local.config(dir, LocalHub.QUICK_DELIVERY, instances,
                channels.stream().map(c -> new HubConfig.Route(c, List.of("zendesk"))).toList());
        hub = Hub.start(config.withIdentity(new IdentityConfig("DE", null, null)), List.of(channel, desk));
    }

    private void submit(String instance, String id, String name, Address from, String text) throws Exception {
        Message m = Message.builder().channel(new ChannelRef(channel.name(), instance)).channelMessageId(id)
                .threadKey(instance + ":" + from.value()).author(Author.customer(name, from)).text(text).build();
        standIns.context(instance).submit(Inbound.messages(List.of(m))).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private JsonNode get(String path) {
        var r = local.send(local.withToken(local.get(path)));
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return json(r);
    }

    private JsonNode post(String path, String body, int status) {
        var r = local.send(local.withToken(local.postJson(path, body)));
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(status);
        return json(r);
    }

    private String contactOf(String instance) {
        return StreamSupport.stream(get("/api/conversations?limit=100").path("conversations").spliterator(), false)
                .filter(c -> c.path("channel").path("instanceId").asText().equals(instance))
                .findFirst().orElseThrow().path("contactId").asText();
    }

    @Test
    void oneCustomerOnFourChannelsIsOneContactWithOneRequesterAndOneTimeline() throws Exception {
        startHub();
        ConnectorContext wa = standIns.context("wa");
        assertThat(wa.phoneNumber("0151 2345 6789")).as("a number typed without country code, region DE")
                .contains(Address.phone("+4915123456789"));
        assertThat(wa.phoneNumber("4915123456789")).as("a wa_id").contains(Address.phone("+4915123456789"));
        assertThat(wa.phoneNumber("12")).isEmpty();

        submit("sms", "SM1", "Ana Lima", Address.phone("+4915123456789"), "My order is late");
        // The desk reports the email its user has before the customer writes from it (the join path is the store
        // tests'): the email is then the contact's when it first writes.
        Poll.until("the desk's report", () -> requestersCreated.get() == 1
                && get("/api/contacts/" + contactOf("sms")).path("addresses").size() == 2);
        // The same number as a channel wrote it with the trunk 0: the hub's normal form makes it one address.
        submit("wa", "wamid.1", "Ana", Address.phone("+49015123456789"), "Any news?");
        submit("mail", "<1@example.com>", "Ana Lima", Address.email("Ana.Lima@EXAMPLE.com"), "Order 1234");
        submit("chat", "chat-1", "Ana", Address.email("ana.lima@example.com"), "Hello from the site");
        Poll.until("four messages at the desk", () -> delivered.stream()
                .filter(d -> d.message().direction() == Direction.INBOUND).count() == 4);

        String contact = contactOf("sms");
        assertThat(List.of(contactOf("wa"), contactOf("mail"), contactOf("chat"))).containsOnly(contact);
        assertThat(get("/api/contacts/" + contact).path("links")).as("the desk's report").hasSize(1);
        assertThat(requestersCreated.get()).as("one desk requester").isOne();
        assertThat(delivered).extracting(d -> d.contact().id()).containsOnly(contact);

        JsonNode page = get("/api/contacts/" + contact);
        assertThat(page.path("id").asText()).isEqualTo(contact);
        assertThat(page.path("mergedInto").isNull()).isTrue();
        assertThat(page.path("names").toString()).contains("Ana Lima");
        Map<String, List<String>> channelsOf = new java.util.HashMap<>();
        page.path("addresses").forEach(a -> channelsOf.put(a.path("value").asText(),
                StreamSupport.stream(a.path("channels").spliterator(), false).map(JsonNode::asText).toList()));
        assertThat(channelsOf).containsOnlyKeys("+4915123456789", "ana.lima@example.com");
        assertThat(channelsOf.get("+4915123456789")).containsExactly("sms", "wa");
        assertThat(channelsOf.get("ana.lima@example.com")).containsExactly("mail", "chat");
        assertThat(page.path("addresses").get(0).path("reachable").asBoolean()).isTrue();
        assertThat(page.path("addresses").get(0).path("verified").asBoolean()).isTrue();
        assertThat(page.path("conversations")).hasSize(4);
        List<String> inbound = StreamSupport.stream(page.path("timeline").spliterator(), false)
                .filter(t -> t.path("direction").asText().equals("INBOUND")).map(t -> t.path("text").asText())
                .toList();
        assertThat(inbound).containsExactly("My order is late", "Any news?", "Order 1234", "Hello from the site");
        assertThat(page.path("links")).singleElement().satisfies(l -> {
            assertThat(l.path("evidence").asText()).isEqualTo("DESK_REQUESTER");
            assertThat(l.path("status").asText()).isEqualTo("JOINED");
        });

        // The tickets of the second and later channels carry a note of the others, with console links.
        Poll.until("three history notes", () -> delivered.stream()
                .filter(d -> d.message().tags().contains(HistoryNotes.TAG)).count() == 3);
        DeskDelivery note = delivered.stream().filter(d -> d.message().tags().contains(HistoryNotes.TAG))
                .filter(d -> d.conversation().channel().instanceId().equals("wa")).findFirst().orElseThrow();
        assertThat(note.message().direction()).isEqualTo(Direction.INTERNAL);
        assertThat(note.message().text()).contains("sms, ").contains(local.base() + "/console/#contacts/" + contact)
                .contains(local.base() + "/console/#conversations/").doesNotContain("My order is late");

        JsonNode list = get("/api/contacts?q=ana.lima");
        assertThat(list.path("contacts")).singleElement().satisfies(c -> {
            assertThat(c.path("id").asText()).isEqualTo(contact);
            assertThat(c.path("addresses").asInt()).isEqualTo(2);
        });
    }

    @Test
    void aWeakMatchWaitsForAnAgentAndASplitUndoesTheLink() throws Exception {
        startHub();
        submit("mail", "<1@x>", "Bo Berg", Address.email("bo@shop.example"), "First");
        submit("mail", "<2@x>", "Bo Berg", Address.email("b.berg@shop.example"), "Second");
        String first = contactOfAddress("bo@shop.example");
        String second = contactOfAddress("b.berg@shop.example");
        assertThat(second).isNotEqualTo(first);

        JsonNode proposal = get("/api/contacts/" + first).path("proposals").get(0);
        assertThat(proposal.path("otherContactId").asText()).isEqualTo(second);
        assertThat(proposal.path("otherName").asText()).isEqualTo("Bo Berg");
        assertThat(proposal.path("evidence").asText()).isEqualTo("SAME_NAME_AND_DOMAIN");
        assertThat(get("/api/contacts/" + second).path("proposals")).hasSize(1);
        long linkId = proposal.path("linkId").asLong();

        JsonNode accepted = post("/api/contacts/links/" + linkId + "/accept", "", 200);
        assertThat(accepted.path("contactId").asText()).isEqualTo(first);
        JsonNode merged = get("/api/contacts/" + second);
        assertThat(merged.path("id").asText()).as("a joined id answers with the survivor's page").isEqualTo(first);
        assertThat(merged.path("mergedInto").asText()).isEqualTo(first);
        assertThat(merged.path("requestedId").asText()).isEqualTo(second);
        assertThat(merged.path("conversations")).hasSize(2);
        post("/api/contacts/links/" + linkId + "/accept", "", 409);

        post("/api/contacts/links/" + linkId + "/split", "", 200);
        assertThat(get("/api/contacts/" + second).path("mergedInto").isNull()).isTrue();
        assertThat(get("/api/contacts/" + first).path("addresses")).hasSize(1);

        // An agent links an address by hand; bad input is refused with a reason.
        JsonNode linked = post("/api/contacts/" + first + "/links", "{\"kind\":\"phone\",\"address\":\"030 1234567\"}",
                201);
        assertThat(linked.path("link").path("otherAddress").asText()).isEqualTo("+49301234567");
        assertThat(linked.path("link").path("evidence").asText()).isEqualTo("AGENT");
        post("/api/contacts/" + first + "/links", "{\"kind\":\"phone\",\"address\":\"12\"}", 400);
        post("/api/contacts/" + first + "/links", "{}", 400);
        post("/api/contacts/nobody/links", "{\"otherContactId\":\"" + second + "\"}", 404);
        post("/api/contacts/links/999999/reject", "", 404);
        var unauthorised = local.send(local.get("/api/contacts/" + first));
        assertThat(unauthorised.statusCode()).isEqualTo(401);

        JsonNode page = get("/api/contacts/" + first);
        assertThat(page.path("links").toString()).contains("SPLIT").contains("AGENT");
        // The decisions are in the audit trail, as its API serves it: ids and evidence, no addresses.
        JsonNode audit = get("/api/audit?action=contact.");
        assertThat(audit.path("entries").findValuesAsText("action"))
                .contains("contact.link.accept", "contact.split", "contact.link");
        assertThat(audit.path("entries").findValuesAsText("actor")).containsOnly("admin-token");
        assertThat(audit.toString()).doesNotContain("bo@shop.example").doesNotContain("+49301234567");
    }

    private String contactOfAddress(String address) {
        return StreamSupport.stream(get("/api/contacts?q=" + address).path("contacts").spliterator(), false)
                .findFirst().orElseThrow().path("id").asText();
    }
}
