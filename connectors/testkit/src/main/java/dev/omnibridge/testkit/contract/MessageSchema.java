package dev.omnibridge.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Checks canonical messages against {@code message-v1.schema.json} (from plugin-api, the schema the hub's exports and
 * Kafka topics promise), with format assertions on, as plugin-api's own schema tests do.
 */
public final class MessageSchema {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchema SCHEMA = load();

    private MessageSchema() {
    }

    private static JsonSchema load() {
        try (InputStream in = CanonicalJson.class.getResourceAsStream(CanonicalJson.SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no " + CanonicalJson.SCHEMA_RESOURCE + " in plugin-api");
            }
            JsonNode node = JSON.readTree(in);
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(node, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What is wrong with the message's canonical JSON, empty when it is valid. */
    public static List<String> problems(Message message) {
        try {
            JsonNode doc = JSON.readTree(CanonicalJson.write(message));
            return SCHEMA.validate(doc).stream().map(ValidationMessage::getMessage).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
