package dev.omnibridge.model.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every error names the problem and the field, and never repeats the document's values: the message ends up in
 * HTTP answers and logs. Each document carries {@link #SECRET} somewhere to prove it.
 */
class CanonicalJsonReadErrorsTest {
    private static final String SECRET = "sk_live_51HxSECRETtoken";

    /** A valid document whose body carries the secret; {@code %s} is replaced by extra fields. */
    private static String document(String extra) {
        return """
                {"schema":"omnibridge.message/v1","direction":"INBOUND",
                 "channel":{"type":"webhook-channel","instanceId":"web"},
                 "channelMessageId":"m-1","threadKey":"t-1",
                 "author":{"role":"CUSTOMER","displayName":"Ann","address":{"kind":"EMAIL","value":"ann@example.com"}},
                 "text":"my api key is %s"%s}""".formatted(SECRET, extra);
    }

    private static String errorReading(String json) {
        MalformedJsonException e = catchThrowableOfType(MalformedJsonException.class,
                () -> CanonicalJson.read(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(e).as("reading should fail: %s", json).isNotNull();
        assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("SECRET").doesNotContain("my api key")
                .doesNotContain("Source").doesNotContain("dev.omnibridge");
        return e.getMessage();
    }

    @Test
    void theBaseDocumentIsValid() throws Exception {
        assertThat(CanonicalJson.read(document("").getBytes(StandardCharsets.UTF_8)).text()).endsWith(SECRET);
    }

    @Test
    void malformedJsonIsReportedWithItsPositionOnly() {
        assertThat(errorReading(document(",\"subject\": " + SECRET)))
                .startsWith("body is not valid JSON: unrecognized token")
                .contains("at line 5, column ");
        assertThat(errorReading("{\"text\":\"" + SECRET + "\""))
                .startsWith("body is not valid JSON: unexpected end of input");
        assertThat(errorReading("{\"text\":\"" + SECRET + "\",}")).startsWith("body is not valid JSON");
        assertThat(errorReading("{\"text\":\"" + SECRET + "\" \"subject\":\"x\"}"))
                .startsWith("body is not valid JSON: unexpected character")
                .contains("was expecting comma");
        assertThat(errorReading("{\"text\":\"line\nbreak " + SECRET + "\"}")).startsWith("body is not valid JSON");
    }

    @Test
    void contentAfterTheDocumentIsRejected() {
        assertThat(errorReading(document("") + " {\"text\":\"" + SECRET + "\"}"))
                .startsWith("body is not valid JSON");
        assertThat(errorReading(document("") + " " + SECRET)).startsWith("body is not valid JSON");
    }

    @Test
    void emptyBodyIsRejected() {
        assertThat(errorReading("")).isEqualTo("body is empty; expected a JSON object");
        assertThat(errorReading("   ")).isEqualTo("body is empty; expected a JSON object");
    }

    @Test
    void unknownFieldIsNamedWithItsPath() {
        assertThat(errorReading(document(",\"colour\":\"" + SECRET + "\"")))
                .startsWith("unknown field 'colour'")
                .contains("known fields are [attachments, author,");
        assertThat(errorReading(document("").replace("\"displayName\":\"Ann\"", "\"name\":\"" + SECRET + "\"")))
                .startsWith("unknown field 'author.name'");
    }

    @Test
    void duplicateKeyIsRejected() {
        assertThat(errorReading(document(",\"text\":\"" + SECRET + "2\"")))
                .startsWith("body is not valid JSON: duplicate key 'text'");
    }

    @Test
    void unsupportedSchemaVersionIsRejected() {
        assertThat(errorReading(document("").replace("omnibridge.message/v1", "omnibridge.message/v2")))
                .isEqualTo("field 'schema': unsupported schema version 'omnibridge.message/v2', expected omnibridge.message/v1");
        // A value that does not look like a schema name is not repeated.
        assertThat(errorReading(document("").replace("omnibridge.message/v1", SECRET)))
                .isEqualTo("field 'schema': unsupported schema version, expected omnibridge.message/v1");
        assertThat(errorReading(document("").replace("\"omnibridge.message/v1\"", "1")))
                .startsWith("field 'schema': unsupported schema version");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0044 7700 900123", "+0447700900123", "+12", "tel:+447700900123"})
    void invalidE164PhoneIsRejectedWithTheRule(String phone) {
        String json = document("").replace("\"kind\":\"EMAIL\",\"value\":\"ann@example.com\"",
                "\"kind\":\"PHONE\",\"value\":\"" + phone + SECRET + "\"");
        assertThat(errorReading(json))
                .isEqualTo("field 'author.address': phone address must be E.164 (+ and 7 to 15 digits)")
                .doesNotContain(phone);
    }

    @Test
    void invalidEmailIsRejectedWithTheRule() {
        String json = document("").replace("ann@example.com", SECRET);
        assertThat(errorReading(json))
                .isEqualTo("field 'author.address': email address must have exactly one @ with text on both sides");
    }

    @Test
    void missingRequiredFieldIsNamedWithItsPath() {
        assertThat(errorReading(document("").replace("\"channelMessageId\":\"m-1\",", "")))
                .isEqualTo("missing required field 'channelMessageId'");
        assertThat(errorReading(document("").replace("\"channelMessageId\":\"m-1\"", "\"channelMessageId\":null")))
                .isEqualTo("missing required field 'channelMessageId'");
        assertThat(errorReading(document("").replace("\"role\":\"CUSTOMER\",", "")))
                .isEqualTo("missing required field 'author.role'");
        assertThat(errorReading(document("").replace(",\"instanceId\":\"web\"", "")))
                .isEqualTo("missing required field 'channel.instanceId'");
        assertThat(errorReading(document(",\"attachments\":[{\"fileName\":\"a\",\"mediaType\":\"text/plain\","
                + "\"location\":\"attachment:x\"}]")))
                .isEqualTo("field 'attachments[0].size': is missing or null; must be an integer");
    }

    @Test
    void arrayInsteadOfObjectIsRejected() {
        assertThat(errorReading("[" + document("") + "]"))
                .isEqualTo("message must be a JSON object, not an array");
        assertThat(errorReading("\"" + SECRET + "\"")).isEqualTo("message must be a JSON object, not a string");
        assertThat(errorReading("null")).isEqualTo("message must be a JSON object, not null");
    }

    @Test
    void wrongEnumValueListsTheAllowedValues() {
        assertThat(errorReading(document("").replace("\"INBOUND\"", "\"" + SECRET + "\"")))
                .isEqualTo("field 'direction': invalid value; must be one of [INBOUND, OUTBOUND, INTERNAL]");
        assertThat(errorReading(document("").replace("\"INBOUND\"", "1")))
                .startsWith("field 'direction': ").endsWith("must be one of [INBOUND, OUTBOUND, INTERNAL]");
        assertThat(errorReading(document(",\"priority\":\"\"")))
                .startsWith("field 'priority': ").endsWith("must be one of [LOW, NORMAL, HIGH, URGENT]");
    }

    @Test
    void wrongTypesNameTheExpectedType() {
        assertThat(errorReading(document(",\"receivedAt\":\"" + SECRET + "\"")))
                .isEqualTo("field 'receivedAt': invalid value; must be an ISO-8601 instant string such as 2024-01-31T09:30:00Z");
        assertThat(errorReading(document(",\"receivedAt\":1700000000")))
                .startsWith("field 'receivedAt': ").contains("ISO-8601");
        assertThat(errorReading(document(",\"channelTimestamp\":\"\"")))
                .startsWith("field 'channelTimestamp': ").contains("ISO-8601");
        assertThat(errorReading(document(",\"subject\":12345")))
                .isEqualTo("field 'subject': invalid value; must be a string");
        assertThat(errorReading(document(",\"subject\":{\"x\":\"" + SECRET + "\"}")))
                .isEqualTo("field 'subject': must be a string");
        assertThat(errorReading(document("").replace("{\"type\":\"webhook-channel\",\"instanceId\":\"web\"}",
                "\"" + SECRET + "\""))).isEqualTo("field 'channel': must be an object");
        assertThat(errorReading(document(",\"tags\":\"" + SECRET + "\""))).isEqualTo("field 'tags': must be an array");
        assertThat(errorReading(document(",\"attachments\":[{\"fileName\":\"a\",\"mediaType\":\"text/plain\","
                + "\"size\":\"12\",\"location\":\"attachment:x\"}]")))
                .startsWith("field 'attachments[0].size': ").endsWith("must be an integer");
        assertThat(errorReading(document(",\"attachments\":[{\"fileName\":\"a\",\"mediaType\":\"text/plain\","
                + "\"size\":1,\"location\":\"not a uri " + SECRET + "\"}]")))
                .isEqualTo("field 'attachments[0].location': invalid value; must be a URI string");
    }

    @Test
    void nullInsideListsAndMapsIsRejected() {
        assertThat(errorReading(document(",\"tags\":[\"a\",null]"))).isEqualTo("field 'tags[1]': must not be null");
        assertThat(errorReading(document(",\"metadata\":{\"k\":null}"))).isEqualTo("field 'metadata.k': must not be null");
        assertThat(errorReading(document(",\"attachments\":[null]")))
                .isEqualTo("field 'attachments[0]': must not be null");
    }

    @Test
    void readingATreeReportsTheSameWayAsReadingBytes() throws Exception {
        ObjectNode node = (ObjectNode) CanonicalJson.mapper().readTree(document(""));
        node.remove("threadKey");

        MalformedJsonException e = catchThrowableOfType(MalformedJsonException.class, () -> CanonicalJson.read(node));

        assertThat(e.getMessage()).isEqualTo("missing required field 'threadKey'");
        assertThat(node.has("schema")).as("the caller's tree is not changed").isTrue();
    }
}
