package dev.omnibridge.hub.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real hub (H2, dispatcher, console inbox as the desk) with a chat whose visitors are gone (every send says the
 * customer is unreachable) and a mail channel that records what it sends: an agent's reply reaches a visitor whose
 * email the site verified by mail, and the desk is told; a visitor who only typed an email is not written to, the
 * reply is dead-lettered and the desk is told why.
 */
class ReplyFallbackHubTest {
    private static final String TOKEN = "reply-fallback-admin-token";
    private static final String ANN = "ann@example.com";

    @TempDir
    Path dir;
    private final LocalHub local = new LocalHub(TOKEN);
    private final List<OutboundMessage> mailed = new CopyOnWriteArrayList<>();
    private final List<ConnectorContext> chats = new CopyOnWriteArrayList<>();
    private final TestType chat = new TestType("gone-chat", "every visitor has left", GoneChat::new);
    private final TestType mail = new TestType("recording-mail", "records what it sends", RecordingMail::new);
    private Hub hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    private void start(ReplyFallbackConfig fallback) throws Exception {
        HubConfig config = local.config(dir, LocalHub.QUICK_DELIVERY,
                        List.of(instance("chat", chat.name()), instance("mail", mail.name()),
                                instance("inbox", "console-inbox")),
                        List.of(new HubConfig.Route("chat", List.of("inbox")),
                                new HubConfig.Route("mail", List.of("inbox"))))
                .withIdentity(new IdentityConfig(null, null, fallback));
        hub = Hub.start(config, List.<ConnectorType>of(chat, mail));
        Poll.until("the chat runs", () -> !chats.isEmpty());
    }

    @Test
    void aReplyToAGoneVisitorWithASiteVerifiedEmailGoesByMailAndTheDeskIsTold() throws Exception {
        start(new ReplyFallbackConfig(List.of("mail"), Map.of()));
        String conversation = visitorWrites("v-1", Address.email(ANN), Map.of());

        reply(conversation, "Your invoice is attached to your account.");

        Poll.until("the reply went by mail", () -> !mailed.isEmpty());
        OutboundMessage sent = mailed.get(0);
        assertThat(sent.conversation().customer()).isEqualTo(Address.email(ANN));
        assertThat(sent.conversation().channel().instanceId()).isEqualTo("mail");
        assertThat(sent.conversation().id()).as("still the chat's conversation").isEqualTo(conversation);
        assertThat(sent.conversation().threadKey()).as("the hub's thread key for the conversation")
                .matches("[A-Z2-7]{8}");
        assertThat(sent.message().text()).isEqualTo("Your invoice is attached to your account.");
        assertThat(sent.idempotencyKey()).endsWith("-mail");

        JsonNode reply = awaitMessage(conversation, "OUTBOUND", null);
        Poll.until("both deliveries are recorded", () -> awaitMessage(conversation, "OUTBOUND", null)
                .path("deliveries").size() == 2);
        JsonNode deliveries = awaitMessage(conversation, "OUTBOUND", null).path("deliveries");
        assertThat(deliveries).anySatisfy(d -> {
            assertThat(d.path("target").asText()).isEqualTo("chat");
            assertThat(d.path("status").asText()).isEqualTo("DONE");
            assertThat(d.path("resultRef").asText()).isEqualTo("fallback:mail");
        });
        assertThat(deliveries).anySatisfy(d -> {
            assertThat(d.path("target").asText()).isEqualTo("mail");
            assertThat(d.path("status").asText()).isEqualTo("DONE");
        });
        assertThat(reply).isNotNull();
        JsonNode note = awaitMessage(conversation, "INTERNAL", ReplyFallback.TAG).path("message");
        assertThat(note.path("text").asText()).contains("could not reach the customer on chat")
                .contains("sent through mail").doesNotContain(ANN);
        assertThat(get("/api/dead-letters").path("deadLetters")).isEmpty();
        Thread.sleep(300);
        assertThat(mailed).as("sent once").hasSize(1);
    }

