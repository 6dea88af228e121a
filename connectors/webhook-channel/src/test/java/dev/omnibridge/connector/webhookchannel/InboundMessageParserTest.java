package dev.omnibridge.connector.webhookchannel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.model.json.MalformedJsonException;
import dev.omnibridge.webhook.WebhookRejectedException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser reads each body once and changes its own tree in place; what it accepts, what it makes of it and the
 * words of every refusal must be what the earlier parser (a copy of each message's tree, made twice) gave.
 */
class InboundMessageParserTest {
    private static final ChannelRef CHANNEL = new ChannelRef("webhook-channel", "web");
    private static final ObjectMapper JSON = CanonicalJson.mapper();
    private static final Instant NOW = Instant.parse("2026-12-03T20:00:00Z");
    private static final String ANN = "{\"channelMessageId\":\"m-1\",\"threadKey\":\"thread-1\",\"author\":{\"role\":"
            + "\"CUSTOMER\",\"displayName\":\"Ann\",\"address\":{\"kind\":\"EMAIL\",\"value\":\"Ann@Example.com\"}},"
            + "\"text\":\"Hello, my order is late\"}";

    /** Bodies a sender may post, good and bad: each field missing, null, blank, of another type; hub fields given. */
    private static List<String> bodies() {
        List<String> bodies = new ArrayList<>(List.of(ANN, "[" + ANN + "," + ANN.replace("m-1", "m-2") + "]", "[]",
                "", " ", "{", "[" + ANN, ANN + "{}", ANN + " x", "\"hello\"", "42", "null", "[1]", "[null]", "{}",
                ANN.replace("{\"channelMessageId\"", "{\"schema\":\"omnibridge.message/v1\",\"channelMessageId\""),
                ANN.replace("{\"channelMessageId\"", "{\"schema\":\"omnibridge.message/v2\",\"channelMessageId\""),
                ANN.replace("{\"channelMessageId\"", "{\"schema\":1,\"channelMessageId\""),
                ANN.replace("{\"channelMessageId\"", "{\"schema\":null,\"channelMessageId\""),
                ANN.replace("\"role\":\"CUSTOMER\"", "\"role\":\"CUSTOMER\",\"schema\":\"omnibridge.message/v1\""),
                ANN.replace("{\"channelMessageId\"", "{\"id\":\"forged\",\"conversationId\":\"c\",\"direction\":"
                        + "\"OUTBOUND\",\"channel\":{\"type\":\"other\",\"instanceId\":\"x\"},\"receivedAt\":"
                        + "\"2001-01-01T00:00:00Z\",\"channelMessageId\""),
                ANN.replace("{\"channelMessageId\"", "{\"id\":7,\"direction\":\"SIDEWAYS\",\"channel\":\"web\","
                        + "\"receivedAt\":12,\"channelMessageId\""),
                ANN.replace("\"text\"", "\"colour\":\"red\",\"text\""),
                ANN.replace("\"text\"", "\"tags\":[\"vip\",\"vip\"],\"metadata\":{\"k\":\"v\"},\"text\""),
                ANN.replace("\"text\"", "\"tags\":[null],\"text\""),
                ANN.replace("\"text\"", "\"priority\":1,\"text\""),
                ANN.replace("\"text\"", "\"channelTimestamp\":1700000000,\"text\""),
                ANN.replace("\"text\"", "\"channelTimestamp\":\"2026-01-01T00:00:00Z\",\"text\""),
                ANN.replace("\"m-1\"", "\"m-1\",\"channelMessageId\":\"m-2\""),
                ANN.replace("Ann@Example.com", "ann-at-example.com"),
                ANN.replace("\"CUSTOMER\"", "\"KING\""),
                "[" + ANN + ",{\"channelMessageId\":\"m-2\",\"author\":{\"role\":\"CUSTOMER\"},\"text\":\"x\"}]",
                "[" + ANN + ",\"x\"]"));
        for (String field : List.of("channelMessageId", "threadKey", "text")) {
            String value = field.equals("text") ? "\"Hello, my order is late\"" : field.equals("threadKey")
                    ? "\"thread-1\"" : "\"m-1\"";
            for (String replacement : List.of("null", "\" \"", "\"\"", "5", "true", "{}", "[]")) {
                bodies.add(ANN.replace("\"" + field + "\":" + value, "\"" + field + "\":" + replacement));
            }
            bodies.add(ANN.replace("\"" + field + "\":" + value + ",", "").replace(",\"" + field + "\":" + value, ""));
        }
        bodies.add(ANN.replace("\"author\":{\"role\":\"CUSTOMER\",\"displayName\":\"Ann\",\"address\":{\"kind\":"
                + "\"EMAIL\",\"value\":\"Ann@Example.com\"}},", ""));
        bodies.add(ANN.replace("{\"role\":\"CUSTOMER\",\"displayName\":\"Ann\",\"address\":{\"kind\":\"EMAIL\","
                + "\"value\":\"Ann@Example.com\"}}", "null"));
        return bodies;
    }

    @Test
    void acceptsAndRefusesEveryBodyAsTheParserThatCopiedEachMessageDid() {
        InboundMessageParser parser = new InboundMessageParser(CHANNEL);
        for (String body : bodies()) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

            assertThat(outcome(() -> parser.parse(bytes, NOW))).as(body)
                    .isEqualTo(outcome(() -> copyingParse(bytes, NOW)));
        }
    }

    @Test
    void givesEveryMessageTheHubsFieldsWhateverTheSenderSent() {
        String body = "[" + ANN.replace("{\"channelMessageId\"", "{\"id\":\"forged\",\"direction\":\"OUTBOUND\","
                + "\"channel\":{\"type\":\"other\",\"instanceId\":\"x\"},\"channelMessageId\"") + ","
                + ANN.replace("m-1", "m-2") + "]";

        List<Message> messages = new InboundMessageParser(CHANNEL).parse(body.getBytes(StandardCharsets.UTF_8), NOW);

        assertThat(messages).hasSize(2).allSatisfy(m -> {
            assertThat(m.id()).isNull();
            assertThat(m.direction()).isEqualTo(Direction.INBOUND);
            assertThat(m.channel()).isEqualTo(CHANNEL);
            assertThat(m.receivedAt()).isEqualTo(NOW);
        });
    }

    private static Object outcome(java.util.function.Supplier<List<Message>> parse) {
        try {
            return parse.get();
        } catch (WebhookRejectedException e) {
            return e.status() + " " + e.getMessage();
        }
    }

    // The parser as it was: each message's tree copied, the channel turned into a tree for each message, and
    // CanonicalJson.read copying it again.
    private static final List<String> REQUIRED = List.of("channelMessageId", "threadKey", "author", "text");
    private static final List<String> NOT_BLANK = List.of("channelMessageId", "threadKey");
    private static final List<String> SET_BY_HUB = List.of("id", "conversationId", "direction", "channel",
            "receivedAt");

    private static List<Message> copyingParse(byte[] body, Instant receivedAt) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            com.fasterxml.jackson.core.JsonLocation l = e.getLocation();
            throw WebhookRejectedException.badRequest("body is not valid JSON" + (l == null || l.getLineNr() < 1 ? ""
                    : " at line " + l.getLineNr() + ", column " + l.getColumnNr()) + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw WebhookRejectedException.badRequest("body is not valid JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw WebhookRejectedException.badRequest("body is empty; expected a message or an array of messages");
        }
        if (root.isObject()) {
            return List.of(copyingMessage(root, "", receivedAt));
        }
        if (root.isArray()) {
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < root.size(); i++) {
                messages.add(copyingMessage(root.get(i), "[" + i + "]", receivedAt));
            }
            return messages;
        }
        throw WebhookRejectedException.badRequest("body must be a message object or an array of messages");
    }

    private static Message copyingMessage(JsonNode node, String index, Instant receivedAt) {
        String prefix = index.isEmpty() ? "" : "message" + index + ": ";
        if (!node.isObject()) {
            throw WebhookRejectedException.badRequest(prefix + "must be a JSON object");
        }
        ObjectNode copy = node.deepCopy();
        for (String field : REQUIRED) {
            JsonNode value = copy.get(field);
            if (value == null || value.isNull()) {
                throw WebhookRejectedException.badRequest(prefix + "missing required field '" + field + "'");
            }
        }
        for (String field : NOT_BLANK) {
            JsonNode value = copy.get(field);
            if (value.isValueNode() && value.asText().isBlank()) {
                throw WebhookRejectedException.badRequest(prefix + "field '" + field + "' must not be blank");
            }
        }
        copy.remove(SET_BY_HUB);
        copy.put("direction", Direction.INBOUND.name());
        copy.set("channel", JSON.valueToTree(CHANNEL));
        try {
            return CanonicalJson.read(copy.deepCopy()).toBuilder().receivedAt(receivedAt).build();
        } catch (MalformedJsonException e) {
            throw WebhookRejectedException.badRequest(prefix + e.getMessage());
        }
    }
}
