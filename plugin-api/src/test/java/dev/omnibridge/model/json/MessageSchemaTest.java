package dev.omnibridge.model.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.Role;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class MessageSchemaTest {
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();

    private static JsonNode schemaNode;
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws Exception {
        try (InputStream in = CanonicalJson.class.getResourceAsStream(CanonicalJson.SCHEMA_RESOURCE)) {
            assertThat(in).as("schema resource %s", CanonicalJson.SCHEMA_RESOURCE).isNotNull();
            schemaNode = CanonicalJson.mapper().readTree(in);
        }
        schema = FACTORY.getSchema(schemaNode, CONFIG);
    }

    private static Set<ValidationMessage> validate(JsonNode document) {
        return schema.validate(document);
    }

    private static JsonNode written(Message message) throws Exception {
        return CanonicalJson.mapper().readTree(CanonicalJson.write(message));
    }

    @Test
    void schemaIsAValidDraft202012Schema() {
        JsonSchema metaSchema = FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012), CONFIG);

        assertThat(metaSchema.validate(schemaNode)).isEmpty();
        assertThat(schemaNode.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schemaNode.path("properties").path("schema").path("const").asText())
                .isEqualTo(CanonicalJson.MESSAGE_V1);
    }

    static Stream<Arguments> messages() {
        Message minimal = SampleMessages.minimal();
        return Stream.of(
                arguments("full", SampleMessages.full()),
                arguments("minimal", minimal),
                arguments("phone author", SampleMessages.withAuthorAddress(Address.phone("+4915112345678"))),
                arguments("email author", SampleMessages.withAuthorAddress(Address.email("ANN@example.com"))),
                arguments("chat user author", SampleMessages.withAuthorAddress(Address.chatUser("1234567"))),
                arguments("bot, internal, whole-second instants", minimal.toBuilder()
                        .direction(Direction.INTERNAL).author(new Author(Role.BOT, "bot", null))
                        .receivedAt(Instant.EPOCH).channelTimestamp(Instant.parse("2030-06-01T12:00:00.5Z"))
                        .priority(Priority.LOW).build()),
                arguments("attachment at a relative location", minimal.toBuilder()
                        .attachments(List.of(new Attachment("a.txt", "text/plain", 0, null, URI.create("files/a.txt"))))
                        .build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void everyWrittenDocumentValidatesAgainstTheSchema(String name, Message message) throws Exception {
        assertThat(validate(written(message))).isEmpty();
    }

    @Test
    void schemaDescribesEveryRecordComponentWithADescription() {
        assertDescribes(schemaNode, Message.class, "schema");
        JsonNode defs = schemaNode.path("$defs");
        assertDescribes(defs.path("ChannelRef"), ChannelRef.class);
        assertDescribes(defs.path("Author"), Author.class);
        assertDescribes(defs.path("Address"), Address.class);
        assertDescribes(defs.path("Attachment"), Attachment.class);
    }

    private static void assertDescribes(JsonNode objectSchema, Class<? extends Record> type, String... extra) {
        Set<String> expected = new HashSet<>(Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList());
        expected.addAll(List.of(extra));
        JsonNode properties = objectSchema.path("properties");
        Set<String> actual = new HashSet<>();
        properties.fieldNames().forEachRemaining(actual::add);

        assertThat(actual).as("properties of %s", type.getSimpleName()).isEqualTo(expected);
        assertThat(objectSchema.path("additionalProperties").isBoolean()
                && !objectSchema.path("additionalProperties").booleanValue())
                .as("%s forbids additional properties", type.getSimpleName()).isTrue();
        assertThat(objectSchema.path("description").asText()).as("description of %s", type.getSimpleName())
                .isNotBlank();
        properties.fields().forEachRemaining(p -> assertThat(p.getValue().path("description").asText())
                .as("description of %s.%s", type.getSimpleName(), p.getKey()).isNotBlank());
    }

    @Test
    void schemaEnumsMatchTheJavaEnums() {
        JsonNode defs = schemaNode.path("$defs");
        assertEnum(defs.path("Direction"), Direction.values());
        assertEnum(defs.path("Role"), Role.values());
        assertEnum(defs.path("Priority"), Priority.values());
        assertEnum(defs.path("AddressKind"), AddressKind.values());
    }

    private static void assertEnum(JsonNode enumSchema, Enum<?>[] values) {
        List<String> names = Arrays.stream(values).map(Enum::name).toList();
        List<String> listed = CanonicalJson.mapper().convertValue(enumSchema.path("enum"),
                CanonicalJson.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(listed).containsExactlyElementsOf(names);
    }

    @Test
    void requiredFieldsMatchTheRecordsNullChecks() {
        JsonNode defs = schemaNode.path("$defs");
        assertThat(strings(schemaNode.path("required")))
                .containsExactlyInAnyOrder("schema", "direction", "channel", "channelMessageId", "threadKey", "author");
        assertThat(strings(defs.path("ChannelRef").path("required"))).containsExactlyInAnyOrder("type", "instanceId");
        assertThat(strings(defs.path("Author").path("required"))).containsExactly("role");
        assertThat(strings(defs.path("Address").path("required"))).containsExactlyInAnyOrder("kind", "value");
        // size is a primitive: the reader rejects a document without it.
        assertThat(strings(defs.path("Attachment").path("required")))
                .containsExactlyInAnyOrder("fileName", "mediaType", "size", "location");
    }

    private static List<String> strings(JsonNode array) {
        return Stream.iterate(0, i -> i < array.size(), i -> i + 1).map(i -> array.get(i).asText()).toList();
    }

    static Stream<Arguments> invalidDocuments() {
        return Stream.of(
                arguments("unknown top-level field", (Consumer<ObjectNode>) d -> d.put("colour", "blue")),
                arguments("unknown field in author", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.get("author")).put("email", "ann@example.com")),
                arguments("unknown field in an attachment", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.withArray("attachments").get(0)).put("url", "https://x.example")),
                arguments("wrong direction", (Consumer<ObjectNode>) d -> d.put("direction", "SIDEWAYS")),
                arguments("enum in lower case", (Consumer<ObjectNode>) d -> d.put("direction", "inbound")),
                arguments("enum as index", (Consumer<ObjectNode>) d -> d.put("direction", 0)),
                arguments("wrong priority", (Consumer<ObjectNode>) d -> d.put("priority", "CRITICAL")),
                arguments("wrong role", (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("author")).put("role", "ADMIN")),
                arguments("missing channelMessageId", (Consumer<ObjectNode>) d -> d.remove("channelMessageId")),
                arguments("null channelMessageId", (Consumer<ObjectNode>) d -> d.putNull("channelMessageId")),
                arguments("missing threadKey", (Consumer<ObjectNode>) d -> d.remove("threadKey")),
                arguments("missing channel instance", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.get("channel")).remove("instanceId")),
                arguments("missing author role", (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("author")).remove("role")),
                arguments("phone not E.164", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.get("author").get("address")).put("value", "0044 7700 900123")),
                arguments("email without @", (Consumer<ObjectNode>) d -> ((ObjectNode) d.get("author").get("address"))
                        .put("kind", "EMAIL").put("value", "ann.example.com")),
                arguments("channelMessageId as number", (Consumer<ObjectNode>) d -> d.put("channelMessageId", 17)),
                arguments("receivedAt as epoch seconds", (Consumer<ObjectNode>) d -> d.put("receivedAt", 1_700_000_000)),
                arguments("receivedAt not a date", (Consumer<ObjectNode>) d -> d.put("receivedAt", "yesterday")),
                arguments("attachment size as string", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.withArray("attachments").get(0)).put("size", "12")),
                arguments("attachment without size", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.withArray("attachments").get(0)).remove("size")),
                arguments("metadata value not a string", (Consumer<ObjectNode>) d ->
                        ((ObjectNode) d.get("metadata")).put("count", 3)),
                arguments("null tag", (Consumer<ObjectNode>) d -> ((ArrayNode) d.get("tags")).addNull()),
                arguments("unsupported schema version", (Consumer<ObjectNode>) d ->
                        d.put("schema", "omnibridge.message/v2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDocuments")
    void invalidDocumentIsRejectedByBothSchemaAndReader(String name, Consumer<ObjectNode> breakIt) throws Exception {
        ObjectNode document = (ObjectNode) written(SampleMessages.full());
        assertThat(validate(document)).as("the unbroken document is valid").isEmpty();

        breakIt.accept(document);

        assertThat(validate(document)).as("schema errors").isNotEmpty();
        assertThatThrownBy(() -> CanonicalJson.read(document)).isInstanceOf(MalformedJsonException.class);
        byte[] bytes = CanonicalJson.mapper().writeValueAsBytes(document);
        assertThatThrownBy(() -> CanonicalJson.read(bytes)).isInstanceOf(MalformedJsonException.class);
    }
}