    @Test
    void aVisitorWhoOnlyTypedAnEmailIsNotWrittenToAndTheDeskIsToldTheReplyWasNotDelivered() throws Exception {
        start(new ReplyFallbackConfig(List.of("mail"), Map.of()));
        String conversation = visitorWrites("v-2", Address.chatUser("visitor-2"), Map.of("webchat.email", ANN));

        reply(conversation, "We will write to you.");

        JsonNode note = awaitMessage(conversation, "INTERNAL", "delivery-failed").path("message");
        assertThat(note.path("text").asText()).contains("was not delivered")
                .contains("no other verified address of the customer takes messages on mail");
        JsonNode dead = get("/api/dead-letters").path("deadLetters");
        assertThat(dead).singleElement().satisfies(d -> assertThat(d.path("target").asText()).isEqualTo("chat"));
        assertThat(mailed).isEmpty();
    }

    @Test
    void withoutAReplyFallbackAnUnreachableCustomersReplyIsDeadLetteredAsBefore() throws Exception {
        start(ReplyFallbackConfig.none());
        String conversation = visitorWrites("v-3", Address.email(ANN), Map.of());

        reply(conversation, "Hello?");

        JsonNode note = awaitMessage(conversation, "INTERNAL", "delivery-failed").path("message");
        assertThat(note.path("text").asText()).contains("the visitor left");
        assertThat(mailed).isEmpty();
    }

    // --- helpers

    private String visitorWrites(String threadKey, Address customer, Map<String, String> metadata) throws Exception {
        ConnectorContext ctx = chats.get(0);
        Message m = Message.builder().channel(new ChannelRef(chat.name(), "chat")).channelMessageId("in-" + threadKey)
                .threadKey(threadKey).author(Author.customer("Ann", customer)).text("Can you send me the invoice?")
                .metadata(metadata).build();
        ctx.submit(Inbound.messages(List.of(m))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        String[] id = new String[1];
        Poll.until("the conversation reached the inbox", () -> {
            for (JsonNode c : get("/api/conversations").path("conversations")) {
                if (c.path("threadKey").asText().equals(threadKey)) {
                    id[0] = c.path("id").asText();
                    return get("/api/conversations/" + id[0]).path("deskTickets").has("inbox");
                }
            }
            return false;
        });
        return id[0];
    }

    private void reply(String conversation, String text) {
        HttpResponse<String> r = local.send(local.withToken(local.postJson("/api/conversations/" + conversation
                + "/replies", "{\"inbox\":\"inbox\",\"text\":\"" + text + "\",\"author\":\"Alice\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    /** The conversation's first message view of that direction (and tag), once there. */
    private JsonNode awaitMessage(String conversation, String direction, String tag) {
        JsonNode[] found = new JsonNode[1];
        Poll.until("a " + direction + " message" + (tag == null ? "" : " tagged " + tag), () -> {
            for (JsonNode view : get("/api/messages?conversationId=" + conversation).path("messages")) {
                JsonNode m = view.path("message");
                if (m.path("direction").asText().equals(direction)
                        && (tag == null || m.path("tags").toString().contains(tag))) {
                    found[0] = view;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private JsonNode get(String path) {
        return json(local.send(local.withToken(local.get(path))));
    }

    /** Every visitor has left: the chat says so for every reply. */
    private final class GoneChat implements ChannelConnector {
        @Override
        public void start(ConnectorContext ctx) {
            chats.add(ctx);
        }

        @Override
        public String send(OutboundMessage outbound) {
            throw DeliveryException.unreachable("the visitor left the chat");
        }
    }

    /** Mails whoever it is given, and can open a thread to any email address. */
    private final class RecordingMail implements ChannelConnector {
        @Override
        public void start(ConnectorContext ctx) {
        }

        @Override
        public String threadToStart(Address address, String suggestedKey) {
            return address.kind() == AddressKind.EMAIL ? suggestedKey : null;
        }

        @Override
        public String send(OutboundMessage outbound) {
            mailed.add(outbound);
            return "<mail-" + mailed.size() + "@test>";
        }
    }
}
