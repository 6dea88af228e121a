package dev.omnibridge.hub.triage;

import dev.omnibridge.model.Message;

import java.util.HashMap;
import java.util.Map;

/**
 * What triage decided, kept in the stored message's metadata so that the conversation's timeline, the rules test
 * and an operator can tell why a message got its language, priority, tags and desks.
 */
public final class TriageRecord {
    /** What the language detector said: {@code de 0.93} or {@code unknown 0.41}; only when the hub detected it. */
    public static final String LANGUAGE = "omnibridge.triage.language";
    /** The classification rules that fired, comma separated, in order. */
    public static final String RULES = "omnibridge.triage.rules";
    /** The routes that matched, comma separated, in order; an unnamed route as {@code from->to}. */
    public static final String ROUTE = "omnibridge.route";
    /** Tag prefix carrying the message's language to every desk, e.g. {@code lang:de}. */
    public static final String LANGUAGE_TAG_PREFIX = "lang:";

    private TriageRecord() {
    }

    /**
     * The message without a triage record of its own: a channel passes its sender's metadata through (the webhook
     * channel takes any), and what the hub shows as its own decision must be the hub's.
     */
    public static Message withoutRecord(Message message) {
        Map<String, String> metadata = message.metadata();
        if (!metadata.containsKey(LANGUAGE) && !metadata.containsKey(RULES) && !metadata.containsKey(ROUTE)) {
            return message;
        }
        Map<String, String> kept = new HashMap<>(metadata);
        kept.keySet().removeAll(java.util.List.of(LANGUAGE, RULES, ROUTE));
        return message.toBuilder().metadata(kept).build();
    }
}
