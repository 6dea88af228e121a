package dev.omnibridge.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stored form of a message must not change when the way it is written or read changes: the journal keeps these
 * bytes, and messages stored by one build are read by the next.
 */
class CanonicalJsonBytesTest {
    private static final ObjectMapper MAPPER = CanonicalJson.mapper();

    /** The bytes of a webhook-shaped message as the hub wrote them before writing changed to one pass. */
    private static final String GOLDEN = "{\"schema\":\"omnibridge.message/v1\",\"id\":\"01JD8Z5X2Y3W4V5T6S7R8Q9P0N\","
            + "\"direction\":\"INBOUND\",\"channel\":{\"type\":\"webhook-channel\",\"instanceId\":\"web\"},"
            + "\"channelMessageId\":\"bk7_12\",\"threadKey\":\"t7_12\",\"conversationId\":\"01JD8Z5X2Y3W4V5T6S7R8Q9P0M\","
            + "\"author\":{\"role\":\"CUSTOMER\",\"displayName\":\"Customer t7_12\",\"address\":{\"kind\":\"EMAIL\","
            + "\"value\":\"t7_12@example.com\"}},\"text\":\"bk7_12 Hello, \\\"quoted\\\" caf\u00e9 \\uD83D\\uDE00 line\\n"
            + "break\",\"attachments\":[],\"receivedAt\":\"2026-12-03T20:15:51.837206993Z\",\"priority\":\"NORMAL\","
            + "\"tags\":[\"vip\"],\"metadata\":{\"k\":\"v\"}}";
    private static final String GOLDEN_MINIMAL = "{\"schema\":\"omnibridge.message/v1\",\"direction\":\"INBOUND\","
            + "\"channel\":{\"type\":\"webhook-channel\",\"instanceId\":\"web\"},\"channelMessageId\":\"m\","
            + "\"threadKey\":\"t\",\"author\":{\"role\":\"CUSTOMER\"},\"text\":\"\",\"attachments\":[],"
            + "\"priority\":\"NORMAL\",\"tags\":[],\"metadata\":{}}";

    private static Message webhookShaped() {
        return Message.builder().id("01JD8Z5X2Y3W4V5T6S7R8Q9P0N").direction(Direction.INBOUND)
                .channel(new ChannelRef("webhook-channel", "web")).channelMessageId("bk7_12").threadKey("t7_12")
                .conversationId("01JD8Z5X2Y3W4V5T6S7R8Q9P0M")
                .author(new Author(Role.CUSTOMER, "Customer t7_12", Address.email("t7_12@example.com")))
                .text("bk7_12 Hello, \"quoted\" caf\u00e9 \uD83D\uDE00 line\nbreak")
                .receivedAt(Instant.parse("2026-12-03T20:15:51.837206993Z"))
                .tags(Set.of("vip")).metadata(Map.of("k", "v")).build();
    }

    @Test
    void writesAWebhookShapedMessageWithTheBytesEarlierBuildsStored() {
        assertThat(new String(CanonicalJson.write(webhookShaped()), StandardCharsets.UTF_8)).isEqualTo(GOLDEN);
        assertThat(CanonicalJson.writeString(webhookShaped())).isEqualTo(GOLDEN);
    }

    @Test
    void writesAMessageWithOnlyTheRequiredFieldsWithTheBytesEarlierBuildsStored() {
        Message minimal = Message.builder().channel(new ChannelRef("webhook-channel", "web")).channelMessageId("m")
                .threadKey("t").author(new Author(Role.CUSTOMER, null, null)).build();

        assertThat(CanonicalJson.writeString(minimal)).isEqualTo(GOLDEN_MINIMAL);
    }

    @Test
    void writesEveryFieldAsATreeOfSchemaAndMessageIsWritten() throws Exception {
        List<Message> messages = new ArrayList<>(List.of(SampleMessages.full(), SampleMessages.minimal(),
                webhookShaped()));
        for (Address address : List.of(Address.phone("+447700900123"), Address.email("Ann.Lee@Example.COM"))) {
            messages.add(SampleMessages.withAuthorAddress(address));
        }
        for (Message m : messages) {
            // How the hub wrote a message before: a tree with the schema field, the message's fields set into it.
            ObjectNode tree = MAPPER.createObjectNode().put(CanonicalJson.SCHEMA_FIELD, CanonicalJson.MESSAGE_V1);
            tree.setAll((ObjectNode) MAPPER.valueToTree(m));

            assertThat(CanonicalJson.write(m)).isEqualTo(MAPPER.writeValueAsBytes(tree));
        }
    }

    @Test
    void readingAParsedDocumentLeavesTheDocumentAsItWas() throws Exception {
        JsonNode node = MAPPER.readTree(CanonicalJson.write(SampleMessages.full()));
        JsonNode before = node.deepCopy();

        Message read = CanonicalJson.read(node);

        assertThat(node).isEqualTo(before);
        assertThat(node.has(CanonicalJson.SCHEMA_FIELD)).isTrue();
        assertThat(read).isEqualTo(SampleMessages.full());
    }

    @Test
    void aSchemaFieldInsideANestedObjectIsStillAnUnknownField() {
        String json = "{\"schema\":\"omnibridge.message/v1\",\"direction\":\"INBOUND\",\"channel\":{\"type\":\"x\","
                + "\"instanceId\":\"y\"},\"channelMessageId\":\"m\",\"threadKey\":\"t\",\"author\":{\"role\":\"CUSTOMER\","
                + "\"schema\":\"omnibridge.message/v1\"},\"text\":\"\"}";

        assertThatThrownBy(() -> CanonicalJson.read(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedJsonException.class).hasMessageStartingWith("unknown field 'author.schema'");
    }

    @Test
    void anotherSchemaVersionIsStillRefused() {
        String json = "{\"schema\":\"omnibridge.message/v2\",\"direction\":\"INBOUND\",\"channel\":{\"type\":\"x\","
                + "\"instanceId\":\"y\"},\"channelMessageId\":\"m\",\"threadKey\":\"t\",\"author\":{\"role\":\"CUSTOMER\"}}";

        assertThatThrownBy(() -> CanonicalJson.read(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessage("field 'schema': unsupported schema version 'omnibridge.message/v2', expected "
                        + CanonicalJson.MESSAGE_V1);
    }
}
