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

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A desk that emails an agent's answer itself (Salesforce's Email action) says so with
 * {@link DeskReply#DELIVERED_TO}. On a real hub: when the conversation's customer has one of those addresses, the
 * reply is stored (agents and the console see it) but not sent through the channel again; any other customer still
 * gets it through their channel.
 */
class DeskDeliveredReplyTest {
    private static final String TOKEN = "desk-delivered-admin-token";
    /** What the channel was asked to send: "<customer address value>: <text>" per reply. */
    private static final List<String> SENT = new CopyOnWriteArrayList<>();
    /** The metadata of each reply the channel was asked to send. */
    private static final List<Map<String, String>> SENT_METADATA = new CopyOnWriteArrayList<>();
    /** Ticket refs the desk opened, one per conversation. */
    private static final List<String> TICKETS = new CopyOnWriteArrayList<>();
    private static final TestType CHANNEL = new TestType("dup-channel",
            "webhook body <kind>:<address>|<text> is a customer message", Channel::new);
    private static final TestType DESK = new TestType("dup-desk",
            "webhook body <ticket>|<reply id>|<delivered to>|<text> is an agent's reply", Desk::new);
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    Path dir;
    private Hub hub;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
        SENT.clear();
        SENT_METADATA.clear();
        TICKETS.clear();
    }

    @Test
    void replyTheDeskAlreadyEmailedToTheCustomerIsStoredButNotSentThroughTheChannelAgain() throws Exception {
        startHub();
        String ticket = customerWrites("email:Ann@Example.com", "where is my order?");

        // The desk's own send, to the customer (other case, spaces) and a colleague in copy: once, then read again.
        deskReplies(ticket, "r-1", "colleague@example.org; ANN@example.com ", "It ships tomorrow.");
        deskReplies(ticket, "r-1", "colleague@example.org; ANN@example.com ", "It ships tomorrow.");
        // A later answer the desk did not send itself; replies of a conversation go out in order, so once this one
        // is sent, the first would have been too.
        deskReplies(ticket, "r-2", null, "Anything else?");

        Poll.until("the channel sent the second reply", () -> SENT.contains("ann@example.com: Anything else?"),
                () -> SENT);
        assertThat(SENT).containsExactly("ann@example.com: Anything else?");
        List<JsonNode> replies = agentReplies();
        assertThat(replies).extracting(r -> r.path("message").path("text").asText())
                .containsExactly("It ships tomorrow.", "Anything else?");
        JsonNode emailed = replies.get(0).path("deliveries");
        assertThat(emailed).hasSize(1);
        assertThat(emailed.get(0).path("kind").asText()).isEqualTo("CHANNEL");
        assertThat(emailed.get(0).path("status").asText()).isEqualTo("SENT_BY_DESK");
        assertThat(replies.get(1).path("deliveries").get(0).path("status").asText()).isEqualTo("DONE");
        // The reply counts as the conversation's first answer.
        JsonNode stats = json(local.send(local.withToken(local.get("/api/stats"))));
        assertThat(stats.path("firstResponse").path("answered").asInt()).isEqualTo(1);
        // Nothing waits, retries or is dead: the outbox has no work left for it.
        JsonNode health = json(local.send(local.get("/health")));
        assertThat(health.toString()).doesNotContain("SENT_BY_DESK");
    }

    @Test
    void replyTheDeskEmailedToSomeoneElseStillReachesTheCustomer() throws Exception {
        startHub();
        String ticket = customerWrites("email:ann@example.com", "where is my order?");

        deskReplies(ticket, "r-1", "bob@example.com,ann@example.co", "It ships tomorrow.");

        Poll.until("the channel sent the reply", () -> !SENT.isEmpty(), () -> SENT);
        assertThat(SENT).containsExactly("ann@example.com: It ships tomorrow.");
        // The desk's recipient list (a Bcc among them) is not passed on to the channel, nor kept with the message.
        assertThat(SENT_METADATA.get(0)).doesNotContainKey(DeskReply.DELIVERED_TO);
        assertThat(agentReplies()).singleElement().satisfies(r -> assertThat(r.path("message").path("metadata")
                .has(DeskReply.DELIVERED_TO)).isFalse());
    }

    @Test
    void smsCustomerStillGetsTheReplyByTextMessageWhateverTheDeskEmailed() throws Exception {
        startHub();
        String ticket = customerWrites("phone:+14155550100", "where is my order?");

        deskReplies(ticket, "r-1", "ann@example.com, +14155550100", "It ships tomorrow.");

        Poll.until("the channel sent the reply", () -> !SENT.isEmpty(), () -> SENT);
        assertThat(SENT).containsExactly("+14155550100: It ships tomorrow.");
    }

    private void startHub() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("inbox", CHANNEL.name()), instance("helpdesk", DESK.name())),
                List.of(new HubConfig.Route("inbox", List.of("helpdesk"))), CHANNEL, DESK);
    }

    /** The customer writes; returns the ticket the desk opened for the conversation. */
    private String customerWrites(String address, String text) {
        assertThat(local.send(local.postText("/hooks/inbox", address + "|" + text)).statusCode()).isEqualTo(200);
        Poll.until("the desk opened a ticket", () -> !TICKETS.isEmpty(), () -> TICKETS);
        local.awaitTicketLinked("helpdesk");
        return TICKETS.get(0);
    }

    private void deskReplies(String ticket, String replyId, String deliveredTo, String text) {
        String body = ticket + "|" + replyId + "|" + (deliveredTo == null ? "" : deliveredTo) + "|" + text;
        assertThat(local.send(local.postText("/hooks/helpdesk", body)).statusCode()).isEqualTo(200);
    }

    /** The agents' replies with their deliveries, oldest first (the API lists the newest first). */
    private List<JsonNode> agentReplies() {
        JsonNode all = json(local.send(local.withToken(local.get("/api/messages")))).path("messages");
        List<JsonNode> replies = new java.util.ArrayList<>(StreamSupport.stream(all.spliterator(), false)
                .filter(m -> "OUTBOUND".equals(m.path("message").path("direction").asText())).toList());
        java.util.Collections.reverse(replies);
        return replies;
    }

    /** A channel whose webhook body {@code <kind>:<address>|<text>} is a customer message, one thread per address. */
    static final class Channel implements ChannelConnector {
        private ConnectorContext context;

        @Override
        public void start(ConnectorContext ctx) {
            this.context = ctx;
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            String[] parts = new String(request.body(), StandardCharsets.UTF_8).split("\\|", 2);
            String[] address = parts[0].split(":", 2);
            Address customer = address[0].equals("email") ? Address.email(address[1]) : Address.phone(address[1]);
            return WebhookOutcome.store(Inbound.messages(List.of(Message.builder()
                    .channel(new ChannelRef(CHANNEL.name(), context.instanceId()))
                    .channelMessageId(UUID.randomUUID().toString()).threadKey(customer.value())
                    .author(Author.customer("Ann", customer)).text(parts[1]).build())));
        }

        @Override
        public String send(OutboundMessage outbound) {
            SENT_METADATA.add(outbound.message().metadata());
            SENT.add(outbound.conversation().customer().value() + ": " + outbound.message().text());
            return "sent-" + SENT.size();
        }
    }

    /** A desk that opens one ticket per conversation; its webhook hands in an agent's reply. */
    static final class Desk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            String[] p = new String(request.body(), StandardCharsets.UTF_8).split("\\|", 4);
            Map<String, String> metadata = p[2].isEmpty() ? Map.of() : Map.of(DeskReply.DELIVERED_TO, p[2]);
            return WebhookOutcome.store(Inbound.replies(List.of(new DeskReply(p[0], p[1], Author.agent("Alice"),
                    p[3], null, null, Instant.now(), metadata))));
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            String ticket = delivery.ticketRef() != null ? delivery.ticketRef()
                    : "T-" + delivery.message().conversationId();
            if (delivery.ticketRef() == null) {
                TICKETS.add(ticket);
            }
            return new DeskResult(ticket, "c-" + delivery.message().id());
        }
    }
}
