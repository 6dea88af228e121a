package dev.omnibridge.hub.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code privacy:} section, every problem reported (keys {@code privacy.<key>}):
 * <pre>
 * privacy:
 *   retentionDays: 365            # bodies and attachments older than this are purged; absent: kept for good
 *   retentionCheck: 1h            # how often the hub looks (default 1h)
 *   mask: [card, iban]            # masked in inbound text on every channel (card: Luhn-checked; iban: mod-97)
 *   patterns:                     # the operator's own, by name (usable in mask lists)
 *     ssn: '\b\d{3}-\d{2}-\d{4}\b'
 *   channels:
 *     webchat: {retentionDays: 30, mask: [card, iban, ssn]}
 *     email: {mask: []}           # nothing masked on this channel
 * </pre>
 */
public final class PrivacySection {
    static final String RETENTION_DAYS = "retentionDays";
    static final String RETENTION_CHECK = "retentionCheck";
    static final String MASK = "mask";
    static final String PATTERNS = "patterns";
    static final String CHANNELS = "channels";
    private static final Set<String> KEYS = Set.of(RETENTION_DAYS, RETENTION_CHECK, MASK, PATTERNS, CHANNELS);
    private static final Set<String> CHANNEL_KEYS = Set.of(RETENTION_DAYS, MASK);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    /** A purge needs at least a day: shorter is a mistake (minutes read as days), not a policy. */
    static final int MAX_DAYS = 36_500;

    private PrivacySection() {
    }

    /** Reads the section (missing: {@link PrivacyConfig#none()}). */
    public static PrivacyConfig read(JsonNode section, List<String> instanceIds, List<ConfigProblem> problems) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return PrivacyConfig.none();
        }
        if (!section.isObject()) {
            problems.add(problem("", "must be a mapping"));
            return PrivacyConfig.none();
        }
        unknownKeys(section, KEYS, "", problems);
        Integer days = days(section.path(RETENTION_DAYS), RETENTION_DAYS, problems);
        Duration check = null;
        JsonNode checkNode = section.path(RETENTION_CHECK);
        if (!checkNode.isMissingNode() && !checkNode.isNull()) {
            try {
                check = ConfigDef.parseDuration(checkNode.asText().strip());
                if (check.isNegative() || check.isZero()) {
                    problems.add(problem(RETENTION_CHECK, "must be positive"));
                    check = null;
                }
            } catch (IllegalArgumentException e) {
                problems.add(problem(RETENTION_CHECK, e.getMessage() + ", was '" + checkNode.asText() + "'"));
            }
        }
        Map<String, Pattern> patterns = patterns(section.path(PATTERNS), problems);
        Set<String> kinds = new TreeSet<>(List.of(PrivacyConfig.CARD, PrivacyConfig.IBAN));
        kinds.addAll(patterns.keySet());
        List<String> mask = mask(section.path(MASK), MASK, kinds, problems);
        Map<String, PrivacyConfig.Channel> channels = new LinkedHashMap<>();
        JsonNode channelsNode = section.path(CHANNELS);
        if (channelsNode.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = channelsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String prefix = CHANNELS + "." + e.getKey();
                if (!instanceIds.contains(e.getKey())) {
                    problems.add(problem(prefix, "no instance has this id (known: " + instanceIds + ")"));
                    continue;
                }
                if (!e.getValue().isObject()) {
                    problems.add(problem(prefix, "must be a mapping with retentionDays and/or mask"));
                    continue;
                }
                unknownKeys(e.getValue(), CHANNEL_KEYS, prefix + ".", problems);
                channels.put(e.getKey(), new PrivacyConfig.Channel(
                        days(e.getValue().path(RETENTION_DAYS), prefix + "." + RETENTION_DAYS, problems),
                        e.getValue().has(MASK) ? mask(e.getValue().path(MASK), prefix + "." + MASK, kinds, problems)
                                : null));
            }
        } else if (!channelsNode.isMissingNode() && !channelsNode.isNull()) {
            problems.add(problem(CHANNELS, "must be a mapping of instance ids"));
        }
        return new PrivacyConfig(days, check, mask, patterns, channels);
    }

    private static Integer days(JsonNode node, String key, List<ConfigProblem> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        try {
            int days = Integer.parseInt(node.asText().strip());
            if (days < 1 || days > MAX_DAYS) {
                problems.add(problem(key, "must be between 1 and " + MAX_DAYS + " days"));
                return null;
            }
            return days;
        } catch (NumberFormatException e) {
            problems.add(problem(key, "must be a whole number of days, was '" + node.asText() + "'"));
            return null;
        }
    }

    private static Map<String, Pattern> patterns(JsonNode node, List<ConfigProblem> problems) {
        Map<String, Pattern> patterns = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return patterns;
        }
        if (!node.isObject()) {
            problems.add(problem(PATTERNS, "must be a mapping of names to regular expressions"));
            return patterns;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = PATTERNS + "." + e.getKey();
            if (!NAME.matcher(e.getKey()).matches()) {
                problems.add(problem(key, "names are lower-case letters, digits and dashes"));
            } else if (e.getKey().equals(PrivacyConfig.CARD) || e.getKey().equals(PrivacyConfig.IBAN)) {
                problems.add(problem(key, "'" + e.getKey() + "' is built in; choose another name"));
            } else if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                problems.add(problem(key, "must be a regular expression"));
            } else {
                try {
                    Pattern p = Pattern.compile(e.getValue().asText());
                    if (p.matcher("").matches()) {
                        problems.add(problem(key, "matches the empty text; it would mask nothing useful"));
                    } else {
                        patterns.put(e.getKey(), p);
                    }
                } catch (PatternSyntaxException ex) {
                    // The description only: the pattern itself may be long; the operator has it in the file.
                    problems.add(problem(key, "is not a valid regular expression: " + ex.getDescription()));
                }
            }
        }
        return patterns;
    }

    private static List<String> mask(JsonNode node, String key, Set<String> kinds, List<ConfigProblem> problems) {
        List<String> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        List<String> names = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> names.add(n.asText().strip()));
        } else if (node.isBoolean() && !node.asBoolean()) {
            return out;   // mask: false
        } else if (node.isValueNode()) {
            for (String part : node.asText().split(",")) {
                if (!part.isBlank()) {
                    names.add(part.strip());
                }
            }
        } else {
            problems.add(problem(key, "must be a list of " + kinds));
            return out;
        }
        for (String name : names) {
            if (!kinds.contains(name)) {
                problems.add(problem(key, "unknown kind '" + name + "'; known: " + kinds));
            } else if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String prefix, List<ConfigProblem> problems) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                problems.add(problem(prefix + key, "unknown key; known: " + String.join(", ", new TreeSet<>(known))));
            }
        }
    }

    private static ConfigProblem problem(String key, String message) {
        return new ConfigProblem(null, key.isEmpty() ? PrivacyConfig.KEY : PrivacyConfig.KEY + "." + key, message);
    }
}
