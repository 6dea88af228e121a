package dev.omnibridge.hub.delivery;

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
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A desk outage on a real hub with its default delivery settings: while the desk fails its deliveries are paused
 * (shown in /health and /metrics) and it is probed about once a second, and once it answers again the backlog
 * flows within seconds.
 */
class DeskOutageDrainTest {
    private static final TestType CHANNEL = new TestType("outage-channel", "one new conversation per webhook",
            Channel::new);
    private static final TestType DESK = new TestType("outage-desk", "a desk the test takes down", Desk::new);
    private static final AtomicBoolean DESK_UP = new AtomicBoolean();
    private static final AtomicInteger ATTEMPTS = new AtomicInteger();
    private static final Set<String> DELIVERED = ConcurrentHashMap.newKeySet();

    @TempDir
    Path dir;

    @Test
    void aDeskBackAfterAnOutageGetsItsBacklogWithinSecondsAndIsShownPausedWhileDown() throws Exception {
        LocalHub local = new LocalHub("outage-admin-token");
        // The hub's defaults: 1 s initial backoff doubling to 5 min, ten attempts.
        HubConfig.Delivery defaults = new HubConfig.Delivery(8, 10, Duration.ofSeconds(1), Duration.ofMinutes(5));
        int conversations = 60;
        try (Hub hub = local.start(dir, defaults, List.of(instance("web", CHANNEL.name()),
                        instance("desk", DESK.name())), List.of(new HubConfig.Route("web", List.of("desk"))),
                CHANNEL, DESK)) {
            for (int i = 0; i < conversations; i++) {
                assertThat(local.send(local.postText("/hooks/web", "m" + i)).statusCode()).isEqualTo(200);
            }
            Poll.until("the desk shown paused in /health", () -> desk(local).has("deliveriesPaused"),
                    () -> desk(local));
            JsonNode paused = desk(local).path("deliveriesPaused");
            assertThat(Instant.parse(paused.path("since").asText())).isBefore(Instant.now());
            assertThat(paused.path("lastError").asText()).contains("HTTP 503");
            assertThat(metrics(local)).contains("omnibridge_deliveries_paused{instance=\"desk\"} 1.0");

            long outageSeconds = 8;
            Thread.sleep(TimeUnit.SECONDS.toMillis(outageSeconds));
            int attemptsWhileDown = ATTEMPTS.get();
            DESK_UP.set(true);
            long recovered = System.nanoTime();
            Poll.until("the backlog delivered", () -> DELIVERED.size() == conversations,
                    () -> DELIVERED.size() + " delivered");
            long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered);
            System.out.printf("hub: %d conversations, %d s outage: %d desk attempts while down, backlog drained "
                    + "%d ms after the desk answered again%n", conversations, outageSeconds, attemptsWhileDown,
                    drainMillis);

            // The conversations in flight when it opened (8 workers), then about one probe a second.
            assertThat(attemptsWhileDown).isLessThanOrEqualTo(3 + 8 + (int) outageSeconds + 10);
            assertThat(drainMillis).as("backlog after recovery, ms").isLessThan(6_000);
            Poll.until("no longer shown paused", () -> !desk(local).has("deliveriesPaused"), () -> desk(local));
            assertThat(metrics(local)).contains("omnibridge_deliveries_paused{instance=\"desk\"} 0.0");
        }
    }

    private static JsonNode desk(LocalHub local) {
        return json(local.send(local.get("/health"))).path("instances").path("desk");
    }

    private static String metrics(LocalHub local) {
        return local.send(local.get("/metrics")).body();
    }

    /** Stores each webhook body as the first message of a new conversation. */
    static final class Channel implements ChannelConnector {
        private final AtomicInteger n = new AtomicInteger();
        private ConnectorContext context;

        @Override
        public void start(ConnectorContext ctx) {
            this.context = ctx;
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            int i = n.incrementAndGet();
            return WebhookOutcome.store(Inbound.messages(List.of(Message.builder()
                    .channel(new ChannelRef(CHANNEL.name(), context.instanceId()))
                    .channelMessageId("msg-" + i).threadKey("thread-" + i)
                    .author(Author.customer("Visitor", Address.chatUser("v" + i)))
                    .text(new String(request.body(), StandardCharsets.UTF_8)).build())));
        }

        @Override
        public String send(OutboundMessage outbound) {
            return "sent";
        }
    }

    /** Answers 503 until the test brings it up. */
    static final class Desk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            ATTEMPTS.incrementAndGet();
            if (!DESK_UP.get()) {
                throw DeliveryException.forHttpStatus(503, null, "service unavailable");
            }
            DELIVERED.add(delivery.message().id());
            return new DeskResult("T-" + delivery.conversation().id(), "c-" + delivery.message().id());
        }
    }
}
