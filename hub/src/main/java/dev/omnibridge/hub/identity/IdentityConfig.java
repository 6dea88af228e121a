package dev.omnibridge.hub.identity;

/**
 * The {@code identity:} section: how addresses are normalised and contacts recognised across channels
 * ({@link IdentitySection} reads it).
 *
 * @param defaultRegion  ISO 3166 region for phone numbers written without a country code (e.g. {@code DE}); null:
 *                       only numbers in international form are understood
 * @param historyNote    the note on a new ticket about the contact's other recent conversations
 * @param replyFallback  where a reply goes when the conversation's own channel cannot reach the customer
 */
public record IdentityConfig(String defaultRegion, HistoryNoteConfig historyNote, ReplyFallbackConfig replyFallback) {
    public static final String KEY = "identity";

    public IdentityConfig {
        historyNote = historyNote == null ? HistoryNoteConfig.standard() : historyNote;
        replyFallback = replyFallback == null ? ReplyFallbackConfig.none() : replyFallback;
    }

    /** No section: international numbers only, the standard history note, no reply fallback. */
    public static IdentityConfig standard() {
        return new IdentityConfig(null, null, null);
    }
}
