package dev.omnibridge.hub.camel;

/**
 * The Camel headers of the {@code omnibridge} component: what a route sets to hand the hub a message, and what the
 * hub sets on the deliveries it hands a route (docs/camel.md). Values are never logged; names may be.
 */
public final class RouteHeaders {
    private RouteHeaders() {
    }

    // Inbound: a route hands the hub a message (to: omnibridge:<channel>).
    /** The conversation's thread in the channel (a Slack thread ts, a Kafka key); required. */
    public static final String THREAD_KEY = "OmnibridgeThreadKey";
    /** The channel's id of the message, the dedupe key: the same id is stored once; required. */
    public static final String MESSAGE_ID = "OmnibridgeMessageId";
    /** The author's name to show; optional. */
    public static final String AUTHOR_NAME = "OmnibridgeAuthorName";
    /** The author's address: {@code email:..}, {@code phone:+..}, {@code chat-user:..} or a bare value; optional. */
    public static final String ADDRESS = "OmnibridgeAddress";
    /** When the channel says the message was written, an ISO instant; optional. */
    public static final String SENT_AT = "OmnibridgeSentAt";
    /** The message's language (BCP 47), when the channel knows it; optional. */
    public static final String LANGUAGE = "OmnibridgeLanguage";
    /** Set by the hub after storing: the conversation the message belongs to. Also on deliveries. */
    public static final String CONVERSATION_ID = "OmnibridgeConversationId";

    // Desk replies (to: omnibridge:<desk>?kind=reply).
    /** The desk's ticket (on a reply handed in by a desk route, and on a desk delivery, the ticket it goes to). */
    public static final String TICKET_REF = "OmnibridgeTicketRef";
    /** The desk's id of an agent's reply, its dedupe key. */
    public static final String REPLY_ID = "OmnibridgeReplyId";

    // Outbound: the hub hands a route a delivery (from: omnibridge:<instance>).
    public static final String IDEMPOTENCY_KEY = "OmnibridgeIdempotencyKey";
    /** The conversation's short reference ({@code C-1042} style, as customers and agents quote it). */
    public static final String CONVERSATION_REF = "OmnibridgeConversationRef";
    /** {@code message} or {@code status}. */
    public static final String EVENT = "OmnibridgeEvent";
    public static final String INSTANCE_ID = "OmnibridgeInstanceId";
    /** On a status event: the conversation's new status ({@code OPEN}, {@code RESOLVED}...). */
    public static final String STATUS = "OmnibridgeStatus";
    /** The plain text of an outbound channel message, for routes that need no JSON. */
    public static final String TEXT = "OmnibridgeText";

    // Results a route sets.
    /** A channel route's result: the channel's id of the sent message. */
    public static final String CHANNEL_MESSAGE_ID = "OmnibridgeChannelMessageId";
    /** A desk route's optional result: the desk's id of the comment it created. */
    public static final String ITEM_ID = "OmnibridgeItemId";
    /** Set by a route (e.g. in doCatch) to classify its failure: {@code permanent} or {@code retryable}. */
    public static final String FAILURE = "OmnibridgeFailure";
    /** With {@link #FAILURE}: why, for operators (no customer data). */
    public static final String FAILURE_REASON = "OmnibridgeFailureReason";

    public static final String EVENT_MESSAGE = "message";
    public static final String EVENT_STATUS = "status";
}
