package dev.omnibridge.hub.selfservice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code selfService:} (docs/self-service.md). Every problem is reported, keyed {@code selfService.<key>} or
 * {@code selfService.channels.<id>.<key>}, so {@code omnibridge validate} lists them all at once; a bad value is
 * replaced by its default so that the rest can still be checked.
 * <pre>
 * selfService:
 *   mode: off               # off | suggest | answer: the default for every channel instance
 *   threshold: 0.5          # confidence (0..1) an entry needs
 *   maxAnswers: 2           # automatic answers per conversation before a forced hand-off
 *   restartAfter: 24h       # a quiet answered conversation starts afresh after this
 *   handOffWords:           # replaces a language's built-in list
 *     en: [agent, human, person]
 *   channels:
 *     web: {mode: answer, threshold: 0.6}
 *     sms: {mode: suggest}
 * </pre>
 * That a {@code channels} entry names a channel, not a desk, needs the connector types: {@code ConfigCheck} says so.
 */
public final class SelfServiceSection {
    private static final String CHANNELS = "channels";
    private static final String HAND_OFF_WORDS = "handOffWords";
    private static final Set<String> CHANNEL_KEYS = Set.of("mode", "threshold", "maxAnswers", "restartAfter");
    private static final int MAX_ANSWERS_LIMIT = 10;

    private SelfServiceSection() {
    }

    public static SelfServiceConfig read(JsonNode section, List<HubConfig.Instance> instances,
                                         List<ConfigProblem> problems) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return SelfServiceConfig.off();
        }
        String key = SelfServiceConfig.KEY;
        if (!section.isObject()) {
            problems.add(new ConfigProblem(null, key, "must be a mapping (mode, threshold, maxAnswers, "
                    + "restartAfter, handOffWords, channels)"));
            return SelfServiceConfig.off();
        }
        for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!CHANNEL_KEYS.contains(k) && !k.equals(CHANNELS) && !k.equals(HAND_OFF_WORDS)) {
                problems.add(new ConfigProblem(null, key + "." + k, "unknown key; expected one of [mode, "
                        + "threshold, maxAnswers, restartAfter, handOffWords, channels]"));
            }
        }
        SelfServiceSettings defaults = settings(section, SelfServiceSettings.OFF, key, problems);
        Map<String, SelfServiceSettings> channels = new LinkedHashMap<>();
        JsonNode entries = section.path(CHANNELS);
        Set<String> ids = new java.util.HashSet<>();
        instances.forEach(i -> ids.add(i.id()));
        if (!entries.isMissingNode() && !entries.isNull() && !entries.isObject()) {
            problems.add(new ConfigProblem(null, key + "." + CHANNELS,
                    "must be a mapping of channel instance ids to their settings, e.g. web: {mode: answer}"));
        } else if (entries.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String where = key + "." + CHANNELS + "." + e.getKey();
                if (!ids.contains(e.getKey())) {
                    problems.add(new ConfigProblem(null, where, "names unknown instance '" + e.getKey() + "'"));
                }
                if (!e.getValue().isObject()) {
                    problems.add(new ConfigProblem(null, where, "must be a mapping of the keys that differ from "
                            + "the default, e.g. {mode: answer, threshold: 0.6}"));
                    continue;
                }
                for (Iterator<String> keys = e.getValue().fieldNames(); keys.hasNext(); ) {
                    String k = keys.next();
                    if (!CHANNEL_KEYS.contains(k)) {
                        problems.add(new ConfigProblem(null, where + "." + k, "unknown key; expected one of "
                                + "[mode, threshold, maxAnswers, restartAfter]"));
                    }
                }
                channels.put(e.getKey(), settings(e.getValue(), defaults, where, problems));
            }
        }
        return new SelfServiceConfig(defaults, channels, handOffWords(section.path(HAND_OFF_WORDS),
                key + "." + HAND_OFF_WORDS, problems));
    }

    /** The node's keys over {@code base}; a bad value is reported and {@code base}'s kept. */
    private static SelfServiceSettings settings(JsonNode node, SelfServiceSettings base, String where,
                                                List<ConfigProblem> problems) {
        SelfServiceMode mode = base.mode();
        JsonNode m = node.path("mode");
        if (!m.isMissingNode() && !m.isNull()) {
            // YAML 1.1 reads a bare off as false: it means the same here.
            String text = m.isBoolean() && !m.booleanValue() ? "off" : m.asText();
            var parsed = m.isValueNode() ? SelfServiceMode.parse(text) : java.util.Optional.<SelfServiceMode>empty();
            if (parsed.isEmpty()) {
                problems.add(new ConfigProblem(null, where + ".mode", "must be off, suggest or answer (was '"
                        + (m.isValueNode() ? text : m.toString()) + "')"));
            } else {
                mode = parsed.get();
            }
        }
        double threshold = base.threshold();
        JsonNode t = node.path("threshold");
        if (!t.isMissingNode() && !t.isNull()) {
            if (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 1 || Double.isNaN(t.asDouble())) {
                problems.add(new ConfigProblem(null, where + ".threshold", "must be a number from 0 to 1 (a "
                        + "confidence), e.g. 0.5 (was " + t + ")"));
            } else {
                threshold = t.asDouble();
            }
        }
        int maxAnswers = base.maxAnswers();
        JsonNode n = node.path("maxAnswers");
        if (!n.isMissingNode() && !n.isNull()) {
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > MAX_ANSWERS_LIMIT) {
                problems.add(new ConfigProblem(null, where + ".maxAnswers", "must be a whole number from 1 to "
                        + MAX_ANSWERS_LIMIT + " (was " + n + ")"));
            } else {
                maxAnswers = n.asInt();
            }
        }
        Duration restartAfter = base.restartAfter();
        JsonNode r = node.path("restartAfter");
        if (!r.isMissingNode() && !r.isNull()) {
            try {
                Duration d = ConfigDef.parseDuration(r.asText());
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("must be longer than zero");
                }
                restartAfter = d;
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(null, where + ".restartAfter", e.getMessage()));
            }
        }
        return new SelfServiceSettings(mode, threshold, maxAnswers, restartAfter);
    }

    private static HandOffWords handOffWords(JsonNode node, String where, List<ConfigProblem> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return HandOffWords.builtIn();
        }
        if (!node.isObject()) {
            problems.add(new ConfigProblem(null, where, "must be a mapping of languages to word lists, e.g. "
                    + "en: [agent, human]"));
            return HandOffWords.builtIn();
        }
        Map<String, List<String>> own = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String language = e.getKey();
            if (!language.matches("[a-z]{2,3}")) {
                problems.add(new ConfigProblem(null, where + "." + language, "must be a language code such as "
                        + "en or de"));
                continue;
            }
            if (!e.getValue().isArray()) {
                problems.add(new ConfigProblem(null, where + "." + language, "must be a list of words or "
                        + "phrases"));
                continue;
            }
            List<String> words = new ArrayList<>();
            for (JsonNode w : e.getValue()) {
                if (!w.isValueNode() || Words.of(w.asText()).isEmpty()) {
                    problems.add(new ConfigProblem(null, where + "." + language, "must hold words or phrases "
                            + "(was " + w + ")"));
                } else {
                    words.add(w.asText());
                }
            }
            own.put(language, words);
        }
        return HandOffWords.overriding(own);
    }
}
