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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DeliveryException#deferred} on a real hub: a desk whose account-wide budget is used up (Salesforce's daily
 * API requests) defers a delivery more often than {@code maxAttempts} allows failures, and the delivery still
 * arrives once the budget is back, never a dead letter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeferredDeliveryTest {
    private static final String TOKEN = "deferred-admin-token";
    /** More deferrals than QUICK_DELIVERY's 3 attempts. */
    private static final int DEFERRALS = 6;
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final List<String> DELIVERED = new CopyOnWriteArrayList<>();
    private static final TestType CHANNEL = new TestType("deferred-channel", "stores its webhook body", Channel::new);
    private static final TestType DESK = new TestType("deferred-desk", "defers, then delivers", BudgetDesk::new);
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    static Path dir;
    private Hub hub;

    @BeforeAll
    void startHub() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("web", CHANNEL.name()), instance("desk", DESK.name())),
                List.of(new HubConfig.Route("web", List.of("desk"))), CHANNEL, DESK);
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aDeliveryDeferredMoreOftenThanMaxAttemptsIsDeliveredNotDeadLettered() {
        assertThat(local.send(local.postText("/hooks/web", "wait for the budget")).statusCode()).isEqualTo(200);

        Poll.until("the desk delivered after its budget came back", () -> DELIVERED.contains("wait for the budget"),
                () -> "desk calls: " + CALLS.get());
        assertThat(CALLS.get()).isEqualTo(DEFERRALS + 1);
        JsonNode dead = json(local.send(local.withToken(local.get("/api/dead-letters")))).path("deadLetters");
        assertThat(dead).as("dead letters").isEmpty();
    }

    /** A channel whose webhook stores its body as a customer message. */
    static final class Channel implements ChannelConnector {
        private ConnectorContext context;

        @Override
        public void start(ConnectorContext ctx) {
            this.context = ctx;
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            return WebhookOutcome.store(Inbound.messages(List.of(Message.builder()
                    .channel(new ChannelRef(CHANNEL.name(), context.instanceId()))
                    .channelMessageId(UUID.randomUUID().toString()).threadKey("t-" + UUID.randomUUID())
                    .author(Author.customer("Visitor", Address.chatUser("v")))
                    .text(new String(request.body(), StandardCharsets.UTF_8)).build())));
        }

        @Override
        public String send(OutboundMessage outbound) {
            return "sent";
        }
    }

    /** Its account's budget is used up for the first few calls. */
    static final class BudgetDesk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            if (CALLS.incrementAndGet() <= DEFERRALS) {
                throw DeliveryException.deferred("the account's daily API requests are used up",
                        Duration.ofMillis(50));
            }
            DELIVERED.add(delivery.message().text());
            return new DeskResult("T-1", "c-1");
        }
    }
}
