package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Webhook bodies as Meta POSTs them (WhatsApp Cloud API, Messenger, Instagram) and their signature. */
public final class MetaWebhooks {
    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

    private MetaWebhooks() {
    }

    /** {@code sha256=<hex HMAC-SHA256(appSecret, raw body)>}. */
    public static String sign(String appSecret, String rawBody) {
        return Signatures.sign(appSecret, rawBody.getBytes(StandardCharsets.UTF_8));
    }

    public static String wamid() {
        return "wamid.HBgM" + random(32);
    }

    public static String mid() {
        return "m_" + random(40);
    }

    private static String random(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** One customer text in a WhatsApp webhook. */
    public record WaText(String waId, String name, String wamid, Instant timestamp, String body) {
    }

    /** One status of a sent message in a WhatsApp webhook. */
    public record WaStatus(String wamid, String status, Instant timestamp, String recipientId) {
    }

    /**
     * A {@code whatsapp_business_account} webhook: one entry, one {@code messages} change with all {@code texts}
     * (and their contacts) and all {@code statuses}.
     */
    public static ObjectNode whatsapp(String wabaId, String phoneNumberId, String displayPhoneNumber,
                                      List<WaText> texts, List<WaStatus> statuses) {
        ObjectNode root = Json.object().put("object", "whatsapp_business_account");
        ObjectNode entry = root.putArray("entry").addObject().put("id", wabaId);
        ObjectNode change = entry.putArray("changes").addObject();
        ObjectNode value = change.putObject("value").put("messaging_product", "whatsapp");
        value.putObject("metadata").put("display_phone_number", displayPhoneNumber).put("phone_number_id", phoneNumberId);
        if (!texts.isEmpty()) {
            ArrayNode contacts = value.putArray("contacts");
            ArrayNode messages = value.putArray("messages");
            for (WaText t : texts) {
                ObjectNode contact = contacts.addObject();
                contact.putObject("profile").put("name", t.name());
                contact.put("wa_id", t.waId());
                ObjectNode m = messages.addObject().put("from", t.waId()).put("id", t.wamid())
                        .put("timestamp", String.valueOf(t.timestamp().getEpochSecond())).put("type", "text");
                m.putObject("text").put("body", t.body());
            }
        }
        if (!statuses.isEmpty()) {
            ArrayNode array = value.putArray("statuses");
            for (WaStatus s : statuses) {
                ObjectNode status = array.addObject().put("id", s.wamid()).put("status", s.status())
                        .put("timestamp", String.valueOf(s.timestamp().getEpochSecond()))
                        .put("recipient_id", s.recipientId());
                if (!"failed".equals(s.status())) {
                    ObjectNode conversation = status.putObject("conversation").put("id", random(32));
                    conversation.putObject("origin").put("type", "service");
                    status.putObject("pricing").put("billable", true).put("pricing_model", "CBP").put("category", "service");
                }
            }
        }
        change.put("field", "messages");
        return root;
    }

    /**
     * A Messenger ({@code object} {@code page}) or Instagram ({@code object} {@code instagram}) webhook with one
     * text message from {@code senderId} to {@code accountId}.
     */
    public static ObjectNode messaging(String object, String accountId, String senderId, String mid, Instant timestamp,
                                       String text) {
        ObjectNode root = Json.object().put("object", object);
        ObjectNode entry = root.putArray("entry").addObject().put("id", accountId).put("time", timestamp.toEpochMilli());
        ObjectNode event = entry.putArray("messaging").addObject();
        event.putObject("sender").put("id", senderId);
        event.putObject("recipient").put("id", accountId);
        event.put("timestamp", timestamp.toEpochMilli());
        event.putObject("message").put("mid", mid).put("text", text);
        return root;
    }
}
