package dev.omnibridge.model.json;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalJsonRoundTripTest {

    @Test
    void roundTripKeepsEveryField() throws Exception {
        Message original = SampleMessages.full();

        Message read = CanonicalJson.read(CanonicalJson.write(original));

        assertThat(read).isEqualTo(original);
        // Field by field too, so that a failure says which one was lost.
        assertThat(read.author()).isEqualTo(original.author());
        assertThat(read.attachments()).containsExactlyElementsOf(original.attachments());
        assertThat(read.tags()).isEqualTo(original.tags());
        assertThat(read.metadata()).isEqualTo(original.metadata());
        assertThat(read.channelTimestamp()).isEqualTo(Instant.parse("2024-02-29T23:59:59.123456789Z"));
        assertThat(read.receivedAt().getNano()).isEqualTo(1);
        assertThat(read.text()).isEqualTo(original.text());
        assertThat(read.subject()).isEqualTo(original.subject());
    }

    @Test
    void roundTripOfMinimalMessageKeepsTheDefaults() throws Exception {
        Message original = SampleMessages.minimal();

        Message read = CanonicalJson.read(CanonicalJson.write(original));

        assertThat(read).isEqualTo(original);
        assertThat(read.text()).isEmpty();
        assertThat(read.priority()).isEqualTo(Priority.NORMAL);
        assertThat(read.attachments()).isEmpty();
        assertThat(read.tags()).isEmpty();
        assertThat(read.metadata()).isEmpty();
        assertThat(read.id()).isNull();
        assertThat(read.author().address()).isNull();
    }

    @Test
    void roundTripKeepsEachAddressKind() throws Exception {
        for (Address address : List.of(Address.phone("+447700900123"), Address.email("Ann.Lee@Example.COM"),
                Address.chatUser("tg:123456789"))) {
            Message original = SampleMessages.withAuthorAddress(address);
            assertThat(CanonicalJson.read(CanonicalJson.write(original))).isEqualTo(original);
        }
    }

    @Test
    void writtenDocumentStartsWithTheSchemaVersion() {
        String json = CanonicalJson.writeString(SampleMessages.minimal());

        assertThat(json).startsWith("{\"schema\":\"omnibridge.message/v1\",");
        assertThat(json).contains("\"schema\":\"omnibridge.message/v1\"");
    }

    @Test
    void writesIsoInstantsEnumNamesAndNoNulls() {
        String json = CanonicalJson.writeString(SampleMessages.full());
        String minimal = CanonicalJson.writeString(SampleMessages.minimal());

        assertThat(json).contains("\"channelTimestamp\":\"2024-02-29T23:59:59.123456789Z\"")
                .contains("\"receivedAt\":\"2024-03-01T00:00:00.000000001Z\"")
                .contains("\"direction\":\"INBOUND\"")
                .contains("\"priority\":\"URGENT\"")
                .contains("\"role\":\"CUSTOMER\"")
                .contains("\"kind\":\"PHONE\"");
        assertThat(minimal).doesNotContain("null")
                .contains("\"text\":\"\"")
                .contains("\"attachments\":[]")
                .contains("\"tags\":[]")
                .contains("\"metadata\":{}");
    }

    @Test
    void writesUtf8WithEmojiAsSurrogateEscapes() throws Exception {
        byte[] json = CanonicalJson.write(SampleMessages.full());
        String text = new String(json, StandardCharsets.UTF_8);

        // Characters of the Basic Multilingual Plane are written as UTF-8; Jackson escapes characters outside it
        // (emoji) as JSON surrogate pairs, which any JSON parser turns back into the same characters.
        assertThat(text).contains("שלום").contains("مرحبا").contains("Réclamation");
        assertThat(text).contains("\\uD83D\\uDC4B\\uD83C\\uDFFD");
        assertThat(CanonicalJson.mapper().readTree(json).get("text").asText()).contains("👋🏽");
    }

    @Test
    void documentWithoutSchemaFieldIsReadAsV1() throws Exception {
        String json = """
                {"direction":"INBOUND","channel":{"type":"webhook-channel","instanceId":"web"},
                 "channelMessageId":"m-1","threadKey":"t-1",
                 "author":{"role":"CUSTOMER","displayName":"Ann","address":{"kind":"EMAIL","value":"ann@example.com"}},
                 "text":"Hi"}""";

        Message read = CanonicalJson.read(json.getBytes(StandardCharsets.UTF_8));

        assertThat(read.channelMessageId()).isEqualTo("m-1");
        assertThat(read.author().address()).isEqualTo(Address.email("ann@example.com"));
        assertThat(read.direction()).isEqualTo(Direction.INBOUND);
    }

    @Test
    void readAcceptsExplicitNullsForOptionalFields() throws Exception {
        String json = """
                {"schema":"omnibridge.message/v1","id":null,"direction":"INBOUND",
                 "channel":{"type":"webhook-channel","instanceId":"web"},"channelMessageId":"m-1","threadKey":"t-1",
                 "conversationId":null,"author":{"role":"CUSTOMER","displayName":null,"address":null},"subject":null,
                 "text":null,"html":null,"attachments":null,"replyTo":null,"channelTimestamp":null,"receivedAt":null,
                 "priority":null,"language":null,"tags":null,"metadata":null}""";

        Message read = CanonicalJson.read(json.getBytes(StandardCharsets.UTF_8));

        assertThat(read.text()).isEmpty();
        assertThat(read.priority()).isEqualTo(Priority.NORMAL);
        assertThat(read.tags()).isEqualTo(Set.of());
        assertThat(read.metadata()).isEqualTo(Map.of());
    }

    @Test
    void readNormalisesAddressesAndOffsetsLikeTheRecords() throws Exception {
        String json = """
                {"direction":"INBOUND","channel":{"type":"email","instanceId":"mail"},"channelMessageId":"m-1",
                 "threadKey":"t-1","author":{"role":"CUSTOMER","address":{"kind":"EMAIL","value":" Ann@Example.com "}},
                 "receivedAt":"2024-01-01T10:00:00+02:00"}""";

        Message read = CanonicalJson.read(json.getBytes(StandardCharsets.UTF_8));

        assertThat(read.author().address().value()).isEqualTo("ann@example.com");
        assertThat(read.receivedAt()).isEqualTo(Instant.parse("2024-01-01T08:00:00Z"));
    }
}
