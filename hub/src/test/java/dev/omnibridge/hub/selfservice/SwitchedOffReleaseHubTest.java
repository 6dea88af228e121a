package dev.omnibridge.hub.selfservice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.knowledge.KnowledgeConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.hub.testing.TestType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real hub whose bot answered a question (the customer's message held from the desk) is restarted with
 * self-service off, so the bot is not even installed: the desk gets the held question and the bot's answer (as the
 * bot's note), in order, once; a further restart sends nothing again, and the customer's next message follows.
 */
class SwitchedOffReleaseHubTest {
    private static final String TOKEN = "switched-off-admin-token";
    private static final String QUESTION = "What are your opening hours?";
    private static final String ANSWER = "We are open Monday to Friday, 9:00 to 18:00.";
    private static final String FOLLOW_UP = "Thanks. Is that also true on public holidays?";

    @TempDir
    Path dir;
    private final LocalHub local = new LocalHub(TOKEN);
    private final List<Message> toDesk = new CopyOnWriteArrayList<>();
    private final List<Message> toCustomer = new CopyOnWriteArrayList<>();
    private final AtomicReference<ConnectorContext> web = new AtomicReference<>();
    private final TestType channel = new TestType("held-channel", "hands in what the test gives it", Channel::new);
    private final TestType desk = new TestType("held-desk", "records what it gets", Desk::new);

    @Test
    void heldMessagesReachTheDeskOnceAfterTheBotIsSwitchedOff() throws Exception {
        Path faq = dir.resolve("faq.yaml");
        Files.writeString(faq, """
                entries:
                  - id: opening-hours
                    en:
                      questions:
                        - What are your opening hours?
                        - When are you open?
                      answer: We are open Monday to Friday, 9:00 to 18:00.
                """);
        HubConfig off = local.config(dir, LocalHub.QUICK_DELIVERY,
                List.of(instance("web", channel.name()), instance("desk", desk.name())),
                List.of(new HubConfig.Route("web", List.of("desk")))).withKnowledge(new KnowledgeConfig(List.of(faq)));
        HubConfig answering = off.withSelfService(new SelfServiceConfig(SelfServiceSettings.OFF,
                Map.of("web", SelfServiceSettings.OFF.withMode(SelfServiceMode.ANSWER)), null));

        try (Hub hub = Hub.start(answering, List.of(channel, desk))) {
            customerWrites("in-1", QUESTION);
            Poll.until("the bot's answer", () -> toCustomer.size() == 1, toCustomer::toString);
            assertThat(toCustomer.get(0).tags()).contains(Message.AUTO_ANSWER_TAG);
            String answered = toCustomer.get(0).conversationId();
            Poll.until("the answer's delivery done", () -> deliveriesDone(answered, "web") == 1,
                    () -> timeline(answered));
            assertThat(toDesk).as("held while the bot answers").isEmpty();
        }

        String conversationId;
        try (Hub hub = Hub.start(off, List.of(channel, desk))) {
            Poll.until("the held exchange at the desk", () -> toDesk.size() >= 2, toDesk::toString);
            assertThat(toDesk).extracting(Message::direction).containsExactly(Direction.INBOUND, Direction.INTERNAL);
            assertThat(toDesk.get(0).text()).isEqualTo(QUESTION);
            assertThat(toDesk.get(1).text()).startsWith("Automatic answer (bot) sent to the customer on web:")
                    .contains(ANSWER);
            conversationId = toDesk.get(0).conversationId();
            // Settled (not just sent) before the hub stops, so the next start has nothing left to retry.
            Poll.until("both deliveries done", () -> deliveriesDone(conversationId, "desk") == 2,
                    () -> timeline(conversationId));
            JsonNode handedOff = automation(conversationId, "SELF_SERVICE_HANDED_OFF");
            assertThat(handedOff.path("detail").asText()).startsWith("bot_switched_off: ")
                    .endsWith("; 2 held message(s) sent to the desks");
            assertThat(toCustomer).as("the customer gets nothing more from the bot").hasSize(1);
        }

        try (Hub hub = Hub.start(off, List.of(channel, desk))) {
            customerWrites("in-2", FOLLOW_UP);
            // Delivered in the conversation's order: anything released again would come before it.
            Poll.until("the follow-up at the desk", () -> toDesk.size() >= 3, toDesk::toString);
            assertThat(toDesk).extracting(Message::text).last().isEqualTo(FOLLOW_UP);
            assertThat(toDesk).as("the held exchange once, then the follow-up").hasSize(3)
                    .extracting(Message::id).doesNotHaveDuplicates();
            assertThat(toCustomer).hasSize(1);
        }
    }

    private void customerWrites(String channelMessageId, String text) throws Exception {
        Message m = Message.builder().channel(new ChannelRef(channel.name(), "web")).channelMessageId(channelMessageId)
                .threadKey("customer-1").author(Author.customer("Ann", Address.email("ann@example.com"))).text(text)
                .build();
        web.get().submit(Inbound.messages(List.of(m))).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private JsonNode timeline(String conversationId) {
        return LocalHub.json(local.send(local.withToken(local.get("/api/messages?conversationId=" + conversationId))));
    }

    private int deliveriesDone(String conversationId, String target) {
        int done = 0;
        for (JsonNode view : timeline(conversationId).path("messages")) {
            for (JsonNode d : view.path("deliveries")) {
                if (d.path("target").asText().equals(target) && d.path("status").asText().equals("DONE")) {
                    done++;
                }
            }
        }
        return done;
    }

    private JsonNode automation(String conversationId, String kind) {
        for (JsonNode e : timeline(conversationId).path("automation")) {
            if (e.path("kind").asText().equals(kind)) {
                return e;
            }
        }
        throw new AssertionError("no " + kind + " in " + timeline(conversationId));
    }

    private final class Channel implements ChannelConnector {
        @Override
        public void start(ConnectorContext ctx) {
            web.set(ctx);
        }

        @Override
        public String send(OutboundMessage outbound) {
            toCustomer.add(outbound.message());
            return "sent-" + outbound.message().id();
        }
    }

    private final class Desk implements DeskConnector {
        @Override
        public void start(ConnectorContext ctx) {
        }

        @Override
        public DeskResult deliver(DeskDelivery delivery) {
            toDesk.add(delivery.message());
            return new DeskResult("T-1", "c-" + delivery.message().id());
        }
    }
}
