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
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.spi.Skipped;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Identifiers longer than the store's columns, on a real hub: a connector (a webhook-channel client, any plugin) may
 * hand in a channel message id, thread key, reply id or ticket reference of any length. The hub must store such a
 * message once and find it again by the same long id, and refuse what it cannot keep with a clear error, never a
 * database error that makes the poller or the webhook sender retry the same input forever.
 */
class LongIdentifiersTest {
    private static final String TOKEN = "long-identifiers-admin-token";
    private static final Map<String, ConnectorContext> CONTEXTS = new ConcurrentHashMap<>();
    /** What the next webhook to the channel or the desk hands in. */
    private static final AtomicReference<Inbound> NEXT = new AtomicReference<>();
    private static final List<String> DELIVERED = new CopyOnWriteArrayList<>();
    private static final List<String> SENT = new CopyOnWriteArrayList<>();
    /** The thread key of each reply the channel was asked to send. */
    private static final List<String> SENT_THREADS = new CopyOnWriteArrayList<>();
    /** The ticket reference the desk answers with. */
    private static final AtomicReference<String> TICKET = new AtomicReference<>("T-1");
    private static final TestType CHANNEL = new TestType("long-id-channel", "hands in what the test gives it",
            Channel::new);
    private static final TestType DESK = new TestType("long-id-desk", "records deliveries, hands in replies",
            Desk::new);
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    Path dir;
    private Hub hub;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
        CONTEXTS.clear();
        DELIVERED.clear();
        SENT.clear();
        SENT_THREADS.clear();
        NEXT.set(null);
        TICKET.set("T-1");
    }

    private void startHub() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("chat", CHANNEL.name()), instance("desk", DESK.name())),
                List.of(new HubConfig.Route("chat", List.of("desk"))), CHANNEL, DESK);
    }

    private static String longId(char fill, int length) {
        return "id-" + String.valueOf(fill).repeat(length - 3);
    }

    private static Message message(String channelMessageId, String threadKey, String name, String text) {
        return Message.builder().channel(new ChannelRef(CHANNEL.name(), "chat")).channelMessageId(channelMessageId)
                .threadKey(threadKey).author(Author.customer(name, Address.chatUser("visitor-1"))).text(text)
                .build();
    }

    private static void submit(String instance, Inbound inbound) throws Exception {
        CONTEXTS.get(instance).submit(inbound).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private List<JsonNode> storedMessages() {
        return StreamSupport.stream(json(local.send(local.withToken(local.get("/api/messages?limit=100"))))
                .path("messages").spliterator(), false).map(v -> v.path("message")).toList();
    }

    @Test
    void aMessageWithIdsLongerThanTheirColumnsIsStoredOnceAndFoundAgainByThem() throws Exception {
        startHub();
        String id = longId('m', 2000);
        String thread = longId('t', 600);
        // Same first 500 characters, different ids: must stay two messages, not be cut into one key.
        String sibling = id.substring(0, 1500) + "x".repeat(500);

        submit("chat", Inbound.messages(List.of(message(id, thread, "N".repeat(800), "first"))));
        submit("chat", Inbound.messages(List.of(message(id, thread, "N".repeat(800), "first"))));
        submit("chat", Inbound.messages(List.of(message(sibling, thread, "Ann", "second"))));

        Poll.until("the desk got both messages", () -> DELIVERED.size() >= 2, () -> DELIVERED);
        assertThat(storedMessages()).extracting(m -> m.path("text").asText())
                .containsExactlyInAnyOrder("first", "second");
        ConnectorContext context = CONTEXTS.get("chat");
        assertThat(context.findMessage(id)).map(Message::text).contains("first");
        assertThat(context.findMessage(sibling)).map(Message::text).contains("second");
        assertThat(context.findConversation(thread)).isPresent();
        assertThat(context.findConversation(thread).orElseThrow().id())
                .isEqualTo(context.findMessage(sibling).orElseThrow().conversationId());
        // The message itself keeps the ids it came with; a name too long for the contact is shortened, not refused.
        assertThat(context.findMessage(id).orElseThrow().channelMessageId()).isEqualTo(id);
        JsonNode conversations = json(local.send(local.withToken(local.get("/api/conversations"))));
        String contactName = conversations.path("conversations").get(0).path("contactName").asText();
        assertThat(contactName).hasSizeLessThanOrEqualTo(500).endsWith("…").startsWith("NNNN");
        Thread.sleep(300);
        assertThat(DELIVERED).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void aDeskReplyWithALongReplyIdReachesTheCustomerOnceAndALongUnknownTicketIsSetAside() throws Exception {
        startHub();
        submit("chat", Inbound.messages(List.of(message("m-1", "t-1", "Ann", "where is my order?"))));
        Poll.until("the desk opened the ticket", () -> DELIVERED.contains("where is my order?"), () -> DELIVERED);
        awaitTicketLinked("t-1");
        String replyId = longId('r', 1500);
        DeskReply reply = new DeskReply("T-1", replyId, Author.agent("Alice"), "Shipped today.", null, null,
                Instant.now(), null);

        submit("desk", Inbound.replies(List.of(reply)));
        submit("desk", Inbound.replies(List.of(reply)));
        String unknownTicket = longId('k', 1200);
        submit("desk", Inbound.replies(List.of(new DeskReply(unknownTicket, longId('u', 900), Author.agent("Bob"),
                "to nobody", null, null, Instant.now(), null))));

        Poll.until("the channel sent the reply", () -> SENT.contains("Shipped today."), () -> SENT);
        JsonNode dead = json(local.send(local.withToken(local.get("/api/dead-letters")))).path("inboundDeadLetters");
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).path("sourceId").asText()).hasSizeLessThanOrEqualTo(500).startsWith("id-uuu");
        Thread.sleep(300);
        assertThat(SENT).containsExactly("Shipped today.");
    }

    @Test
    void aReplyInAConversationWithALongThreadKeyReachesTheChannelUnderTheKeyTheChannelGave() throws Exception {
        startHub();
        String thread = longId('t', 1000);
        submit("chat", Inbound.messages(List.of(message("m-1", thread, "Ann", "hello"))));
        Poll.until("the desk opened the ticket", () -> DELIVERED.contains("hello"), () -> DELIVERED);
        awaitTicketLinked(thread);

        submit("desk", Inbound.replies(List.of(new DeskReply("T-1", "r-1", Author.agent("Alice"), "Hi Ann", null,
                null, Instant.now(), null))));

        Poll.until("the channel sent the reply", () -> SENT.contains("Hi Ann"), () -> SENT);
        assertThat(SENT_THREADS).containsExactly(thread);
        assertThat(CONTEXTS.get("chat").findConversation(thread)).map(c -> c.threadKey()).contains(thread);
    }

    @Test
    void longIdsInStatusesSkippedItemsAndTicketUpdatesAreStoredNotRefused() throws Exception {
        startHub();
        String skippedId = longId('s', 1000);
        Skipped noise = Skipped.ignored(skippedId, "noise: " + "z".repeat(3000), null);

        submit("chat", new Inbound(null, null, null, null, List.of(noise, noise),
                List.of(new DeliveryStatus(longId('d', 700), DeliveryStatus.State.FAILED, "E".repeat(300),
                        "F".repeat(3000), Instant.now())), null, null, null));
        submit("desk", new Inbound(null, null, List.of(new dev.omnibridge.spi.TicketUpdate(longId('k', 800),
                dev.omnibridge.model.ConversationStatus.RESOLVED)), null));

        JsonNode skipped = json(local.send(local.withToken(local.get("/api/skipped"))));
        List<String> reasons = StreamSupport.stream(skipped.path("skipped").spliterator(), false)
                .map(s -> s.path("reason").asText()).toList();
        assertThat(reasons).hasSize(2).allSatisfy(r -> assertThat(r).hasSizeLessThanOrEqualTo(2000));
        assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("noise: zzz").endsWith("…"));
    }

    @Test
    void anOffsetKeyTooLongToKeepIsRefusedWithAClearErrorAndNothingOfTheSubmissionIsStored() throws Exception {
        startHub();
        String key = "position:" + "p".repeat(300);
        Inbound inbound = new Inbound(List.of(message("m-1", "t-1", "Ann", "hello")), null, null,
                Map.of(key, "42"));

        assertThatThrownBy(() -> CONTEXTS.get("chat").submit(inbound).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset key").hasMessageContaining("200 characters")
                .hasMessageNotContaining("ppppp");
        assertThatThrownBy(() -> CONTEXTS.get("chat").submit(new Inbound(null, null, null, Map.of("pos",
                "v".repeat(2001)))).toCompletableFuture().join()).cause()
                .hasMessageContaining("offset value").hasMessageContaining("2000 characters");
        assertThat(storedMessages()).isEmpty();
        assertThat(CONTEXTS.get("chat").offset(key.substring(0, 200))).isEmpty();
    }

    @Test
    void aWebhookCarryingAnAddressTooLongToKeepIsAnsweredWithAClearBadRequest() throws Exception {
        startHub();
        NEXT.set(Inbound.messages(List.of(Message.builder().channel(new ChannelRef(CHANNEL.name(), "chat"))
                .channelMessageId("m-1").threadKey("t-1")
                .author(Author.customer("Ann", Address.chatUser("u".repeat(400)))).text("hello").build())));

        HttpResponse<String> r = local.send(local.postText("/hooks/chat", "go"));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("error").asText()).contains("customer address").contains("320 characters")
                .doesNotContain("uuuuu");
        assertThat(storedMessages()).isEmpty();
    }

    @Test
    void aWebhookWithALongMessageIdIsAcceptedAndItsRetryStoredOnce() throws Exception {
        startHub();
        NEXT.set(Inbound.messages(List.of(message(longId('w', 1800), longId('h', 900), "Ann", "via webhook"))));

        assertThat(local.send(local.postText("/hooks/chat", "go")).statusCode()).isEqualTo(200);
        assertThat(local.send(local.postText("/hooks/chat", "go")).statusCode()).isEqualTo(200);

        assertThat(storedMessages()).extracting(m -> m.path("text").asText()).containsExactly("via webhook");
    }

    @Test
    void aDeskAnsweringATicketReferenceTooLongToKeepIsDeadLetteredOnceWithAClearReason() throws Exception {
        startHub();
        TICKET.set("ticket-" + "k".repeat(600));

        submit("chat", Inbound.messages(List.of(message("m-1", "t-1", "Ann", "hello"))));

        Poll.until("the delivery is a dead letter", () -> json(local.send(local.withToken(
                local.get("/api/dead-letters")))).path("deadLetters").size() == 1);
        JsonNode dead = json(local.send(local.withToken(local.get("/api/dead-letters")))).path("deadLetters").get(0);
        assertThat(dead.path("reason").asText()).contains("ticket reference of 607 characters")
                .contains("at most 500").doesNotContain("kkkkk");
        // Not retried: each attempt would open another ticket at the desk.
        assertThat(DELIVERED).containsExactly("hello");
    }

    /** A channel that hands in whatever the test set; its context is where the test submits as a poller does. */
    static final class Channel implements ChannelConnector {
        @Override
        public void start(ConnectorContext ctx) {
            CONTEXTS.put(ctx.instanceId(), ctx);
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            return WebhookOutcome.store(NEXT.get());
        }

        @Override
        public String send(OutboundMessage outbound) {
            SENT.add(outbound.message().text());
            SENT_THREADS.add(outbound.message().threadKey());
            return "sent-" + SENT.size();
        }
    }

    /** A desk that records what it gets and opens ticket T-1. */
    static final class Desk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
            CONTEXTS.put(ctx.instanceId(), ctx);
        }

        @Override
        public WebhookOutcome onWebhook(WebhookRequest request) {
            return WebhookOutcome.store(NEXT.get());
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            DELIVERED.add(delivery.message().text());
            return new DeskResult(TICKET.get(), "c-" + DELIVERED.size());
        }
    }

    /**
     * The desk has the message once its stub saw it, but the hub links the ticket only when it records the desk's
     * answer: a reply sent in between would name a ticket no conversation has yet.
     */
    private static void awaitTicketLinked(String threadKey) {
        Poll.until("the hub linked the desk's ticket", () -> CONTEXTS.get("chat").findConversation(threadKey)
                .map(c -> c.deskTickets().containsKey("desk")).orElse(false), () -> DELIVERED);
    }
}
