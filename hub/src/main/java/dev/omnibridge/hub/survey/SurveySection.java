package dev.omnibridge.hub.survey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.hub.config.HubConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code surveys:}, reporting every problem under its key (unknown keys, values that are not durations or
 * booleans, durations out of range, unknown calendars, entries for instances that are not configured, texts for
 * malformed language codes). A bad value is reported and the default stands in for it, so the rest is still checked.
 * That a {@code channels} entry names a channel, not a desk, is checked by {@code validate} against the connector
 * types ({@code ConfigCheck}).
 * <pre>
 * surveys:
 *   csat: {enabled: true, delay: 15m, calendar: support, commentWindow: 24h, expireAfter: 3d,
 *          texts: {en: {question: "...", comment: "...", thanks: "...", labels: [..5 titles..]}}}
 *   nps: {enabled: false, every: 90d, texts: {de: {question: "..."}}}
 *   channels:
 *     sms: {enabled: false}
 *     web: {csat: {delay: 5m}}
 * </pre>
 */
public final class SurveySection {
    private static final Set<String> SECTION_KEYS = Set.of("csat", "nps", "channels");
    private static final Set<String> CHANNEL_KEYS = Set.of("enabled", "csat", "nps");
    private static final Set<String> CSAT_KEYS = Set.of("enabled", "delay", "calendar", "commentWindow",
            "expireAfter", "texts");
    private static final Set<String> NPS_KEYS = Set.of("enabled", "every", "texts");
    private static final Set<String> TEXT_KEYS = Set.of("question", "comment", "thanks", "labels");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");

    private SurveySection() {
    }

