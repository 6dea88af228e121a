package dev.omnibridge.hub.inbox;

import dev.omnibridge.config.Settings;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.RoutesBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleInboxTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final RecordingContext context = new RecordingContext();
    private final ConsoleInbox inbox = new ConsoleInbox(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void firstDeliveryNamesTheConversationAsTicketAndTheMessageAsItem() {
        DeskResult result = inbox.deliver(delivery("conv-1", "msg-1", null));

        assertThat(result.ticketRef()).isEqualTo("inbox-conv-1");
        assertThat(result.itemId()).isEqualTo("msg-1");
        assertThat(inbox.deliver(delivery("conv-1", "msg-1", null))).as("a repeat answers the same").isEqualTo(result);
    }

    @Test
    void laterDeliveryStaysOnTheTicketTheHubKnows() {
        assertThat(inbox.deliver(delivery("conv-1", "msg-2", "inbox-conv-1")).ticketRef()).isEqualTo("inbox-conv-1");
    }

    @Test
    void answerIsSubmittedAsAPublicAgentReplyNamingItsConversation() {
        inbox.start(context);

        ConsoleInbox.Submitted submitted = inbox.answer("conv-1", "inbox-conv-1", "Alice", "It ships today.");

        assertThat(submitted.stored().toCompletableFuture()).isCompleted();
        assertThat(context.submitted).hasSize(1);
        DeskReply reply = context.submitted.get(0).replies().get(0);
        assertThat(reply.ticketRef()).isEqualTo("inbox-conv-1");
        assertThat(reply.replyId()).isEqualTo(submitted.replyId()).startsWith("console-");
        assertThat(reply.author()).isEqualTo(new Author(Role.AGENT, "Alice", null));
        assertThat(reply.text()).isEqualTo("It ships today.");
        assertThat(reply.createdAt()).isEqualTo(NOW);
        assertThat(reply.metadata()).containsEntry(DeskReply.CONVERSATION_ID, "conv-1");
        assertThat(context.submitted.get(0).messages()).isEmpty();
    }

    @Test
    void twoAnswersWithTheSameTextAreTwoReplies() {
        inbox.start(context);
        String first = inbox.answer("conv-1", "inbox-conv-1", "Alice", "Thanks").replyId();
        String second = inbox.answer("conv-1", "inbox-conv-1", "Alice", "Thanks").replyId();

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void resolveIsSubmittedAsATicketUpdate() {
        inbox.start(context);

        inbox.resolve("inbox-conv-1");

        assertThat(context.submitted.get(0).ticketUpdates())
                .containsExactly(new TicketUpdate("inbox-conv-1", ConversationStatus.RESOLVED));
    }

    @Test
    void stoppedInboxTakesNoAnswers() {
        inbox.start(context);
        inbox.stop();

        assertThatThrownBy(() -> inbox.answer("conv-1", "inbox-conv-1", "Alice", "Hi"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
        assertThat(context.submitted).isEmpty();
    }

    @Test
    void typeIsCalledConsoleInboxAndCreatesADesk() {
        ConsoleInboxType type = new ConsoleInboxType();
        assertThat(type.name()).isEqualTo("console-inbox");
        assertThat(type.create()).isInstanceOf(dev.omnibridge.spi.DeskConnector.class);
        assertThat(type.config().settings()).isEmpty();
    }

    private static DeskDelivery delivery(String conversationId, String messageId, String ticketRef) {
        ChannelRef channel = new ChannelRef("webhook-channel", "web");
        Address ann = Address.email("ann@example.com");
        Message message = Message.builder().id(messageId).conversationId(conversationId).channel(channel)
                .channelMessageId("m-" + messageId).threadKey("t-1").author(Author.customer("Ann", ann))
                .text("Where is my order?").build();
        Conversation conv = new Conversation(conversationId, channel, "t-1", "contact-1", ann,
                ConversationStatus.OPEN, Map.of(), NOW);
        return new DeskDelivery(message, conv, new Contact("contact-1", "Ann", List.of(ann)), ticketRef,
                "key-" + messageId);
    }

    /** Records what the inbox submits; everything else is out of scope for the inbox. */
    private static final class RecordingContext implements ConnectorContext {
        final List<Inbound> submitted = new ArrayList<>();

        @Override
        public CompletionStage<Void> submit(Inbound inbound) {
            submitted.add(inbound);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public String instanceId() {
            return "inbox";
        }

        @Override
        public Settings settings() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CamelContext camel() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addComponent(String scheme, Component component) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addRoutes(RoutesBuilder routes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> offset(String key) {
            return Optional.empty();
        }

        @Override
        public Optional<Message> findMessage(String channelMessageId) {
            return Optional.empty();
        }

        @Override
        public Optional<Conversation> findConversation(String threadKey) {
            return Optional.empty();
        }

        @Override
        public List<Message> recentMessages(String conversationId, int limit) {
            return List.of();
        }

        @Override
        public AttachmentStore attachments() {
            throw new UnsupportedOperationException();
        }

        @Override
        public URI webhookUrl() {
            return URI.create("http://localhost/hooks/inbox");
        }

        @Override
        public void reportProblem(String message) {
        }
    }
}
