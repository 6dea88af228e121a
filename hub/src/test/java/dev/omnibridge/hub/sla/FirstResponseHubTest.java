package dev.omnibridge.hub.sla;

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
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRequest;
import dev.omnibridge.webhook.WebhookResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real hub on a clock the test moves: a customer's message left unanswered breaches on the hub's own schedule,
 * the console inbox (the desk) gets the note, and the admin API, the console's data and {@code /metrics} show it;
 * the agent's answer then stops the clock and lands in the first-response histogram.
 */
class FirstResponseHubTest {
    private static final String TOKEN = "first-response-admin-token";
    private static final Instant START = Instant.parse("2026-12-07T09:00:00Z");
    private static final TestType CHANNEL = new TestType(WaitingCustomer.NAME, "test channel", WaitingCustomer::new);

    @TempDir
    Path dir;
    private final LocalHub local = new LocalHub(TOKEN);
    private Hub hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void anUnansweredMessageBreachesOnTheHubsScheduleAndTheAnswerStopsTheClock() throws Exception {
        TimerStore.TestClock clock = new TimerStore.TestClock(START);
        HubConfig config = local.config(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("shop", CHANNEL.name()), instance("inbox", "console-inbox")),
                List.of(new HubConfig.Route("shop", List.of("inbox"))));
        hub = Hub.start(config, List.<ConnectorType>of(CHANNEL), clock);

        assertThat(local.send(local.postText("/hooks/shop/message", "")).statusCode()).isEqualTo(200);
        String[] id = new String[1];
        Poll.until("the conversation is in the inbox", () -> {
            JsonNode list = get("/api/conversations").path("conversations");
            if (list.isEmpty()) {
                return false;
            }
            id[0] = list.get(0).path("id").asText();
            return get("/api/conversations/" + id[0]).path("deskTickets").has("inbox");
        });
        JsonNode running = get("/api/conversations/" + id[0]).path("firstResponse");
        assertThat(running.path("state").asText()).isEqualTo("RUNNING");
        assertThat(running.path("dueAt").asText()).as("NORMAL: 4 h around the clock by default")
                .isEqualTo("2026-12-07T13:00:00Z");

        clock.set(START.plus(Duration.ofHours(4)));
        Poll.until("the hub fires the breach on its own", () -> get("/api/conversations/" + id[0])
                .path("firstResponse").path("state").asText().equals("BREACHED"));

        JsonNode breached = get("/api/conversations/" + id[0]).path("firstResponse");
        assertThat(breached.path("priority").asText()).isEqualTo("HIGH");
        assertThat(breached.path("tags").get(0).asText()).isEqualTo("sla-breached");
        assertThat(breached.path("events")).as("the warning passed with the breach: only the breach fires")
                .extracting(e -> e.path("kind").asText()).containsExactly("BREACHED");
        assertThat(get("/api/conversations").path("conversations").get(0).path("firstResponse").path("state")
                .asText()).as("the console's list marks it").isEqualTo("BREACHED");
        Poll.until("the note reached the desk", () -> {
            for (JsonNode view : get("/api/messages?conversationId=" + id[0]).path("messages")) {
                JsonNode m = view.path("message");
                if (m.path("direction").asText().equals("INTERNAL") && m.path("tags").toString()
                        .contains("sla-breached")) {
                    return view.path("deliveries").get(0).path("status").asText().equals("DONE");
                }
            }
            return false;
        });
        // Counted right after the breach's commit, which the API may show a moment earlier.
        Poll.until("the breach is counted", () -> local.send(local.get("/metrics")).body()
                .contains("omnibridge_first_response_breaches_total{instance=\"shop\",priority=\"NORMAL\"} 1.0"));

        clock.set(START.plus(Duration.ofHours(5)));
        HttpResponse<String> answer = local.send(local.withToken(local.postJson("/api/conversations/" + id[0]
                + "/replies", "{\"text\":\"Sorry for the wait: it ships today.\",\"author\":\"Alice\"}")));
        assertThat(answer.statusCode()).isEqualTo(202);
        Poll.until("the answer stops the clock", () -> get("/api/conversations/" + id[0]).path("firstResponse")
                .path("state").asText().equals("ANSWERED"));
        Poll.until("the wait is in the histogram", () -> local.send(local.get("/metrics")).body()
                .contains("omnibridge_first_response_seconds_count{instance=\"shop\"} 1"));
        assertThat(local.send(local.get("/metrics")).body()).as("5 h: above the 4 h bucket, within 8 h")
                .contains("omnibridge_first_response_seconds_bucket{instance=\"shop\",le=\"14400.0\"} 0")
                .contains("omnibridge_first_response_seconds_bucket{instance=\"shop\",le=\"28800.0\"} 1");
        Poll.until("the answer went out through the channel", () -> WaitingCustomer.SENT.get() == 1);
    }

    private JsonNode get(String path) {
        return json(local.send(local.withToken(local.get(path))));
    }

    /** A channel whose webhook brings one customer message. */
    static final class WaitingCustomer implements ChannelConnector {
        static final String NAME = "first-response-test-channel";
        static final AtomicInteger SENT = new AtomicInteger();
        private ConnectorContext context;

        @Override
        public void start(ConnectorContext ctx) {
            this.context = ctx;
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            Message m = Message.builder().channel(new ChannelRef(NAME, context.instanceId()))
                    .channelMessageId("in-1").threadKey("customer-1")
                    .author(Author.customer("Ann", Address.email("ann@example.com"))).text("Where is my order?")
                    .build();
            return WebhookOutcome.store(Inbound.messages(List.of(m)), WebhookResponse.text(200, "ok"));
        }

        @Override
        public String send(OutboundMessage outbound) {
            return "out-" + SENT.incrementAndGet();
        }
    }
}
