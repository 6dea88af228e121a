package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.StandInConnectors;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agents' workspace through the admin API on a real hub (issue 22): a stand-in channel routed to the console
 * inbox; three conversations of two customers, one of them a chat visitor who typed an email into the pre-chat form.
 * Each test leaves the conversations as it found them, apart from assignment (only the test about it assigns).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConversationsApiTest {
    private static final String TOKEN = "workspace-test-admin-token";
    private static final String TYPED_EMAIL = "bea.visitor@example.org";
    private final StandInConnectors connectors = new StandInConnectors("workspace");
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    static Path dir;
    private Hub hub;
    private String ann;
    private String annAgain;
    private String bea;

    @BeforeAll
    void startHub() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("chat", connectors.channel().name()), instance("inbox", "console-inbox")),
                List.of(new HubConfig.Route("chat", List.of("inbox"))), connectors.channel());
        submit(message("ann-1", "ann-thread", "Ann Archer", Address.email("ann@example.com"),
                "Where is my parcel?", Map.of()));
        submit(message("bea-1", "bea-thread", "Bea", new Address(AddressKind.CHAT_USER, "visitor-42"),
                "My order never arrived", Map.of("webchat.email", TYPED_EMAIL)));
        submit(message("ann-2", "ann-thread-2", "Ann Archer", Address.email("ann@example.com"),
                "A second question about invoices", Map.of()));
        ann = conversationOf("ann-1");
        bea = conversationOf("bea-1");
        annAgain = conversationOf("ann-2");
        Poll.until("the inbox linked all three conversations", () -> ids("/api/conversations").size() == 3
                && StreamSupport.stream(list("/api/conversations").spliterator(), false)
                .allMatch(c -> c.path("deskTickets").has("inbox")), () -> "not linked");
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void everyConversationHasAShortReferenceAndGetAcceptsIt() {
        JsonNode byId = get("/api/conversations/" + bea);
        String reference = byId.path("reference").asText();

        assertThat(reference).matches("C-\\d{4,}");
        assertThat(get("/api/conversations/" + reference).path("id").asText()).isEqualTo(bea);
        assertThat(get("/api/conversations/" + reference.toLowerCase()).path("id").asText()).isEqualTo(bea);
        assertThat(List.of(get("/api/conversations/" + ann).path("reference").asText(),
                get("/api/conversations/" + annAgain).path("reference").asText(), reference)).doesNotHaveDuplicates();
        assertThat(send(local.withToken(local.get("/api/conversations/C-999999"))).statusCode()).isEqualTo(404);
    }

    @Test
    void searchFindsTheEmailAChatVisitorTypedAndNamesTextAndReferences() {
        assertThat(ids("/api/conversations?q=" + enc(TYPED_EMAIL))).containsExactly(bea);
        assertThat(ids("/api/conversations?q=BEA.VISITOR")).as("case-insensitive, part of it").containsExactly(bea);
        assertThat(ids("/api/conversations?q=invoices")).as("message text").containsExactly(annAgain);
        assertThat(ids("/api/conversations?q=archer")).as("contact name").containsExactlyInAnyOrder(ann, annAgain);
        assertThat(ids("/api/conversations?q=ann%40example.com")).as("address").containsExactlyInAnyOrder(ann, annAgain);
        String reference = get("/api/conversations/" + ann).path("reference").asText();
        assertThat(ids("/api/conversations?q=" + reference)).as("reference").containsExactly(ann);
        assertThat(ids("/api/conversations?q=metadata")).as("no match on the stored JSON's keys").isEmpty();
    }

    @Test
    void assignmentToMeAndUnassignedFilterTheList() {
        JsonNode assigned = json(post("/api/conversations/" + bea + "/assign", "{\"to\":\"me\"}"));
        assertThat(assigned.path("assignee").asText()).isEqualTo("admin-token");

        assertThat(ids("/api/conversations?assignee=me")).containsExactly(bea);
        assertThat(ids("/api/conversations?assignee=unassigned")).containsExactlyInAnyOrder(ann, annAgain);
        assertThat(ids("/api/conversations")).hasSize(3);
        JsonNode view = get("/api/conversations/" + bea);
        assertThat(view.path("assigneeName").asText()).isEqualTo("admin");
        assertThat(view.path("events").toString()).contains("ASSIGNED");

        assertThat(post("/api/conversations/" + bea + "/assign", "{\"to\":null}").statusCode()).isEqualTo(200);
        assertThat(ids("/api/conversations?assignee=me")).isEmpty();
        assertThat(post("/api/conversations/" + bea + "/assign", "{}").statusCode()).isEqualTo(400);
        assertThat(post("/api/conversations/" + bea + "/assign", "{\"to\":42}").statusCode()).isEqualTo(400);
    }

    @Test
    void filtersByStatusChannelAndPriorityAndPagesThroughTheList() {
        assertThat(ids("/api/conversations?status=OPEN&channel=chat")).hasSize(3);
        assertThat(ids("/api/conversations?channel=elsewhere")).isEmpty();
        assertThat(ids("/api/conversations?priority=normal")).hasSize(3);
        assertThat(ids("/api/conversations?priority=URGENT")).isEmpty();
        assertThat(send(local.withToken(local.get("/api/conversations?status=CLOSED"))).statusCode()).isEqualTo(400);
        assertThat(send(local.withToken(local.get("/api/conversations?sort=oldest"))).statusCode()).isEqualTo(400);

        JsonNode first = get("/api/conversations?limit=2");
        JsonNode second = get("/api/conversations?limit=2&offset=" + first.path("nextOffset").asInt());
        assertThat(first.path("conversations")).hasSize(2);
        assertThat(second.path("conversations")).hasSize(1);
        assertThat(second.has("nextOffset")).isFalse();
        assertThat(ids("/api/conversations?sort=waiting")).hasSize(3);
    }

    @Test
    void theCustomersOtherConversationsAreBesideTheCurrentOne() {
        JsonNode others = get("/api/conversations/" + ann).path("otherConversations");

        assertThat(others).singleElement().satisfies(o -> {
            assertThat(o.path("id").asText()).isEqualTo(annAgain);
            assertThat(o.path("reference").asText()).startsWith("C-");
        });
        assertThat(get("/api/conversations/" + bea).path("otherConversations")).isEmpty();
    }

    @Test
    void aResolvedConversationIsReadOnlyUntilReopenedAndACustomerMessageReopensIt() throws Exception {
        assertThat(post("/api/conversations/" + annAgain + "/resolve", "{}").statusCode()).isEqualTo(202);
        assertThat(get("/api/conversations/" + annAgain).path("status").asText()).isEqualTo("RESOLVED");

        HttpResponse<String> reply = post("/api/conversations/" + annAgain + "/replies", "{\"text\":\"Hello\"}");
        assertThat(reply.statusCode()).isEqualTo(409);
        assertThat(json(reply).path("error").asText()).contains("reopen");
        assertThat(post("/api/conversations/" + annAgain + "/notes", "{\"text\":\"n\"}").statusCode()).isEqualTo(409);

        assertThat(post("/api/conversations/" + annAgain + "/reopen", "{}").statusCode()).isEqualTo(202);
        assertThat(get("/api/conversations/" + annAgain).path("status").asText()).isEqualTo("OPEN");
        assertThat(post("/api/conversations/" + annAgain + "/replies", "{\"text\":\"Here it is\"}").statusCode())
                .isEqualTo(202);

        assertThat(post("/api/conversations/" + annAgain + "/resolve", "{}").statusCode()).isEqualTo(202);
        submit(message("ann-3", "ann-thread-2", "Ann Archer", Address.email("ann@example.com"),
                "One more thing", Map.of()));
        Poll.until("the customer's message reopened it",
                () -> get("/api/conversations/" + annAgain).path("status").asText().equals("OPEN"), () -> "resolved");
        List<String> kinds = StreamSupport.stream(get("/api/conversations/" + annAgain).path("events")
                .spliterator(), false).map(e -> e.path("kind").asText()).toList();
        assertThat(kinds).containsSubsequence("RESOLVED", "OPEN", "RESOLVED", "REOPENED_BY_CUSTOMER");
    }

    @Test
    void anInternalNoteGoesToTheDesksAndNeverToTheCustomer() {
        HttpResponse<String> r = post("/api/conversations/" + ann + "/notes", "{\"text\":\"Customer is a VIP\"}");

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(json(r).path("desks").toString()).contains("inbox");
        JsonNode note = StreamSupport.stream(get("/api/messages?conversationId=" + enc(ann)).path("messages")
                        .spliterator(), false)
                .filter(m -> m.path("message").path("text").asText().equals("Customer is a VIP")).findFirst()
                .orElseThrow();
        assertThat(note.path("message").path("direction").asText()).isEqualTo("INTERNAL");
        assertThat(note.path("message").path("author").path("displayName").asText()).isEqualTo("admin");
        assertThat(note.path("deliveries")).allSatisfy(d -> assertThat(d.path("kind").asText()).isEqualTo("DESK"));
        assertThat(post("/api/conversations/" + ann + "/notes", "{\"text\":\" \"}").statusCode()).isEqualTo(400);
    }

    @Test
    void cannedRepliesAreFilledInForTheConversationAndTheAgent() {
        HttpResponse<String> created = post("/api/snippets", "{\"name\":\"greeting\",\"body\":\"Hi {{contact.name}}, "
                + "{{agent.name}} here about {{conversation.reference}}. {{unknown.key}}\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(post("/api/snippets", "{\"name\":\"greeting\",\"body\":\"again\"}").statusCode()).isEqualTo(409);

        String reference = get("/api/conversations/" + ann).path("reference").asText();
        JsonNode rendered = get("/api/conversations/" + ann + "/snippets").path("snippets");

        assertThat(rendered).singleElement().satisfies(s -> assertThat(s.path("text").asText())
                .isEqualTo("Hi Ann Archer, admin here about " + reference + ". {{unknown.key}}"));
        long id = json(created).path("id").asLong();
        HttpResponse<String> other = post("/api/snippets", "{\"name\":\"other\",\"body\":\"Bye\"}");
        HttpResponse<String> clash = send(local.withToken(HttpRequest.newBuilder(java.net.URI.create(local.base()
                + "/api/snippets/" + json(other).path("id").asLong())).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"greeting\",\"body\":\"Bye\"}"))));
        assertThat(clash.statusCode()).as("the name is taken").isEqualTo(409);
        assertThat(send(local.withToken(HttpRequest.newBuilder(java.net.URI.create(local.base() + "/api/snippets/"
                + json(other).path("id").asLong())).DELETE())).statusCode()).isEqualTo(204);
        assertThat(send(local.withToken(HttpRequest.newBuilder(java.net.URI.create(local.base() + "/api/snippets/"
                + id)).DELETE())).statusCode()).isEqualTo(204);
        assertThat(get("/api/snippets").path("snippets")).isEmpty();
    }

    // --- helpers

    private Message message(String id, String thread, String name, Address address, String text,
                            Map<String, String> metadata) {
        return Message.builder().channel(new ChannelRef(connectors.channel().name(), "chat")).channelMessageId(id)
                .threadKey(thread).author(Author.customer(name, address)).text(text).metadata(metadata).build();
    }

    private void submit(Message m) throws Exception {
        connectors.context("chat").submit(Inbound.messages(List.of(m))).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private String conversationOf(String channelMessageId) {
        JsonNode all = get("/api/messages?limit=100");
        return StreamSupport.stream(all.path("messages").spliterator(), false).map(v -> v.path("message"))
                .filter(m -> m.path("channelMessageId").asText().equals(channelMessageId)).findFirst()
                .orElseThrow().path("conversationId").asText();
    }

    private JsonNode list(String path) {
        return get(path).path("conversations");
    }

    private List<String> ids(String path) {
        return StreamSupport.stream(list(path).spliterator(), false).map(c -> c.path("id").asText()).toList();
    }

    private JsonNode get(String path) {
        HttpResponse<String> r = send(local.withToken(local.get(path)));
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return json(r);
    }

    private HttpResponse<String> post(String path, String body) {
        return send(local.withToken(local.postJson(path, body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return local.send(request);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
