package dev.omnibridge.hub.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox's guarantees hold through a camel-desk route (issue 23, done-means 2): a route posting deliveries to
 * an HTTP desk (WireMock) with Camel's http component, messages handed in through a camel-channel route. camel-http
 * is on the test class path here, as a plugin zip would bring it.
 */
class CamelDeskGuaranteesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONVERSATIONS = 50;
    private static final int PER_CONVERSATION = 20;

    /** One YAML for two channel instances: each reads its own names from its properties. */
    static final String CHANNEL_ROUTES = """
            - route:
                id: in
                from:
                  uri: "direct:{{in}}"
                  steps:
                    - to: "omnibridge:{{self}}"
            - route:
                id: out
                from:
                  uri: "omnibridge:{{self}}"
                  steps:
                    - setHeader:
                        name: CamelHttpMethod
                        constant: POST
                    - to: "{{outUrl}}/sent"
                    - setHeader:
                        name: OmnibridgeChannelMessageId
                        simple: "sent-${header.OmnibridgeIdempotencyKey}"
            """;

    static final String DESK_ROUTES = """
            - route:
                id: deliver
                from:
                  uri: omnibridge:desk
                  steps:
                    - setHeader:
                        name: Idempotency-Key
                        simple: "${header.OmnibridgeIdempotencyKey}"
                    - setHeader:
                        name: X-Conversation
                        simple: "${header.OmnibridgeConversationId}"
                    - setHeader:
                        name: CamelHttpMethod
                        constant: POST
                    - to: "{{deskUrl}}/events"
                    - setHeader:
                        name: OmnibridgeTicketRef
                        simple: "T-${header.X-Conversation}"
            - route:
                id: replies
                from:
                  uri: direct:desk-replies
                  steps:
                    - to: "omnibridge:desk?kind=reply"
            """;

    @TempDir
    static Path dir;
    static WireMockServer desk;
    static LocalHub local;
    static Hub hub;

    @BeforeAll
    static void start() throws Exception {
        desk = new WireMockServer(wireMockConfig().dynamicPort());
        desk.start();
        desk.stubFor(post(urlEqualTo("/sent")).willReturn(aResponse().withStatus(200)));
        desk.stubFor(post(urlEqualTo("/events")).atPriority(10).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
        local = new LocalHub("camel-guarantees-admin-token");
        HubConfig.Delivery delivery = new HubConfig.Delivery(4, 3, Duration.ofMillis(100), Duration.ofSeconds(2));
        List<HubConfig.Instance> instances = List.of(
                new HubConfig.Instance("chan", CamelRouteType.CHANNEL, true, Map.of("route", CHANNEL_ROUTES,
                        "properties", "{\"in\":\"chan-in\",\"self\":\"chan\",\"outUrl\":\"" + desk.baseUrl() + "\"}")),
                new HubConfig.Instance("chan2", CamelRouteType.CHANNEL, true, Map.of("route", CHANNEL_ROUTES,
                        "properties", "{\"in\":\"chan2-in\",\"self\":\"chan2\",\"outUrl\":\"" + desk.baseUrl() + "\"}")),
                new HubConfig.Instance("desk", CamelRouteType.DESK, true, Map.of("route", DESK_ROUTES,
                        "properties", "{\"deskUrl\":\"" + desk.baseUrl() + "\"}", "events",
                        List.of("messages", "status"))),
                LocalHub.instance("console", "console-inbox"));
        hub = local.start(dir, delivery, instances, List.of(new HubConfig.Route("chan", List.of("desk")),
                new HubConfig.Route("chan2", List.of("desk", "console"))));
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
        if (desk != null) {
            desk.stop();
        }
    }

    @Test
    void thousandMessagesOverFiftyConversationsArriveOnceEachInOrderPerConversation() throws Exception {
        long started = System.nanoTime();
        ProducerTemplate in = hub.camel().createProducerTemplate();
        ExecutorService senders = Executors.newFixedThreadPool(CONVERSATIONS);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int c = 0; c < CONVERSATIONS; c++) {
                int conversation = c;
                // One sender per conversation at a time: its messages are handed in in order, each once stored.
                sent.add(senders.submit(() -> {
                    for (int i = 0; i < PER_CONVERSATION; i++) {
                        hand(in, "bulk-" + conversation, "bulk-" + conversation + "-" + i, "message " + i);
                    }
                    // The same message again (a redelivered upstream record): stored once, delivered once.
                    hand(in, "bulk-" + conversation, "bulk-" + conversation + "-0", "message 0");
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            senders.shutdownNow();
            in.close();
        }
        long handedIn = System.nanoTime();
        int expected = CONVERSATIONS * PER_CONVERSATION;
        Poll.until(expected + " deliveries at the desk", () -> bulk().size() >= expected,
                () -> bulk().size() + " so far");
        System.out.printf("bulk: handed in at %d ms, delivered after %d ms more%n", (handedIn - started) / 1_000_000,
                (System.nanoTime() - handedIn) / 1_000_000);
        List<JsonNode> events = bulk();
        assertThat(events).hasSize(expected);
        Set<String> keys = new HashSet<>();
        Map<String, List<Integer>> order = new LinkedHashMap<>();
        for (JsonNode e : events) {
            assertThat(keys.add(e.path("idempotencyKey").asText())).as("idempotency keys are unique").isTrue();
            String thread = e.path("conversation").path("threadKey").asText();
            String id = e.path("message").path("channelMessageId").asText();
            order.computeIfAbsent(thread, t -> new ArrayList<>())
                    .add(Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)));
        }
        assertThat(order).hasSize(CONVERSATIONS);
        List<Integer> inOrder = new ArrayList<>();
        for (int i = 0; i < PER_CONVERSATION; i++) {
            inOrder.add(i);
        }
        order.forEach((thread, seen) -> assertThat(seen).as("order in " + thread).isEqualTo(inOrder));
    }

    @Test
    void aRetryableAnswerIsRetriedWithBackoffHonouringRetryAfter() throws Exception {
        desk.stubFor(post(urlEqualTo("/events")).atPriority(1).inScenario("busy").whenScenarioStateIs(STARTED)
                .withRequestBody(matchingJsonPath("$.conversation.threadKey", equalTo("busy")))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1"))
                .willSetStateTo("recovered"));
        try (ProducerTemplate in = hub.camel().createProducerTemplate()) {
            hand(in, "busy", "busy-1", "are you there?");
        }
        Poll.until("the busy message delivered after a retry", () -> requests("busy").size() >= 2);
        List<ServeEvent> attempts = requests("busy");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).getResponse().getStatus()).isEqualTo(503);
        assertThat(attempts.get(1).getResponse().getStatus()).isEqualTo(200);
        assertThat(attempts.get(1).getRequest().getHeader("Idempotency-Key"))
                .isEqualTo(attempts.get(0).getRequest().getHeader("Idempotency-Key"));
        long gap = attempts.get(1).getRequest().getLoggedDate().getTime()
                - attempts.get(0).getRequest().getLoggedDate().getTime();
        assertThat(gap).as("Retry-After: 1 is honoured").isGreaterThanOrEqualTo(950);
    }

    @Test
    void aPermanentAnswerDeadLettersAndTheReplayDeliversOnceTheDeskIsFixed() throws Exception {
        var refusal = desk.stubFor(post(urlEqualTo("/events")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.conversation.threadKey", equalTo("refused")))
                .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"unknown field\"}")));
        try (ProducerTemplate in = hub.camel().createProducerTemplate()) {
            hand(in, "refused", "refused-1", "please help");
        }
        Poll.until("the refused message dead-lettered", () -> deadLetter("refused-1") != null);
        JsonNode dead = deadLetter("refused-1");
        assertThat(dead.path("reason").asText()).contains("422");
        assertThat(dead.path("attempts").asInt()).isEqualTo(1);
        assertThat(requests("refused")).hasSize(1);

        desk.removeStub(refusal);
        var replay = local.send(local.withToken(local.postJson("/api/dead-letters/" + dead.path("id").asLong()
                + "/replay", "")));
        assertThat(replay.statusCode()).isBetween(200, 299);
        Poll.until("the replayed message delivered", () -> requests("refused").size() >= 2);
        assertThat(requests("refused").get(1).getResponse().getStatus()).isEqualTo(200);
        assertThat(deadLetter("refused-1")).isNull();
    }

    @Test
    void aStatusChangeReachesTheDeskRouteAsAStatusEventThroughTheOutbox() throws Exception {
        Map<String, Object> headers = headers("status-1", "status-1-m", "Status Customer");
        String conversation;
        try (ProducerTemplate in = hub.camel().createProducerTemplate()) {
            var done = in.request("direct:chan2-in", e -> {
                e.getMessage().setBody("where is my parcel?");
                e.getMessage().setHeaders(headers);
            });
            assertThat(done.getException()).isNull();
            conversation = done.getMessage().getHeader(RouteHeaders.CONVERSATION_ID, String.class);
        }
        assertThat(conversation).as("the producer names the stored message's conversation").isNotBlank();
        Poll.until("the message at the desk", () -> requests("status-1").size() >= 1);
        local.awaitTicketLinked("desk");
        var resolved = local.send(local.withToken(local.postJson("/api/conversations/" + conversation + "/resolve",
                "{\"inbox\":\"console\"}")));
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(202);
        Poll.until("the status event at the desk", () -> requests("status-1").size() >= 2);
        ServeEvent event = requests("status-1").get(1);
        // Once: the mirror's note of the same change (two desks) does not reach a route that takes status events.
        assertThat(requests("status-1")).hasSize(2);
        JsonNode body = body(event);
        assertThat(body.path("schema").asText()).as(body.toString()).isEqualTo("omnibridge.status-event/v1");
        assertThat(body.path("status").asText()).isEqualTo("RESOLVED");
        assertThat(body.path("previousStatus").asText()).isEqualTo("OPEN");
        assertThat(body.path("conversation").path("id").asText()).isEqualTo(conversation);
        assertThat(event.getRequest().getHeader(RouteHeaders.EVENT)).isEqualTo("status");
        assertThat(event.getRequest().getHeader(RouteHeaders.STATUS)).isEqualTo("RESOLVED");
    }

    @Test
    void aDeskRouteHandsInAnAgentsReplyAndTheChannelRouteSendsIt() throws Exception {
        String conversation;
        try (ProducerTemplate in = hub.camel().createProducerTemplate()) {
            var done = in.request("direct:chan-in", e -> {
                e.getMessage().setBody("can I change my address?");
                e.getMessage().setHeaders(headers("reply-1", "reply-1-m", "Reply Customer"));
            });
            conversation = done.getMessage().getHeader(RouteHeaders.CONVERSATION_ID, String.class);
            local.awaitTicketLinked("desk");
            Poll.until("the ticket of the conversation linked", () -> LocalHub.json(local.send(local.withToken(
                    local.get("/api/conversations/" + conversation)))).path("deskTickets").has("desk"));
            var replied = in.request("direct:desk-replies", e -> {
                e.getMessage().setBody("Yes, tell me the new one.");
                e.getMessage().setHeader(RouteHeaders.TICKET_REF, "T-" + conversation);
                e.getMessage().setHeader(RouteHeaders.REPLY_ID, "agent-reply-1");
                e.getMessage().setHeader(RouteHeaders.AUTHOR_NAME, "Agent Smith");
            });
            assertThat(replied.getException()).isNull();
        }
        Poll.until("the reply sent by the channel route", () -> sent("reply-1").size() >= 1);
        ServeEvent sent = sent("reply-1").get(0);
        assertThat(body(sent).path("text").asText()).isEqualTo("Yes, tell me the new one.");
        assertThat(body(sent).path("direction").asText()).isEqualTo("OUTBOUND");
        assertThat(sent.getRequest().getHeader(RouteHeaders.TEXT)).isEqualTo("Yes, tell me the new one.");
        assertThat(sent.getRequest().getHeader(RouteHeaders.CONVERSATION_ID)).isEqualTo(conversation);
    }

    private static List<ServeEvent> sent(String thread) {
        return received().stream().filter(e -> e.getRequest().getUrl().equals("/sent")
                && thread.equals(e.getRequest().getHeader(RouteHeaders.THREAD_KEY))).toList();
    }

    private static Map<String, Object> headers(String thread, String messageId, String name) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(RouteHeaders.THREAD_KEY, thread);
        headers.put(RouteHeaders.MESSAGE_ID, messageId);
        headers.put(RouteHeaders.AUTHOR_NAME, name);
        headers.put(RouteHeaders.ADDRESS, "email:" + thread + "@example.com");
        return headers;
    }

    /** Hands a message to the camel-channel route; returns once the hub has stored it. */
    private static void hand(ProducerTemplate in, String thread, String messageId, String text) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(RouteHeaders.THREAD_KEY, thread);
        headers.put(RouteHeaders.MESSAGE_ID, messageId);
        headers.put(RouteHeaders.AUTHOR_NAME, "Customer " + thread);
        headers.put(RouteHeaders.ADDRESS, thread + "@example.com");
        in.requestBodyAndHeaders("direct:chan-in", text, headers);
    }

    /** The successful deliveries of the bulk conversations, in the order the desk received them. */
    private static List<JsonNode> bulk() {
        List<JsonNode> out = new ArrayList<>();
        for (ServeEvent e : received()) {
            if (!e.getRequest().getUrl().equals("/events")) {
                continue;
            }
            JsonNode body = body(e);
            if (e.getResponse().getStatus() == 200 && body.path("conversation").path("threadKey").asText()
                    .startsWith("bulk-")) {
                out.add(body);
            }
        }
        return out;
    }

    private static List<ServeEvent> requests(String thread) {
        return received().stream().filter(e -> e.getRequest().getUrl().equals("/events") && thread.equals(
                body(e).path("conversation").path("threadKey").asText())).toList();
    }

    /** WireMock's journal, oldest first. */
    private static List<ServeEvent> received() {
        List<ServeEvent> all = new ArrayList<>(desk.getAllServeEvents());
        java.util.Collections.reverse(all);
        return all;
    }

    private static JsonNode body(ServeEvent e) {
        try {
            return JSON.readTree(e.getRequest().getBodyAsString());
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static JsonNode deadLetter(String channelMessageId) {
        JsonNode list = LocalHub.json(local.send(local.withToken(local.get("/api/dead-letters"))))
                .path("deadLetters");
        for (JsonNode d : list) {
            if (d.path("target").asText().equals("desk") && messageOf(d).equals(channelMessageId)) {
                return d;
            }
        }
        return null;
    }

    private static String messageOf(JsonNode deadLetter) {
        // The dead letter names the hub's message id; the desk saw which channel message that was.
        String messageId = deadLetter.path("messageId").asText();
        for (ServeEvent e : received()) {
            JsonNode message = body(e).path("message");
            if (messageId.equals(message.path("id").asText())) {
                return message.path("channelMessageId").asText();
            }
        }
        return "";
    }
}
