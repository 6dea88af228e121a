package dev.omnibridge.hub.automation;

import java.util.Locale;

/**
 * The short reference of a conversation a customer can quote ("my reference is 3FA9C21B"): the last eight hex digits
 * of its id. Those are random (the first ones are time), so references of conversations opened together differ; an
 * operator finds the conversation by searching the console for it.
 */
public final class ConversationReference {
    private ConversationReference() {
    }

    public static String of(String conversationId) {
        String hex = conversationId.replace("-", "");
        return hex.substring(Math.max(0, hex.length() - 8)).toUpperCase(Locale.ROOT);
    }
}
