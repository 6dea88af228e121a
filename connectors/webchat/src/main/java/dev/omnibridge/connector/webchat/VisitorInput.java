package dev.omnibridge.connector.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.model.Address;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads what a visitor sends, field by field, as hostile input: every method either returns a clean value or throws
 * a {@link Refusal} (400 or 413) whose message names the field, so the widget can say what to fix.
 */
final class VisitorInput {
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Deliberately loose (a mail server is the real judge), but no spaces, brackets or quoting characters. */
    private static final Pattern EMAIL = Pattern.compile(
            "[^\\s@<>()\",;:]{1,64}@[^\\s@<>()\",;:]{1,190}\\.[^\\s@<>()\",;:]{1,63}");
    private static final int MAX_NAME_LENGTH = 80;
    private static final int MAX_RECEIPT_IDS = 100;

    private VisitorInput() {
    }

    /** A JSON object; an empty body is {@code {}} only where every field is optional. */
    static JsonNode readJson(byte[] body, boolean emptyIsObject) {
        if (body.length == 0 && emptyIsObject) {
            return Frames.JSON.createObjectNode();
        }
        try {
            JsonNode node = Frames.JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new Refusal(400, "body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Refusal(400, "body is not valid JSON");
        }
    }

    /** The client's message id: it becomes part of the channel message id, so it must be short and plain. */
    static String clientId(JsonNode node) {
        if (!node.isTextual() || !isClientId(node.asText())) {
            throw new Refusal(400, "clientId must be 8 to 64 letters, digits, '-' or '_'");
        }
        return node.asText();
    }

    static boolean isClientId(String value) {
        return value != null && CLIENT_ID.matcher(value).matches();
    }

    /** The message text, without control characters; "" when absent. */
    static String text(JsonNode node, int maxLength) {
        if (node.isMissingNode() || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new Refusal(400, "text must be a string");
        }
        String text = node.asText();
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw new Refusal(413, "text is longer than " + maxLength + " characters");
        }
        // Control characters other than line breaks and tabs have no place in a chat line.
        return text.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "").strip();
    }

    /** A picked reply option's id, or null when the message is no pick; see {@link dev.omnibridge.model.Choices}. */
    static String choice(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !dev.omnibridge.model.Choices.plausibleId(node.asText())) {
            throw new Refusal(400, "choice must be 1 to 64 letters, digits, '_', '.', ':' or '-'");
        }
        return node.asText();
    }

    /** The visitor's display name, or null when absent or blank. */
    static String name(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new Refusal(400, "name must be a string");
        }
        String name = node.asText().replaceAll("\\p{Cntrl}", " ").strip();
        if (name.length() > MAX_NAME_LENGTH) {
            throw new Refusal(400, "name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        return name.isEmpty() ? null : name;
    }

    /** A plausible email address in the hub's normal form, or null when absent or blank. */
    static String email(JsonNode node) {
        return email(node, "email");
    }

    static String email(JsonNode node, String field) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new Refusal(400, field + " must be a string");
        }
        String email = node.asText().strip();
        if (email.isEmpty()) {
            return null;
        }
        if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
            throw new Refusal(400, field + " is not a valid address");
        }
        return Address.email(email).value();
    }

    /** The reply ids of a receipt; anything that is not one of ours ({@code out-...}) is dropped, not refused. */
    static List<String> receiptIds(JsonNode node) {
        List<String> ids = new ArrayList<>();
        if (node != null && node.isArray()) {
            for (int i = 0; i < Math.min(node.size(), MAX_RECEIPT_IDS); i++) {
                JsonNode n = node.get(i);
                if (n.isTextual() && n.asText().length() <= 80 && n.asText().startsWith("out-")) {
                    ids.add(n.asText());
                }
            }
        }
        return ids;
    }

    /** A file id in a URL path: a lower-case hex SHA-256, so it can never be a path. */
    static String fileId(String value) {
        if (!SHA256.matcher(value).matches()) {
            throw new Refusal(400, "a file id is a lower-case hex SHA-256");
        }
        return value;
    }
}
