package dev.omnibridge.bench;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Webhook bodies. Each carries a correlation key {@code bk<run>_<seq>} in its text (and as channelMessageId), so the
 * stub can tell which request a delivery belongs to without parsing JSON.
 */
public final class Payloads {
    public static final String CHANNEL_SECRET = "bench-channel-secret";
    public static final String DESK_SECRET = "bench-desk-secret";
    public static final Pattern KEY = Pattern.compile("bk\\d+_\\d+");
    // ~500 bytes per message, like the 523-byte body of the reference measurements.
    private static final String PADDING = "Hello, my order has not arrived yet and the tracking page shows no update "
            + "since last week. Could you please check what happened and tell me when I can expect it? Thanks a lot.";

    private Payloads() {
    }

    public static String key(int run, int seq) {
        return "bk" + run + "_" + seq;
    }

    public static String threadKey(int run, int conversation) {
        return "t" + run + "_" + conversation;
    }

    public static String inbound(String key, String threadKey) {
        return inbound(key, threadKey, PADDING);
    }

    /** A customer message whose text is the key and {@code text} (plain text without quotes or backslashes). */
    public static String inbound(String key, String threadKey, String text) {
        return "{\"schema\":\"omnibridge.message/v1\",\"channelMessageId\":\"" + key + "\",\"threadKey\":\"" + threadKey
                + "\",\"author\":{\"role\":\"CUSTOMER\",\"displayName\":\"Customer " + threadKey
                + "\",\"address\":{\"kind\":\"EMAIL\",\"value\":\"" + threadKey + "@example.com\"}},\"text\":\"" + key
                + " " + text + "\"}";
    }

    /** The same with the canonical model's {@code priority} (LOW, NORMAL, HIGH, URGENT) set by the sender. */
    public static String withPriority(String key, String threadKey, String priority) {
        String json = inbound(key, threadKey);
        return json.substring(0, json.length() - 1) + ",\"priority\":\"" + priority + "\"}";
    }

    /** A JSON array of inbound messages, one webhook call (used to pre-fill the journal quickly). */
    public static String inboundBatch(int run, int firstSeq, int count, int conversations) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            int seq = firstSeq + i;
            sb.append(i == 0 ? "" : ",").append(inbound(key(run, seq), threadKey(run, seq % conversations)));
        }
        return sb.append(']').toString();
    }

    public static String deskReply(String key, String ticketRef) {
        return "{\"ticketRef\":\"" + ticketRef + "\",\"replyId\":\"" + key
                + "\",\"author\":{\"role\":\"AGENT\",\"displayName\":\"Alice\"},\"text\":\"reply " + key
                + " We are on it.\",\"html\":null,\"internal\":false}";
    }

    public static String ticketRefFor(String threadKey) {
        return "T-" + threadKey;
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
