package dev.omnibridge.connector.webhookdesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The exact bytes a desk receives (and the signature covers): field names, order, nulls and escaping of the
 * documented {@code omnibridge.desk-event/v1} and {@code omnibridge.desk-events/v1} bodies.
 */
class DeskEventsBytesTest {
    private static final Instant AT = Instant.parse("2025-03-01T10:15:30Z");
    private static final ChannelRef WEB = new ChannelRef("webhook-channel", "web");

    private static Message.Builder message() {
        return Message.builder()
                .id("msg-1")
                .direction(Direction.INBOUND)
                .channel(WEB)
                .channelMessageId("m-1")
                .threadKey("thread-1")
                .conversationId("conv-1")
                .author(Author.customer("Ann", Address.email("ann@example.com")))
                .text("Where is my order?")
                .receivedAt(AT);
    }

    private static Conversation conversation(String threadKey) {
        return new Conversation("conv-1", WEB, threadKey, "contact-1", Address.email("ann@example.com"),
                ConversationStatus.OPEN, Map.of(), AT);
    }

    private static Contact ann() {
        return new Contact("contact-1", "Ann", List.of(Address.email("ann@example.com"), Address.phone("+15551234567")));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aNewTicketsEventHasExactlyTheDocumentedBytes() {
        DeskDelivery delivery = new DeskDelivery(message().build(), conversation("thread-1"), ann(), null, "key-1");

        assertThat(utf8(DeskEvents.messageCreated(delivery))).isEqualTo("{\"schema\":\"omnibridge.desk-event/v1\","
                + "\"event\":\"message.created\",\"idempotencyKey\":\"key-1\",\"ticketRef\":null,"
                + "\"conversation\":{\"id\":\"conv-1\",\"channel\":{\"type\":\"webhook-channel\",\"instanceId\":\"web\"},"
                + "\"threadKey\":\"thread-1\"},"
                + "\"contact\":{\"id\":\"contact-1\",\"displayName\":\"Ann\",\"addresses\":[{\"kind\":\"EMAIL\","
                + "\"value\":\"ann@example.com\"},{\"kind\":\"PHONE\",\"value\":\"+15551234567\"}]},"
                + "\"message\":{\"schema\":\"omnibridge.message/v1\",\"id\":\"msg-1\",\"direction\":\"INBOUND\","
                + "\"channel\":{\"type\":\"webhook-channel\",\"instanceId\":\"web\"},\"channelMessageId\":\"m-1\","
                + "\"threadKey\":\"thread-1\",\"conversationId\":\"conv-1\",\"author\":{\"role\":\"CUSTOMER\","
                + "\"displayName\":\"Ann\",\"address\":{\"kind\":\"EMAIL\",\"value\":\"ann@example.com\"}},"
                + "\"text\":\"Where is my order?\",\"attachments\":[],\"receivedAt\":\"2025-03-01T10:15:30Z\","
                + "\"priority\":\"NORMAL\",\"tags\":[],\"metadata\":{}}}");
    }

    @Test
    void aNewTicketsEventCarriesTheRoutesAssignmentRightAfterTicketRef() {
        DeskDelivery delivery = new DeskDelivery(message().build(), conversation("thread-1"), ann(), null, "key-1",
                Map.of("queue", "billing", "group", "Support DE"));

        assertThat(utf8(DeskEvents.messageCreated(delivery))).startsWith("{\"schema\":\"omnibridge.desk-event/v1\","
                + "\"event\":\"message.created\",\"idempotencyKey\":\"key-1\",\"ticketRef\":null,"
                + "\"assignment\":{\"group\":\"Support DE\",\"queue\":\"billing\"},"
                + "\"conversation\":{\"id\":\"conv-1\",");
    }

    @Test
    void aFollowUpNeverCarriesAnAssignment() {
        DeskDelivery delivery = new DeskDelivery(message().build(), conversation("thread-1"), ann(), "T-1", "key-1",
                Map.of("group", "Support DE"));

        assertThat(utf8(DeskEvents.messageCreated(delivery))).doesNotContain("assignment")
                .contains("\"ticketRef\":\"T-1\",\"conversation\":");
    }

    @Test
    void anEditWithEveryMessageFieldAndNoContactHasExactlyTheDocumentedBytes() {
        Message edited = message()
                .subject("Order \"42\"")
                .text("line 1\nline 2 \u00e9\u4e2d\uD83D\uDE00 <b>&</b> \\ \u0001")
                .html("<p>line 1</p>")
                .attachments(List.of(new Attachment("a.pdf", "application/pdf", 12345L, "ab".repeat(32),
                        URI.create("https://files.example.com/a.pdf?x=1&y=2"))))
                .replyTo("m-0")
                .channelTimestamp(Instant.parse("2025-03-01T10:15:29.123456789Z"))
                .priority(Priority.HIGH)
                .language("de-CH")
                .tags(Set.of("vip"))
                .metadata(Map.of(Message.EDIT_OF, "m-0"))
                .build();
        DeskDelivery delivery = new DeskDelivery(edited, conversation("thread \"2\""), null, "T-7", "key-2");

        assertThat(utf8(DeskEvents.messageCreated(delivery))).isEqualTo("{\"schema\":\"omnibridge.desk-event/v1\","
                + "\"event\":\"message.edited\",\"idempotencyKey\":\"key-2\",\"ticketRef\":\"T-7\","
                + "\"conversation\":{\"id\":\"conv-1\",\"channel\":{\"type\":\"webhook-channel\",\"instanceId\":\"web\"},"
                + "\"threadKey\":\"thread \\\"2\\\"\"},\"contact\":null,"
                + "\"message\":{\"schema\":\"omnibridge.message/v1\",\"id\":\"msg-1\",\"direction\":\"INBOUND\","
                + "\"channel\":{\"type\":\"webhook-channel\",\"instanceId\":\"web\"},\"channelMessageId\":\"m-1\","
                + "\"threadKey\":\"thread-1\",\"conversationId\":\"conv-1\",\"author\":{\"role\":\"CUSTOMER\","
                + "\"displayName\":\"Ann\",\"address\":{\"kind\":\"EMAIL\",\"value\":\"ann@example.com\"}},"
                + "\"subject\":\"Order \\\"42\\\"\","
                // Jackson writes a character outside the BMP as its escaped surrogate pair.
                + "\"text\":\"line 1\\nline 2 \u00e9\u4e2d\\uD83D\\uDE00 <b>&</b> \\\\ \\u0001\","
                + "\"html\":\"<p>line 1</p>\",\"attachments\":[{\"fileName\":\"a.pdf\",\"mediaType\":\"application/pdf\","
                + "\"size\":12345,\"sha256\":\"" + "ab".repeat(32) + "\","
                + "\"location\":\"https://files.example.com/a.pdf?x=1&y=2\"}],\"replyTo\":\"m-0\","
                + "\"channelTimestamp\":\"2025-03-01T10:15:29.123456789Z\",\"receivedAt\":\"2025-03-01T10:15:30Z\","
                + "\"priority\":\"HIGH\",\"language\":\"de-CH\",\"tags\":[\"vip\"],"
                + "\"metadata\":{\"omnibridge.editOf\":\"m-0\"}}}");
    }

    @Test
    void aContactWithoutNameOrAddressesKeepsTheFieldsAsNullAndEmpty() {
        DeskDelivery delivery = new DeskDelivery(message().build(), conversation("thread-1"),
                new Contact("contact-9", null, List.of()), "T-1", "key-3");

        assertThat(utf8(DeskEvents.messageCreated(delivery)))
                .contains(",\"contact\":{\"id\":\"contact-9\",\"displayName\":null,\"addresses\":[]},\"message\":{");
    }

    @Test
    void aBatchIsTheBatchEnvelopeAroundEachSingleEventsExactBytes() {
        List<DeskDelivery> batch = List.of(
                new DeskDelivery(message().build(), conversation("thread-1"), ann(), "T-1", "k1"),
                new DeskDelivery(message().id("msg-2").channelMessageId("m-2").text("second").build(),
                        conversation("thread-1"), ann(), "T-1", "k2"));

        assertThat(utf8(DeskEvents.batch(batch))).isEqualTo("{\"schema\":\"omnibridge.desk-events/v1\",\"events\":["
                + utf8(DeskEvents.messageCreated(batch.get(0))) + "," + utf8(DeskEvents.messageCreated(batch.get(1)))
                + "]}");
    }

    @Test
    void everyEventIsByteForByteTheTreeBuiltFormOfTheContract() {
        // Tags and metadata of several entries iterate in an order fixed per JVM run only, so they are compared
        // with the tree form built in this run rather than with a golden string.
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            metadata.put("key-" + i, "value \u00fc " + i);
        }
        List<Message> messages = List.of(
                message().build(),
                message().tags(Set.of("a", "b", "c", "vip", "billing")).metadata(metadata).build(),
                message().direction(Direction.INTERNAL).author(Author.agent("Bob")).text("").html(null).build(),
                message().text("\u2028\u2029\t\r\u007f\"/").subject("").build());
        List<Contact> contacts = new ArrayList<>();
        contacts.add(ann());
        contacts.add(null);
        contacts.add(new Contact("c-2", "Zo\u00eb \"Z\"", List.of(Address.phone("+4930123456"))));
        for (Message m : messages) {
            for (Contact c : contacts) {
                DeskDelivery delivery = new DeskDelivery(m, conversation("t\u00e9"), c, "T-1", "key");
                assertThat(utf8(DeskEvents.messageCreated(delivery))).isEqualTo(utf8(TreeForm.single(delivery)));
            }
        }
    }

