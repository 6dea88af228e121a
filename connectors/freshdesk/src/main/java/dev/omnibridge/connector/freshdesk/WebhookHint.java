package dev.omnibridge.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;

import java.io.IOException;

/**
 * Freshdesk's automation webhooks are not signed. The rule sends a shared secret in a header, checked in constant
 * time before the body is read; the body only names the ticket ({@code {"ticket_id": {{ticket.id}}}}), and everything
 * else is read back through the API, so a forged body can at most make the hub re-read a ticket.
 */
final class WebhookHint {
    private final String headerName;
    private final String secret;

    WebhookHint(String headerName, String secret) {
        this.headerName = headerName;
        this.secret = secret;
    }

    void verify(WebhookRequest request) {
        String given = request.header(headerName).orElse(null);
        if (given == null || given.isEmpty()) {
            throw WebhookRejectedException.unauthorized("missing " + headerName + " header");
        }
        if (!HmacSignatures.constantTimeEquals(secret, given)) {
            throw WebhookRejectedException.forbidden("wrong " + headerName + " header");
        }
    }

    /** The ticket id, from {@code ticket_id} at the top or inside Freshdesk's classic {@code freshdesk_webhook} wrapper. */
    static String ticketId(byte[] body) {
        JsonNode root;
        try {
            root = DeskHttp.JSON.readTree(body);
        } catch (IOException e) {
            throw WebhookRejectedException.badRequest("body is not valid JSON; expected {\"ticket_id\": <id>}");
        }
        if (root == null || !root.isObject()) {
            throw WebhookRejectedException.badRequest("body must be a JSON object {\"ticket_id\": <id>}");
        }
        JsonNode id = root.has("ticket_id") ? root.get("ticket_id") : root.path("freshdesk_webhook").get("ticket_id");
        if (id == null || id.isNull()) {
            throw WebhookRejectedException.badRequest("missing required field 'ticket_id'");
        }
        String text = id.asText().strip();
        if (!text.matches("[0-9]{1,19}")) {
            throw WebhookRejectedException.badRequest("field 'ticket_id' must be a ticket number");
        }
        return text;
    }
}
