package dev.omnibridge.hub.identity;

/**
 * {@code identity.historyNote}: a new ticket gets an internal note listing the contact's other recent conversations
 * on other channels, with links to them in the console.
 *
 * @param enabled whether the note is written
 * @param days    conversations active within this many days count
 * @param max     at most this many are listed (the most recent)
 */
public record HistoryNoteConfig(boolean enabled, int days, int max) {
    public static final int DEFAULT_DAYS = 90;
    public static final int DEFAULT_MAX = 5;

    public static HistoryNoteConfig standard() {
        return new HistoryNoteConfig(true, DEFAULT_DAYS, DEFAULT_MAX);
    }
}
