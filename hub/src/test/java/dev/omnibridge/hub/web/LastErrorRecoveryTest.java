package dev.omnibridge.hub.web;

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

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /health}'s lastError on a real hub: set by {@code reportProblem}, cleared when the instance next succeeds
 * (stores what it received, delivers, or says its poll works again), while lastErrorAt keeps when it happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LastErrorRecoveryTest {
    private static final String TOKEN = "last-error-admin-token";
    /** Each instance's context, by instance id, so the test can speak for the connector. */
    private static final Map<String, ConnectorContext> CONTEXTS = new ConcurrentHashMap<>();
    /** The texts the desk was given, in order. */
    private static final List<String> DELIVERED = new CopyOnWriteArrayList<>();
    private static final TestType CHANNEL =
            new TestType("problem-channel", "a channel the test reports problems for", Channel::new);
    private static final TestType BROKEN =
            new TestType("problem-broken", "fails to start after taking its context", BrokenChannel::new);
    private static final TestType DESK = new TestType("problem-desk", "a desk that records what it gets",
            RecordingDesk::new);
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    static Path dir;
    private Hub hub;

    @BeforeAll
    void startHub() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("poller", CHANNEL.name()), instance("hooked", CHANNEL.name()),
                        instance("routed", CHANNEL.name()), instance("desk", DESK.name()),
                        instance("broken", BROKEN.name())),
                List.of(new HubConfig.Route("routed", List.of("desk"))),
                CHANNEL, DESK, BROKEN);
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aPollingConnectorsProblemClearsWhenItSaysItsPollWorksAgain() {
        CONTEXTS.get("poller").reportProblem("polling failed: connection refused");
        JsonNode failing = health("poller");
        assertThat(failing.path("lastError").asText()).isEqualTo("polling failed: connection refused");
        assertThat(failing.path("lastErrorAt").asText()).isNotEmpty();

        CONTEXTS.get("poller").problemResolved();

        JsonNode after = health("poller");
        assertThat(after.path("lastError").isNull()).as("lastError after problemResolved: %s", after).isTrue();
        assertThat(after.path("lastErrorAt").asText()).isEqualTo(failing.path("lastErrorAt").asText());
        assertThat(after.path("state").asText()).isEqualTo("RUNNING");
    }

    @Test
    void aStartFailureStaysUntilTheNextStart() {
        CONTEXTS.get("broken").problemResolved();

        JsonNode broken = health("broken");
        assertThat(broken.path("state").asText()).isEqualTo("FAILED");
        assertThat(broken.path("lastError").asText()).contains("upstream refused the credentials");
    }

    @Test
    void aProblemClearsWhenTheInstanceNextStoresAWebhook() throws Exception {
        CONTEXTS.get("hooked").reportProblem("could not fetch a file: timeout");
        assertThat(health("hooked").path("lastError").asText()).isEqualTo("could not fetch a file: timeout");

        assertThat(hook("hooked", "hello").statusCode()).isEqualTo(200);

        JsonNode after = health("hooked");
        assertThat(after.path("lastError").isNull()).as("lastError after a stored webhook: %s", after).isTrue();
        assertThat(after.path("lastErrorAt").asText()).as("when it happened stays visible").isNotEmpty();
        assertThat(after.path("state").asText()).isEqualTo("RUNNING");
    }

    @Test
    void aDesksProblemClearsWhenItNextDelivers() throws Exception {
        CONTEXTS.get("desk").reportProblem("the desk rejected the credentials (HTTP 401)");
        assertThat(health("desk").path("lastError").asText()).contains("HTTP 401");

        assertThat(hook("routed", "please deliver").statusCode()).isEqualTo(200);

        Poll.until("the desk delivered and its problem cleared", () -> health("desk").path("lastError").isNull(),
                () -> health("desk"));
        assertThat(DELIVERED).contains("please deliver");
    }

    private JsonNode health(String id) {
        return json(local.send(local.get("/health"))).path("instances").path(id);
    }

    private HttpResponse<String> hook(String id, String text) {
        return local.send(local.postText("/hooks/" + id, text));
    }

    /** A channel whose webhook stores its body as a customer message. */
    static final class Channel implements ChannelConnector {
        private ConnectorContext context;

        @Override
        public void start(ConnectorContext ctx) {
            this.context = ctx;
            CONTEXTS.put(ctx.instanceId(), ctx);
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            String text = new String(request.body(), StandardCharsets.UTF_8);
            return WebhookOutcome.store(Inbound.messages(List.of(Message.builder()
                    .channel(new ChannelRef(CHANNEL.name(), context.instanceId()))
                    .channelMessageId(UUID.randomUUID().toString()).threadKey("t-" + UUID.randomUUID())
                    .author(Author.customer("Visitor", Address.chatUser("v"))).text(text).build())));
        }

        @Override
        public String send(OutboundMessage outbound) {
            return "sent";
        }
    }

    /** Fails to start after taking its context. */
    static final class BrokenChannel implements ChannelConnector {
        @Override
        public void start(ConnectorContext ctx) {
            CONTEXTS.put(ctx.instanceId(), ctx);
            throw new IllegalStateException("upstream refused the credentials");
        }

        @Override
        public String send(OutboundMessage outbound) {
            throw new UnsupportedOperationException();
        }
    }

    /** A desk that records what it gets. */
    static final class RecordingDesk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
            CONTEXTS.put(ctx.instanceId(), ctx);
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            DELIVERED.add(delivery.message().text());
            return new DeskResult("T-" + DELIVERED.size(), "c-" + DELIVERED.size());
        }
    }
}
