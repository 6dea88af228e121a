package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Webhook bodies as the outside world sends them. */
public final class Messages {
    private Messages() {
    }

    /** What a sender gives webhook-channel: a canonical message v1 with the required fields only. */
    public static ObjectNode inboundNode(String channelMessageId, String threadKey, String text) {
        ObjectNode message = Json.object().put("schema", "omnibridge.message/v1")
                .put("channelMessageId", channelMessageId)
                .put("threadKey", threadKey)
                .put("text", text);
        ObjectNode author = message.putObject("author").put("role", "CUSTOMER").put("displayName", "Customer " + threadKey);
        author.putObject("address").put("kind", "EMAIL").put("value", threadKey + "@example.com");
        return message;
    }

    public static String inbound(String channelMessageId, String threadKey, String text) {
        return Json.write(inboundNode(channelMessageId, threadKey, text));
    }

    /** What a desk sends to {@code /hooks/<deskId>} when an agent answers on a ticket. */
    public static String deskReply(String ticketRef, String replyId, String text, boolean internal) {
        return deskReply(ticketRef, null, replyId, text, internal);
    }

    /**
     * A reply naming the hub conversation too, as a desk that stored the event's conversation id does: it reaches the
     * conversation even when the agent answers before the hub has recorded the ticket.
     */
    public static String deskReply(String ticketRef, String conversationId, String replyId, String text,
                                   boolean internal) {
        ObjectNode reply = Json.object().put("ticketRef", ticketRef).put("replyId", replyId);
        if (conversationId != null) {
            reply.put("conversationId", conversationId);
        }
        reply.putObject("author").put("role", "AGENT").put("displayName", "Alice");
        reply.put("text", text).putNull("html").put("internal", internal);
        return Json.write(reply);
    }
}
