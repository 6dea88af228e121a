package dev.omnibridge.systemtest.support;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Webhook bodies and v3 signatures as HubSpot sends them: a JSON array of events, {@code X-HubSpot-Signature-v3} =
 * base64(HMAC-SHA256(client secret, method + URI + body + timestamp)), {@code X-HubSpot-Request-Timestamp} in ms.
 * Reference: https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 */
public final class HubSpotWebhooks {
    private HubSpotWebhooks() {
    }

    public static String newMessage(String threadId, String messageId, String messageType) {
        return "[{\"eventId\":1,\"subscriptionId\":2,\"portalId\":62515,\"appId\":3,\"occurredAt\":"
                + System.currentTimeMillis() + ",\"subscriptionType\":\"conversation.newMessage\",\"attemptNumber\":0,"
                + "\"objectId\":" + threadId + ",\"messageId\":\"" + messageId + "\",\"messageType\":\"" + messageType
                + "\",\"changeFlag\":\"NEW_MESSAGE\"}]";
    }

    public static String stageChange(String ticketId, String stage) {
        return "[{\"eventId\":4,\"subscriptionId\":5,\"portalId\":62515,\"appId\":3,\"occurredAt\":"
                + System.currentTimeMillis() + ",\"subscriptionType\":\"ticket.propertyChange\",\"attemptNumber\":0,"
                + "\"objectId\":" + ticketId + ",\"propertyName\":\"hs_pipeline_stage\",\"propertyValue\":\"" + stage
                + "\",\"changeSource\":\"CRM_UI\"}]";
    }

    /** Header name/value pairs for {@link HubHttp#post}: signature and timestamp over {@code uri}. */
    public static String[] headers(String clientSecret, String uri, String body) {
        String ts = Long.toString(System.currentTimeMillis());
        return new String[] {"X-HubSpot-Signature-v3", sign(clientSecret, "POST" + uri + body + ts),
                "X-HubSpot-Request-Timestamp", ts};
    }

    public static String sign(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
