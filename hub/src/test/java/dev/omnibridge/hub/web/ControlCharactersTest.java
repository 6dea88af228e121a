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
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * NUL and other control characters on a real hub: a channel hands in a message whose subject and text carry them
 * (as a mail with a stray NUL does); the journal stores it without them and the desk is given it without them,
 * with its line structure intact; an agent's reply with them reaches the customer's channel without them.
 */
class ControlCharactersTest {
    private static final String TOKEN = "control-characters-admin-token";
    /** What the desk was given: subject, then text, per delivery. */
    private static final List<String> DELIVERED = new CopyOnWriteArrayList<>();
    /** What the channel was asked to send: author name, then text, per reply. */
    private static final List<String> SENT = new CopyOnWriteArrayList<>();
    private static final TestType CHANNEL =
            new TestType("nul-channel", "stores its webhook body as subject and text", Channel::new);
    private static final TestType DESK = new TestType("nul-desk", "a desk that records what it gets",
            RecordingDesk::new);
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    Path dir;
    private Hub hub;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
        DELIVERED.clear();
        SENT.clear();
    }

    @Test
    void aMessageWithNulAndControlCharactersIsStoredAndDeliveredWithoutThem() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("mail", CHANNEL.name()), instance("desk", DESK.name())),
                List.of(new HubConfig.Route("mail", List.of("desk"))), CHANNEL, DESK);

        HttpResponse<String> r = local.send(local.postText("/hooks/mail",
                "Order\u0000 42\u0007\r\nline two\u001B\u0085\tend\u007F"));

        assertThat(r.statusCode()).isEqualTo(200);
        Poll.until("the desk got the message", () -> DELIVERED.size() >= 2, () -> DELIVERED);
        assertThat(DELIVERED).containsExactly("Re: Order 42\r\nline two\tend", "Order 42\r\nline two\tend");
        JsonNode stored = StreamSupport.stream(json(local.send(local.withToken(local.get("/api/messages"))))
                .path("messages").spliterator(), false).findFirst().orElseThrow().path("message");
        assertThat(stored.path("text").asText()).isEqualTo("Order 42\r\nline two\tend");
        assertThat(stored.path("subject").asText()).isEqualTo("Re: Order 42\r\nline two\tend");
        assertThat(stored.path("author").path("displayName").asText()).isEqualTo("Visitor");
    }

    @Test
    void aDeskReplyWithNulReachesTheCustomersChannelWithoutIt() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("chat", CHANNEL.name()), instance("helpdesk", DESK.name())),
                List.of(new HubConfig.Route("chat", List.of("helpdesk"))), CHANNEL, DESK);
        assertThat(local.send(local.postText("/hooks/chat", "where is my order?")).statusCode()).isEqualTo(200);
        Poll.until("the desk opened the ticket", () -> DELIVERED.contains("where is my order?"), () -> DELIVERED);
        local.awaitTicketLinked("helpdesk");

        HttpResponse<String> r = local.send(local.postText("/hooks/helpdesk", "Shipped\u0000 today.\r\nBye\u0007"));

        assertThat(r.statusCode()).isEqualTo(200);
        Poll.until("the channel sent the reply", () -> SENT.size() >= 2, () -> SENT);
        assertThat(SENT).containsExactly("Alice", "Shipped today.\r\nBye");
    }

    /** A channel whose webhook stores its body as a customer message's text and (prefixed) subject. */
    static final class Channel implements ChannelConnector {
        private ConnectorContext context;

        @Override
        public void start(ConnectorContext ctx) {
            this.context = ctx;
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            String text = new String(request.body(), StandardCharsets.UTF_8);
            return WebhookOutcome.store(Inbound.messages(List.of(Message.builder()
                    .channel(new ChannelRef(CHANNEL.name(), context.instanceId()))
                    .channelMessageId(UUID.randomUUID().toString()).threadKey("t-" + UUID.randomUUID())
                    .author(Author.customer("Vis\u0000itor", Address.chatUser("v")))
                    .subject("Re: " + text).text(text).build())));
        }

        @Override
        public String send(OutboundMessage outbound) {
            SENT.add(outbound.message().author().displayName());
            SENT.add(outbound.message().text());
            return "sent-" + SENT.size();
        }
    }

    /** A desk that records what it gets; its webhook hands in the body as an agent's reply on ticket T-1. */
    static final class RecordingDesk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            String text = new String(request.body(), StandardCharsets.UTF_8);
            return WebhookOutcome.store(Inbound.replies(List.of(new DeskReply("T-1", UUID.randomUUID().toString(),
                    Author.agent("Al\u0000ice"), text, null, null, Instant.now(), null))));
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            DELIVERED.add(delivery.message().subject());
            DELIVERED.add(delivery.message().text());
            return new DeskResult("T-1", "c-1");
        }
    }
}
