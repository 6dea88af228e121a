package dev.omnibridge.hub.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Roles enforced on the admin API of a real hub (a chat channel routed to the console inbox): an agent answers and
 * resolves but may not stop instances, replay dead letters or manage accounts; a viewer only reads; configured API
 * tokens have their own roles; every attempt, allowed or refused, is in the audit trail with who made it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlTest {
    private static final String TOKEN = "access-control-admin-token";
    private static final String REPORTING_TOKEN = "reporting-token-for-dashboards";
    private static final String PASSWORD = "correct horse battery";
    @TempDir
    static Path dir;
    private final LocalHub local = new LocalHub(TOKEN);
    private final ConsoleLogins console = new ConsoleLogins(local);
    private final List<ConnectorContext> chats = new CopyOnWriteArrayList<>();
    private final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
    private final TestType chat = new TestType("recording-chat", "records replies", RecordingChat::new);
    private Hub hub;
    private String agentId;
    private String viewerId;
    private ConsoleLogins.Session agent;
    private ConsoleLogins.Session viewer;

    @BeforeAll
    void start() throws Exception {
        HubConfig config = local.config(dir, LocalHub.QUICK_DELIVERY,
                        List.of(instance("chat", chat.name()), instance("inbox", "console-inbox")),
                        List.of(new HubConfig.Route("chat", List.of("inbox"))))
                .withAccess(AccessConfig.standard().withTokens(List.of(
                        new AccessConfig.ApiToken("reporting", REPORTING_TOKEN, Principal.Role.VIEWER))));
        hub = Hub.start(config, List.<ConnectorType>of(chat));
        Poll.until("the chat runs", () -> !chats.isEmpty());
        console.createAccount("root@example.com", "Rita Root", "admin", PASSWORD);
        agentId = console.createAccount("agnes@example.com", "Agnes Agent", "agent", PASSWORD);
        viewerId = console.createAccount("victor@example.com", "Victor Viewer", "viewer", PASSWORD);
        agent = console.login("Agnes@Example.com", PASSWORD);
        viewer = console.login("victor@example.com", PASSWORD);
    }

    @AfterAll
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void anAgentAnswersAndResolvesUnderItsOwnNameButMayNotStopReplayOrManageAccounts() throws Exception {
        String conversation = customerWrites("t-agent");

        HttpResponse<String> reply = console.post(agent, "/api/conversations/" + conversation + "/replies",
                "{\"inbox\":\"inbox\",\"text\":\"Your parcel left today.\",\"author\":\"Someone Else\"}");
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
        Poll.until("the reply reached the chat", () -> !sent.isEmpty());
        assertThat(sent.get(0).message().author().displayName()).as("the account's name, not the body's")
                .isEqualTo("Agnes Agent");
        HttpResponse<String> resolve = console.post(agent, "/api/conversations/" + conversation + "/resolve",
                "{\"inbox\":\"inbox\"}");
        assertThat(resolve.statusCode()).as(resolve.body()).isEqualTo(202);

        List<HttpResponse<String>> refused = new ArrayList<>();
        refused.add(console.post(agent, "/api/instances/chat/stop", ""));
        refused.add(console.post(agent, "/api/dead-letters/1/replay", ""));
        refused.add(console.post(agent, "/api/accounts",
                "{\"email\":\"x@example.com\",\"name\":\"X\",\"role\":\"admin\",\"password\":\"" + PASSWORD + "\"}"));
        refused.add(console.get(agent, "/api/accounts"));
        refused.add(console.send(agent, local.get("/api/accounts/" + viewerId).DELETE()));
        for (HttpResponse<String> r : refused) {
            assertThat(r.statusCode()).as(r.request().uri() + ": " + r.body()).isEqualTo(403);
            assertThat(json(r).path("needed").asText()).isEqualTo("admin");
            assertThat(json(r).path("error").asText()).contains("admin role");
        }
        assertThat(instanceState("chat")).as("nothing stopped").isEqualTo("RUNNING");
        assertThat(console.admin("/api/accounts").path("accounts")).hasSize(3);

        awaitTrail(agentId, "login password " + agentId, "conversation.reply HTTP 202 " + conversation,
                "conversation.resolve HTTP 202 " + conversation,
                "instance.stop.denied POST /api/instances/chat/stop needs admin chat",
                "dead-letter.replay.denied POST /api/dead-letters/1/replay needs admin 1",
                "account.change.denied POST /api/accounts needs admin null",
                "api.read.denied GET /api/accounts needs admin null",
                "account.change.denied DELETE /api/accounts/" + viewerId + " needs admin " + viewerId);
    }

    @Test
    void aViewerReadsButChangesNothing() throws Exception {
        String conversation = customerWrites("t-viewer");

        assertThat(console.get(viewer, "/api/conversations").statusCode()).isEqualTo(200);
        assertThat(console.get(viewer, "/api/conversations/" + conversation).statusCode()).isEqualTo(200);
        assertThat(console.get(viewer, "/api/instances").statusCode()).isEqualTo(200);
        assertThat(console.get(viewer, "/api/messages?conversationId=" + conversation).statusCode()).isEqualTo(200);
        assertThat(console.get(viewer, "/api/analytics/volumes").statusCode()).isNotEqualTo(403);
        JsonNode me = json(console.get(viewer, "/api/me"));
        assertThat(me.path("name").asText()).isEqualTo("Victor Viewer");
        assertThat(me.path("role").asText()).isEqualTo("viewer");
        JsonNode agents = json(console.get(viewer, "/api/agents")).path("agents");
        assertThat(agents.findValuesAsText("name")).contains("Agnes Agent", "Rita Root").doesNotContain("Victor Viewer");
        assertThat(agents.toString()).doesNotContain("@example.com");

        HttpResponse<String> reply = console.post(viewer, "/api/conversations/" + conversation + "/replies",
                "{\"inbox\":\"inbox\",\"text\":\"Hello\"}");
        HttpResponse<String> resolve = console.post(viewer, "/api/conversations/" + conversation + "/resolve", "{}");
        assertThat(reply.statusCode()).isEqualTo(403);
        assertThat(json(reply).path("needed").asText()).isEqualTo("agent");
        assertThat(resolve.statusCode()).isEqualTo(403);
        assertThat(console.get(viewer, "/api/dead-letters").statusCode()).isEqualTo(403);
        assertThat(console.get(viewer, "/api/audit").statusCode()).isEqualTo(403);
        assertThat(console.post(viewer, "/api/instances/inbox/restart", "").statusCode()).isEqualTo(403);

        List<String> trail = awaitTrail(viewerId,
                "conversation.reply.denied POST /api/conversations/" + conversation + "/replies needs agent "
                        + conversation,
                "conversation.resolve.denied POST /api/conversations/" + conversation + "/resolve needs agent "
                        + conversation,
                "instance.restart.denied POST /api/instances/inbox/restart needs admin inbox");
        assertThat(trail).noneMatch(e -> e.startsWith("conversation.reply HTTP"));
    }

    @Test
    void configuredTokensHaveTheirRoleAndTheAdminTokenStaysAnAdmin() throws Exception {
        HttpResponse<String> read = local.send(local.get("/api/instances")
                .header("Authorization", "Bearer " + REPORTING_TOKEN));
        HttpResponse<String> stop = local.send(local.postJson("/api/instances/inbox/stop", "")
                .header("Authorization", "Bearer " + REPORTING_TOKEN));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(stop.statusCode()).isEqualTo(403);
        assertThat(json(stop).path("needed").asText()).isEqualTo("admin");
        awaitTrail("token:reporting", "instance.stop.denied POST /api/instances/inbox/stop needs admin inbox");

        assertThat(local.send(local.withToken(local.postJson("/api/instances/inbox/stop", ""))).statusCode())
                .isEqualTo(200);
        assertThat(local.send(local.withToken(local.postJson("/api/instances/inbox/start", ""))).statusCode())
                .isEqualTo(200);
        awaitTrail("admin-token", "instance.stop HTTP 200 inbox", "instance.start HTTP 200 inbox");
        assertThat(local.send(local.get("/api/instances").header("Authorization", "Bearer not-a-token"))
                .statusCode()).isEqualTo(401);
    }

    @Test
    void theAdminTokenNoLongerOpensTheConsoleOnceAnAccountExists() {
        HttpResponse<String> r = local.send(local.postJson("/console/login", "{\"token\":\"" + TOKEN + "\"}"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(json(r).path("error").asText()).contains("first account");
        assertThat(json(local.send(local.get("/console/session"))).path("tokenLogin").asBoolean()).isFalse();
    }

    @Test
    void theAuditTrailFiltersByActorAndTimeAndExportsJsonLines() throws Exception {
        console.post(viewer, "/api/instances/inbox/stop", "");
        awaitTrail(viewerId, "instance.stop.denied POST /api/instances/inbox/stop needs admin inbox");

        JsonNode mine = console.admin("/api/audit?actor=" + viewerId + "&action=instance.");
        assertThat(mine.path("entries")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.path("actor").asText()).isEqualTo(viewerId))
                .allSatisfy(e -> assertThat(e.path("action").asText()).startsWith("instance."));
        assertThat(console.admin("/api/audit?actor=" + viewerId + "&to=2000-01-01T00:00:00Z").path("entries"))
                .isEmpty();
        assertThat(console.admin("/api/audit?actor=" + viewerId + "&from=2000-01-01T00:00:00Z").path("entries"))
                .isNotEmpty();
        assertThat(local.send(local.withToken(local.get("/api/audit?from=yesterday"))).statusCode()).isEqualTo(400);

        HttpResponse<String> jsonl = local.send(local.withToken(local.get("/api/audit?format=jsonl&actor="
                + viewerId)));
        assertThat(jsonl.statusCode()).isEqualTo(200);
        assertThat(jsonl.headers().firstValue("Content-Type")).contains("application/x-ndjson");
        String[] lines = jsonl.body().split("\n");
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).path("actor").asText())
                    .isEqualTo(viewerId);
        }
    }

    @Test
    void accountsAreValidatedAndTheLastAdminStays() {
        assertThat(create("{\"email\":\"AGNES@example.com\",\"name\":\"Dup\",\"role\":\"agent\",\"password\":\""
                + PASSWORD + "\"}").statusCode()).as("email taken, whatever its case").isEqualTo(409);
        assertThat(create("{\"email\":\"short@example.com\",\"name\":\"S\",\"role\":\"agent\",\"password\":\"abc\"}")
                .statusCode()).isEqualTo(400);
        assertThat(create("{\"email\":\"nobody\",\"name\":\"N\",\"role\":\"agent\"}").statusCode()).isEqualTo(400);
        assertThat(create("{\"email\":\"r@example.com\",\"name\":\"R\",\"role\":\"owner\"}").statusCode())
                .isEqualTo(400);
        JsonNode list = console.admin("/api/accounts").path("accounts");
        assertThat(list.toString()).doesNotContain("$2a$").doesNotContain("$2y$").doesNotContain(PASSWORD);
        String rootId = null;
        for (JsonNode a : list) {
            if (a.path("role").asText().equals("admin")) {
                rootId = a.path("id").asText();
            }
        }
        HttpResponse<String> demote = local.send(local.withToken(local.get("/api/accounts/" + rootId)
                .header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"role\":\"agent\"}"))));
        assertThat(demote.statusCode()).as(demote.body()).isEqualTo(409);
        assertThat(local.send(local.withToken(local.get("/api/accounts/" + rootId).DELETE())).statusCode())
                .isEqualTo(409);
    }

    // ---- helpers

    private HttpResponse<String> create(String body) {
        return local.send(local.withToken(local.postJson("/api/accounts", body)));
    }

    /** The actor's audit entries as "action detail subject", once they include every expected one. */
    private List<String> awaitTrail(String actor, String... expected) {
        List<String> found = new ArrayList<>();
        Poll.until("audit entries of " + actor + ": " + List.of(expected), () -> {
            found.clear();
            for (JsonNode e : console.admin("/api/audit?limit=1000&actor=" + actor).path("entries")) {
                found.add(e.path("action").asText() + " " + e.path("detail").asText() + " "
                        + (e.hasNonNull("subject") ? e.path("subject").asText() : "null"));
            }
            return found.containsAll(List.of(expected));
        }, () -> found);
        return found;
    }

    private String instanceState(String id) {
        return console.admin("/api/instances").path("instances").path(id).path("state").asText();
    }

    private String customerWrites(String threadKey) throws Exception {
        Message m = Message.builder().channel(new ChannelRef(chat.name(), "chat")).channelMessageId("in-" + threadKey)
                .threadKey(threadKey).author(Author.customer("Carla", Address.chatUser("visitor-" + threadKey)))
                .text("Where is my parcel?").build();
        chats.get(0).submit(Inbound.messages(List.of(m))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        String[] id = new String[1];
        Poll.until("the conversation reached the inbox", () -> {
            for (JsonNode c : console.admin("/api/conversations").path("conversations")) {
                if (c.path("threadKey").asText().equals(threadKey)) {
                    id[0] = c.path("id").asText();
                    return console.admin("/api/conversations/" + id[0]).path("deskTickets").has("inbox");
                }
            }
            return false;
        });
        return id[0];
    }

    private final class RecordingChat implements ChannelConnector {
        @Override
        public void start(ConnectorContext ctx) {
            chats.add(ctx);
        }

        @Override
        public String send(OutboundMessage outbound) {
            sent.add(outbound);
            return "sent-" + sent.size();
        }
    }
}