    @Test
    void aDeliveryWithoutMessageOrConversationIsAPermanentFailure() {
        DeskDelivery noMessage = new DeskDelivery(null, conversation("thread-1"), ann(), null, "key-1");
        DeskDelivery noConversation = new DeskDelivery(message().build(), null, ann(), null, "key-1");

        assertThatThrownBy(() -> DeskEvents.messageCreated(noMessage)).isInstanceOf(DeliveryException.class)
                .satisfies(e -> assertThat(((DeliveryException) e).isRetryable()).isFalse());
        assertThatThrownBy(() -> DeskEvents.messageCreated(noConversation)).isInstanceOf(DeliveryException.class);
    }

    /** The contract's body built as a Jackson tree, the way the connector first built it: the reference form. */
    private static final class TreeForm {
        private static final ObjectMapper JSON = CanonicalJson.mapper();

        static byte[] single(DeskDelivery delivery) {
            try {
                return JSON.writeValueAsBytes(event(delivery));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static ObjectNode event(DeskDelivery delivery) throws Exception {
            ObjectNode root = JSON.createObjectNode();
            root.put("schema", "omnibridge.desk-event/v1");
            root.put("event", delivery.message().editOf() != null ? "message.edited" : "message.created");
            root.put("idempotencyKey", delivery.idempotencyKey());
            root.put("ticketRef", delivery.ticketRef());
            ObjectNode conversation = root.putObject("conversation");
            conversation.put("id", delivery.conversation().id());
            conversation.putObject("channel").put("type", delivery.conversation().channel().type())
                    .put("instanceId", delivery.conversation().channel().instanceId());
            conversation.put("threadKey", delivery.conversation().threadKey());
            Contact contact = delivery.contact();
            if (contact == null) {
                root.putNull("contact");
            } else {
                ObjectNode node = root.putObject("contact");
                node.put("id", contact.id());
                node.put("displayName", contact.displayName());
                ArrayNode addresses = node.putArray("addresses");
                for (Address address : contact.addresses()) {
                    addresses.addObject().put("kind", address.kind().name()).put("value", address.value());
                }
            }
            JsonNode message = JSON.readTree(CanonicalJson.write(delivery.message()));
            root.set("message", message);
            return root;
        }
    }
}
