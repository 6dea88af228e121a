package dev.omnibridge.connector.freshdesk;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.testkit.FakeConnectorContext;

import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Deliveries and settings for the module tests; the desk is a WireMock at {@code baseUrl}. */
final class Fixture {
    static final String API_KEY = "fd-api-key-0123456789abcdef";
    static final String WEBHOOK_SECRET = "webhook-secret-0123456789abcdef";
    static final String CONVERSATION = "conv-1234";
    static final String EMAIL = "ann@example.com";
    static final ChannelRef WEB = new ChannelRef("webhook-channel", "web");

    private Fixture() {
    }

    static String basicAuth() {
        return "Basic " + Base64.getEncoder().encodeToString((API_KEY + ":X").getBytes());
    }

    static Map<String, Object> settings(String baseUrl) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("baseUrl", baseUrl);
        s.put("apiKey", API_KEY);
        s.put("webhookSecret", WEBHOOK_SECRET);
        s.put("timeout", "30s");   // generous: the first call of a test JVM meets a cold WireMock on a busy machine
        s.put("requestsPerMinute", 6000);
        return s;
    }

    static FakeConnectorContext context(String baseUrl) {
        return new FakeConnectorContext("fd", new FreshdeskType().config(), settings(baseUrl));
    }

    static Message.Builder message(String text) {
        return Message.builder().id("msg-1").direction(Direction.INBOUND).channel(WEB).channelMessageId("cm-1")
                .threadKey("thread-1").conversationId(CONVERSATION)
                .author(Author.customer("Ann", new Address(AddressKind.EMAIL, EMAIL))).text(text)
                .receivedAt(Instant.parse("2026-11-20T10:00:00Z")).priority(Priority.NORMAL).language("en")
                .tags(Set.of());
    }

    static Contact contact(Address... addresses) {
        return new Contact("contact-42", "Ann Example", List.of(addresses));
    }

    static Conversation conversation() {
        return new Conversation(CONVERSATION, WEB, "thread-1", "contact-42", new Address(AddressKind.EMAIL, EMAIL),
                ConversationStatus.OPEN, Map.of(), Instant.parse("2026-11-20T10:00:00Z"));
    }

    static DeskDelivery opening(Message m, Contact c) {
        return new DeskDelivery(m, conversation(), c, null, "idem-" + m.id());
    }

    static DeskDelivery followUp(Message m, String ticketRef) {
        return new DeskDelivery(m, conversation(), contact(new Address(AddressKind.EMAIL, EMAIL)), ticketRef,
                "idem-" + m.id());
    }

    static DeskDelivery internalNote(String ticketRef) {
        Message m = message("This reply was not delivered to the customer: opted out").id("msg-sys")
                .direction(Direction.INTERNAL).author(new Author(Role.SYSTEM, "Omnibridge", null))
                .tags(Set.of("delivery-failed")).priority(Priority.NORMAL).build();
        return new DeskDelivery(m, conversation(), contact(new Address(AddressKind.EMAIL, EMAIL)), ticketRef,
                "idem-msg-sys");
    }

    static Attachment stored(FakeConnectorContext ctx, String name, String type, byte[] bytes) throws Exception {
        return ctx.attachments().store(name, type, new java.io.ByteArrayInputStream(bytes), 1_000_000);
    }
}
