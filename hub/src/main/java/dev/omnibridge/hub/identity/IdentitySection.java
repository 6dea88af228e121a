package dev.omnibridge.hub.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigProblem;

import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code identity:} section, every problem reported (keys {@code identity.<key>}):
 * <pre>
 * identity:
 *   defaultRegion: DE                 # phone numbers without a country code are read as this region's
 *   historyNote: {days: 90, max: 5}   # or false
 *   replyFallback: [email, sms]       # where replies go when the conversation's channel cannot reach the customer
 *   channels:
 *     webchat: {replyFallback: [email]}
 * </pre>
 */
public final class IdentitySection {
    static final String DEFAULT_REGION = "defaultRegion";
    static final String HISTORY_NOTE = "historyNote";
    static final String REPLY_FALLBACK = "replyFallback";
    static final String CHANNELS = "channels";
    private static final Set<String> KEYS = Set.of(DEFAULT_REGION, HISTORY_NOTE, REPLY_FALLBACK, CHANNELS);

    private IdentitySection() {
    }

    /** Reads the section (missing: {@link IdentityConfig#standard()}). */
    public static IdentityConfig read(JsonNode section, List<String> instanceIds, List<ConfigProblem> problems) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return IdentityConfig.standard();
        }
        if (!section.isObject()) {
            problems.add(new ConfigProblem(null, IdentityConfig.KEY, "must be a mapping"));
            return IdentityConfig.standard();
        }
        for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                problems.add(new ConfigProblem(null, IdentityConfig.KEY + "." + key,
                        "unknown key; known: " + String.join(", ", new java.util.TreeSet<>(KEYS))));
            }
        }
        String region = section.path(DEFAULT_REGION).isMissingNode() ? null
                : section.path(DEFAULT_REGION).asText().strip().toUpperCase(java.util.Locale.ROOT);
        // TODO(identity helper): validate the region against libphonenumber's supported regions.
        // TODO(history-note helper): read section.path(HISTORY_NOTE) into a HistoryNoteConfig.
        ReplyFallbackConfig replyFallback = ReplyFallbackSection.read(section.path(REPLY_FALLBACK),
                section.path(CHANNELS), instanceIds, problems);
        return new IdentityConfig(region, null, replyFallback);
    }
}