    public static SurveyConfig read(JsonNode section, List<HubConfig.Instance> instances, CalendarRegistry calendars,
                                    List<ConfigProblem> problems) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return SurveyConfig.off();
        }
        String key = SurveyConfig.KEY;
        if (!section.isObject()) {
            problems.add(new ConfigProblem(null, key, "must be a mapping (csat, nps, channels)"));
            return SurveyConfig.off();
        }
        unknown(section, SECTION_KEYS, key, problems);
        SurveyConfig.Csat csat = csat(section.path("csat"), SurveyConfig.Csat.DEFAULT, key + ".csat", calendars,
                problems);
        SurveyConfig.Nps nps = nps(section.path("nps"), SurveyConfig.Nps.DEFAULT, key + ".nps", problems);
        SurveyConfig.Settings defaults = new SurveyConfig.Settings(true, csat, nps);
        Map<String, SurveyConfig.Settings> channels = new LinkedHashMap<>();
        JsonNode entries = section.path("channels");
        String at = key + ".channels";
        if (!entries.isMissingNode() && !entries.isNull() && !entries.isObject()) {
            problems.add(new ConfigProblem(null, at, "must be a mapping of channel instance ids to the keys that "
                    + "differ, e.g. {sms: {enabled: false}}"));
        } else if (entries.isObject()) {
            List<String> ids = instances.stream().map(HubConfig.Instance::id).toList();
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String where = at + "." + e.getKey();
                if (!ids.contains(e.getKey())) {
                    problems.add(new ConfigProblem(null, where, "names unknown instance '" + e.getKey() + "'"));
                    continue;
                }
                JsonNode entry = e.getValue();
                if (!entry.isObject()) {
                    problems.add(new ConfigProblem(null, where, "must be a mapping (enabled, csat, nps)"));
                    continue;
                }
                unknown(entry, CHANNEL_KEYS, where, problems);
                channels.put(e.getKey(), new SurveyConfig.Settings(bool(entry, "enabled", true, where, problems),
                        csat(entry.path("csat"), csat, where + ".csat", calendars, problems),
                        nps(entry.path("nps"), nps, where + ".nps", problems)));
            }
        }
        return new SurveyConfig(defaults, channels);
    }

    private static SurveyConfig.Csat csat(JsonNode node, SurveyConfig.Csat base, String where,
                                          CalendarRegistry calendars, List<ConfigProblem> problems) {
        if (!mapping(node, where, problems)) {
            return base;
        }
        unknown(node, CSAT_KEYS, where, problems);
        String calendar = base.calendar();
        if (node.has("calendar")) {
            JsonNode c = node.get("calendar");
            calendar = c.isNull() || c.asText().isBlank() ? null : c.asText().strip();
            calendars.problemIfUnknown(null, where + ".calendar", calendar).ifPresent(problems::add);
        }
        return new SurveyConfig.Csat(bool(node, "enabled", base.enabled(), where, problems),
                duration(node, "delay", base.delay(), Duration.ZERO, where, problems), calendar,
                duration(node, "commentWindow", base.commentWindow(), Duration.ZERO, where, problems),
                duration(node, "expireAfter", base.expireAfter(), Duration.ofMinutes(1), where, problems),
                texts(node.path("texts"), base.texts(), true, where + ".texts", problems));
    }

    private static SurveyConfig.Nps nps(JsonNode node, SurveyConfig.Nps base, String where,
                                        List<ConfigProblem> problems) {
        if (!mapping(node, where, problems)) {
            return base;
        }
        unknown(node, NPS_KEYS, where, problems);
        return new SurveyConfig.Nps(bool(node, "enabled", base.enabled(), where, problems),
                duration(node, "every", base.every(), Duration.ofDays(1), where, problems),
                texts(node.path("texts"), base.texts(), false, where + ".texts", problems));
    }

    /** The languages' texts, each merged over the same language's in {@code base}. */
    private static Map<String, SurveyConfig.Texts> texts(JsonNode node, Map<String, SurveyConfig.Texts> base,
                                                         boolean labels, String where,
                                                         List<ConfigProblem> problems) {
        if (!mapping(node, where, problems)) {
            return base;
        }
        Map<String, SurveyConfig.Texts> out = new LinkedHashMap<>(base);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = where + "." + e.getKey();
            if (!LANGUAGE.matcher(e.getKey()).matches()) {
                problems.add(new ConfigProblem(null, at, "must be a two-letter language code such as en or de"));
                continue;
            }
            if (!e.getValue().isObject()) {
                problems.add(new ConfigProblem(null, at, "must be a mapping (question, comment, thanks"
                        + (labels ? ", labels)" : ")")));
                continue;
            }
            unknown(e.getValue(), labels ? TEXT_KEYS : Set.of("question", "comment", "thanks"), at, problems);
            List<String> titles = null;
            JsonNode l = e.getValue().path("labels");
            if (labels && !l.isMissingNode() && !l.isNull()) {
                titles = new ArrayList<>();
                if (l.isArray()) {
                    for (JsonNode t : l) {
                        if (t.isValueNode() && !t.asText().isBlank()) {
                            titles.add(t.asText().strip());
                        }
                    }
                }
                if (titles.size() != 5) {
                    problems.add(new ConfigProblem(null, at + ".labels", "must be a list of five titles, for the "
                            + "ratings 1 to 5"));
                    titles = null;
                }
            }
            SurveyConfig.Texts given = new SurveyConfig.Texts(text(e.getValue(), "question", at, problems),
                    text(e.getValue(), "comment", at, problems), text(e.getValue(), "thanks", at, problems), titles);
            SurveyConfig.Texts before = out.get(e.getKey());
            out.put(e.getKey(), before == null ? given : given.over(before));
        }
        return out;
    }

    private static String text(JsonNode node, String field, String where, List<ConfigProblem> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            problems.add(new ConfigProblem(null, where + "." + field, "must be a non-empty text"));
            return null;
        }
        return v.asText().strip();
    }

    private static boolean mapping(JsonNode node, String where, List<ConfigProblem> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return false;
        }
        if (!node.isObject()) {
            problems.add(new ConfigProblem(null, where, "must be a mapping"));
            return false;
        }
        return true;
    }

    private static void unknown(JsonNode node, Set<String> known, String where, List<ConfigProblem> problems) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                problems.add(new ConfigProblem(null, where + "." + k, "unknown key; known: "
                        + String.join(", ", new java.util.TreeSet<>(known))));
            }
        }
    }

    private static boolean bool(JsonNode node, String field, boolean fallback, String where,
                                List<ConfigProblem> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        String text = v.asText().strip();
        if (v.isBoolean() || "true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
            return v.isBoolean() ? v.asBoolean() : Boolean.parseBoolean(text);
        }
        problems.add(new ConfigProblem(null, where + "." + field, "must be true or false, was '" + text + "'"));
        return fallback;
    }

    private static Duration duration(JsonNode node, String field, Duration fallback, Duration min, String where,
                                     List<ConfigProblem> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        String text = v.asText().strip();
        try {
            Duration d = ConfigDef.parseDuration(text);
            if (d.compareTo(min) < 0) {
                problems.add(new ConfigProblem(null, where + "." + field, "must be at least "
                        + (min.isZero() ? "0s" : min.toSeconds() % 86_400 == 0 ? min.toDays() + "d"
                        : min.toMinutes() + "m") + ", was '" + text + "'"));
                return fallback;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem(null, where + "." + field, e.getMessage() + ", was '" + text + "'"));
            return fallback;
        }
    }
}
