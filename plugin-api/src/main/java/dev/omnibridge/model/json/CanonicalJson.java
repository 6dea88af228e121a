package dev.omnibridge.model.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import dev.omnibridge.model.Message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** Schema names that are safe to repeat in an error message. */
    private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9._-]{1,40}/v[0-9]{1,4}");
    private static final Pattern DUPLICATE_FIELD = Pattern.compile("^Duplicate field '(.*)'$", Pattern.DOTALL);
    /** The static part of a Jackson syntax error: what it expected. Never contains document content. */
    private static final Pattern WAS_EXPECTING = Pattern.compile(
            "(was expecting [^\\n\\[]*?|expected close marker for (?:Object|Array)|expected '[\\]}]')(?:\\s*\\(start marker|\\s*\\n|\\s*at \\[|$)");

    private static final ObjectMapper MAPPER = base().build();

    /**
     * The reader behind {@link #read}: as {@link #MAPPER}, plus no scalar coercions (a number is not a string, a
     * string not a number, an enum not an index), no nulls inside lists and maps, instants only as strings. This
     * makes the reader accept exactly what {@code message-v1.schema.json} describes (give or take normalisation).
     */
    private static final ObjectMapper STRICT_READER = base()
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Enum, c -> c
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
            .addModule(new SimpleModule("omnibridge-strict-instant").addDeserializer(Instant.class, new StrictInstant()))
            .build();

    /**
     * {@link #STRICT_READER} bound to {@link Message}, taking the top-level {@value #SCHEMA_FIELD} field as read: the
     * caller has checked it already, and skipping it here spares copying the document to remove it.
     */
    private static final ObjectReader MESSAGE_READER = STRICT_READER.readerFor(Message.class)
            .withHandler(new SchemaChecked());

    /** What {@link #write} puts before the message's own fields: the opening brace and the schema field. */
    private static final byte[] SCHEMA_PREFIX = ("{\"" + SCHEMA_FIELD + "\":\"" + MESSAGE_V1 + "\"")
            .getBytes(StandardCharsets.UTF_8);

    private CanonicalJson() {
    }

    private static JsonMapper.Builder base() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .serializationInclusion(JsonInclude.Include.NON_NULL);
    }

    /**
     * A new mapper with the canonical settings (ISO-8601 instants, strict on unknown fields and duplicate keys,
     * nulls left out), yours to configure. Make one per use site and keep it (a {@code static final} field): a
     * mapper caches what it learns about the classes it binds, so a plugin's own mapper keeps that, and the plugin's
     * classes, out of the hub's, and goes away with the plugin.
     */
    public static ObjectMapper mapperCopy() {
        ObjectMapper copy = MAPPER.copy();
        // A copy shares its original's TypeFactory, and every mapper shares Jackson's default one: its type cache is
        // keyed by class, so plugin classes bound through it would keep the plugin's class loader alive after an
        // unload (issue 24). Each copy gets a factory of its own, with the same settings and a cache of its own.
        copy.setTypeFactory(copy.getTypeFactory().withCache(new com.fasterxml.jackson.databind.util.LRUMap<>(16,
                200)));
        return copy;
    }

    /**
     * A copy of the canonical mapper, as {@link #mapperCopy()}. Until plugin API 1.1 this returned the one mapper the
     * hub and every plugin shared, which any of them could reconfigure and whose caches kept plugin classes alive.
     *
     * @deprecated use {@link #mapperCopy()} (once, kept in a field), {@link #readTree(byte[])}, or {@link #read} and
     *             {@link #write} for messages
     */
    @Deprecated(since = "1.1.0")
    public static ObjectMapper mapper() {
        return mapperCopy();
    }

    /**
     * Parses any JSON document into a tree with the canonical settings (duplicate keys refused, no trailing tokens),
     * without a mapper of your own.
     *
     * @throws com.fasterxml.jackson.core.JsonProcessingException when it is not JSON (its location and original
     *                                                            message say where and why, without the content)
     */
    public static JsonNode readTree(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    /**
     * The message's document: {@value #SCHEMA_FIELD} first, then the message's fields as the mapper writes them.
     * Written in one pass (the mapper's output after its opening brace follows the schema field), with the same bytes
     * as building a tree of both and writing that, which this did before and which cost a tree and a token buffer per
     * message.
     */
    public static byte[] write(Message message) {
        return serialise(message).toByteArray();
    }

    /** {@link #write} as a String, decoded from the bytes as they are written (no copy of them first). */
    public static String writeString(Message message) {
        return serialise(message).toString(StandardCharsets.UTF_8);
    }

    private static AfterSchema serialise(Message message) {
        AfterSchema out = new AfterSchema();
        try {
            MAPPER.writeValue(out, message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise message", e);
        }
        return out;
    }

    /**
     * Collects a JSON object's bytes behind {@link #SCHEMA_PREFIX}: drops the object's opening brace and puts the
     * comma between the schema field and the object's first field (none when the object is empty).
     */
    private static final class AfterSchema extends ByteArrayOutputStream {
        /** 0: the opening brace is next; 1: the byte after it; 2: the rest. */
        private int state;

        AfterSchema() {
            super(1024);
            super.write(SCHEMA_PREFIX, 0, SCHEMA_PREFIX.length);
        }

        @Override
        public void write(int b) {
            if (state == 2) {
                super.write(b);
            } else {
                next((byte) b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (state < 2 && len > 0) {
                next(b[off++]);
                len--;
            }
            if (len > 0) {
                super.write(b, off, len);
            }
        }

        private void next(byte b) {
            if (state == 0 && b != '{') {
                throw new IllegalStateException("a message must serialise as a JSON object");
            }
            if (state == 1) {
                if (b != '}') {
                    super.write(',');
                }
                super.write(b);
            }
            state++;
        }
    }

    /** Reads one message document. Problems are reported by field path, never echoing the document's content. */
    public static Message read(byte[] json) throws MalformedJsonException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new MalformedJsonException("body is not valid JSON: " + describeSyntax(e));
        }
        if (node == null || node.isMissingNode()) {
            throw new MalformedJsonException("body is empty; expected a JSON object");
        }
        return read(node);
    }

    /**
     * Reads one message from a parsed document, e.g. one element of an array. Problems are reported by field path,
     * never echoing the document's content.
     */
    public static Message read(JsonNode node) throws MalformedJsonException {
        if (node == null || !node.isObject()) {
            throw new MalformedJsonException("message must be a JSON object, not "
                    + (node == null || node.isMissingNode() ? "nothing" : jsonKind(node)));
        }
        JsonNode schema = node.get(SCHEMA_FIELD);
        if (schema != null && !MESSAGE_V1.equals(schema.asText())) {
            String given = schema.isTextual() && SCHEMA_NAME.matcher(schema.asText()).matches()
                    ? " '" + schema.asText() + "'" : "";
            throw new MalformedJsonException("field '" + SCHEMA_FIELD + "': unsupported schema version" + given
                    + ", expected " + MESSAGE_V1);
        }
        try {
            // The node is read as it is, not copied: MESSAGE_READER skips the schema field checked above.
            return MESSAGE_READER.readValue(node);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedJsonException(describe(e));
        } catch (IOException e) {
            // As ObjectMapper.treeToValue, which this used, wraps them.
            throw new MalformedJsonException(describe(new IllegalArgumentException(e.getMessage(), e)));
        }
    }

    private static String jsonKind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** A syntax error, described without any of the document's text: what was wrong, what was expected, where. */
    static String describeSyntax(Exception e) {
        if (!(e instanceof StreamReadException sre)) {
            if (e instanceof MismatchedInputException mie && String.valueOf(mie.getOriginalMessage())
                    .startsWith("Trailing token")) {
                return "unexpected content after the JSON value" + at(mie.getLocation());
            }
            return e instanceof JsonProcessingException ? describe(e) : "cannot be read";
        }
        String original = String.valueOf(sre.getOriginalMessage());
        Matcher duplicate = DUPLICATE_FIELD.matcher(original);
        if (duplicate.matches()) {
            return "duplicate key '" + duplicate.group(1) + "'" + at(sre.getLocation());
        }
        String what;
        if (original.startsWith("Unexpected end-of-input")) {
            what = "unexpected end of input";
        } else if (original.startsWith("Unrecognized token")) {
            what = "unrecognized token (strings must be in double quotes)";
        } else if (original.startsWith("Unexpected character") || original.startsWith("Unexpected close marker")) {
            what = "unexpected character";
        } else if (original.startsWith("Illegal unquoted character")) {
            what = "control character in a string must be escaped";
        } else if (original.startsWith("Invalid UTF-8") || original.contains("Invalid UTF-8")) {
            what = "invalid UTF-8";
        } else if (original.contains("numeric value") || original.contains("Numeric value")) {
            what = "invalid number";
        } else {
            what = "syntax error";
        }
        Matcher expecting = WAS_EXPECTING.matcher(original);
        String expected = expecting.find() ? ", " + expecting.group(1).strip() : "";
        return what + expected + at(sre.getLocation());
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /**
     * Describes a binding problem by field path and reason. Jackson's own messages often quote the offending value,
     * so they are not passed on; the reasons here are built from the exception type and the target type only.
     */
    static String describe(Exception e) {
        if (e instanceof IllegalArgumentException && e.getCause() instanceof JsonProcessingException jpe) {
            return describe(jpe);
        }
        if (!(e instanceof JsonMappingException jme)) {
            if (e instanceof StreamReadException) {
                return "body is not valid JSON: " + describeSyntax(e);
            }
            // Our own record checks (e.g. "phone address must be E.164") name the rule, never the value.
            return e.getMessage() == null ? "invalid message" : e.getMessage();
        }
        String path = path(jme);
        if (jme instanceof UnrecognizedPropertyException upe) {
            String known = upe.getKnownPropertyIds() == null ? "" : "; known fields are "
                    + upe.getKnownPropertyIds().stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
            return "unknown field '" + path + "'" + known;
        }
        if (jme instanceof ValueInstantiationException) {
            Throwable cause = rootCause(jme);
            if (cause instanceof NullPointerException && cause.getMessage() != null) {
                // Objects.requireNonNull(value, "fieldName") in a record's constructor.
                return "missing required field '" + join(path, cause.getMessage()) + "'";
            }
            if (cause instanceof NullPointerException) {
                return field(path) + "null is not allowed inside a list or map";
            }
            if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
                return field(path) + cause.getMessage();
            }
            return field(path) + "invalid value";
        }
        if (jme instanceof InvalidNullException) {
            return field(path) + "must not be null";
        }
        if (jme instanceof MismatchedInputException mie) {
            String original = String.valueOf(mie.getOriginalMessage());
            if (original.startsWith("Cannot map `null` into type")) {
                return field(path) + "is missing or null; must be " + expected(mie.getTargetType());
            }
            return field(path) + (mie instanceof InvalidFormatException ? "invalid value; " : "")
                    + "must be " + expected(mie.getTargetType());
        }
        return field(path) + "invalid value";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String field(String path) {
        return path.isEmpty() ? "" : "field '" + path + "': ";
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** What a JSON value for the target type looks like, without quoting the value that was given. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Instant.class) {
            return "an ISO-8601 instant string such as 2024-01-31T09:30:00Z";
        }
        if (type == URI.class) {
            return "a URI string";
        }
        if (type == long.class || type == Long.class || type == int.class || type == Integer.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }

    /**
     * Skips the top-level {@value #SCHEMA_FIELD} field of a message, which {@link #read(JsonNode)} has checked. The same
     * name inside a nested object (an author, an attachment) stays an unknown field.
     */
    private static final class SchemaChecked extends DeserializationProblemHandler {
        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            if (SCHEMA_FIELD.equals(propertyName) && (beanOrClass == Message.class || beanOrClass instanceof Message)) {
                p.skipChildren();
                return true;
            }
            return false;
        }
    }

    /** Instants as ISO-8601 strings only (the default also takes epoch numbers, which the schema does not allow). */
    private static final class StrictInstant extends StdScalarDeserializer<Instant> {
        StrictInstant() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING) || p.getText().isBlank()) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            return InstantDeserializer.INSTANT.deserialize(p, ctxt);
        }
    }
}
