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
        if (region != null && !PhoneNumbers.knownRegion(region)) {
            problems.add(new ConfigProblem(null, IdentityConfig.KEY + "." + DEFAULT_REGION,
                    "'" + region + "' is not a region libphonenumber knows (an ISO 3166 code such as DE, GB, US)"));
            region = null;
        }
        HistoryNoteConfig historyNote = historyNote(section.path(HISTORY_NOTE), problems);
        ReplyFallbackConfig replyFallback = ReplyFallbackSection.read(section.path(REPLY_FALLBACK),
                section.path(CHANNELS), instanceIds, problems);
        return new IdentityConfig(region, historyNote, replyFallback);
    }

    /** {@code historyNote: false}, {@code true}, or {@code {days: 90, max: 5}} (either may be left out). */
    private static HistoryNoteConfig historyNote(JsonNode node, List<ConfigProblem> problems) {
        String key = IdentityConfig.KEY + "." + HISTORY_NOTE;
        if (node.isMissingNode() || node.isNull()) {
            return HistoryNoteConfig.standard();
        }
        if (node.isBoolean()) {
            return new HistoryNoteConfig(node.asBoolean(), HistoryNoteConfig.DEFAULT_DAYS, HistoryNoteConfig.DEFAULT_MAX);
        }
        if (!node.isObject()) {
            problems.add(new ConfigProblem(null, key, "must be false, true or a mapping {days, max}"));
            return HistoryNoteConfig.standard();
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("days", "max", "enabled").contains(k)) {
                problems.add(new ConfigProblem(null, key + "." + k, "unknown key; known: days, enabled, max"));
            }
        }
        int days = positive(node.path("days"), HistoryNoteConfig.DEFAULT_DAYS, 3650, key + ".days", problems);
        int max = positive(node.path("max"), HistoryNoteConfig.DEFAULT_MAX, 50, key + ".max", problems);
        boolean enabled = !node.has("enabled") || node.path("enabled").asBoolean(true);
        return new HistoryNoteConfig(enabled, days, max);
    }

    private static int positive(JsonNode node, int standard, int most, String key, List<ConfigProblem> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return standard;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > most) {
            problems.add(new ConfigProblem(null, key, "must be a whole number from 1 to " + most));
            return standard;
        }
        return node.asInt();
    }
}
