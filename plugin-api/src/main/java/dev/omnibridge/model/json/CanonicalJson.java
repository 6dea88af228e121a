package dev.omnibridge.model.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.omnibridge.model.Message;

import java.io.IOException;
import java.util.stream.Collectors;

/**
 * The versioned JSON form of the canonical model. Every document carries {@value #SCHEMA_FIELD} with the schema
 * version; this class reads {@value #MESSAGE_V1} (and documents without the field, taken as v1) and writes v1.
 * The JSON Schema is {@code /dev/omnibridge/model/json/message-v1.schema.json} in this jar.
 */
public final class CanonicalJson {
    public static final String SCHEMA_FIELD = "schema";
    public static final String MESSAGE_V1 = "omnibridge.message/v1";
    public static final String SCHEMA_RESOURCE = "/dev/omnibridge/model/json/message-v1.schema.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private CanonicalJson() {
    }

    /** The mapper the hub and connectors share: ISO-8601 instants, strict on unknown fields and duplicate keys. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Message message) {
        ObjectNode node = MAPPER.createObjectNode().put(SCHEMA_FIELD, MESSAGE_V1);
        node.setAll((ObjectNode) MAPPER.valueToTree(message));
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise message", e);
        }
    }

    public static String writeString(Message message) {
        return new String(write(message), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads one message document. Problems are reported by field path, never echoing the document's content. */
    public static Message read(byte[] json) throws MalformedJsonException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new MalformedJsonException("body is not valid JSON: " + describe(e));
        }
        return read(node);
    }

    public static Message read(JsonNode node) throws MalformedJsonException {
        if (node == null || !node.isObject()) {
            throw new MalformedJsonException("message must be a JSON object");
        }
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        JsonNode schema = copy.remove(SCHEMA_FIELD);
        if (schema != null && !MESSAGE_V1.equals(schema.asText())) {
            throw new MalformedJsonException("unsupported schema '" + schema.asText() + "', expected " + MESSAGE_V1);
        }
        try {
            return MAPPER.treeToValue(copy, Message.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedJsonException(describe(e));
        }
    }

    static String describe(Exception e) {
        Throwable cause = e;
        // A record constructor's own check (e.g. "phone address must be E.164") is the clearest reason.
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String path = e instanceof JsonMappingException jme && !jme.getPath().isEmpty()
                ? jme.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[")
                : null;
        String reason = cause instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : cause.getMessage();
        if (cause instanceof NullPointerException && reason != null) {
            reason = "missing required field '" + reason + "'";
        }
        return path == null ? reason : "field '" + path + "': " + reason;
    }
}
