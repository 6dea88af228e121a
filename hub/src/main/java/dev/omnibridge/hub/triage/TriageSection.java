package dev.omnibridge.hub.triage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Settings;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.model.Priority;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code triage:} section of the configuration, declared once and read here, every problem reported:
 * <pre>
 * triage:
 *   languages: [en, de, fr]        # detection chooses among these; none: no detection
 *   minConfidence: 0.5             # below: unknown
 *   lists:
 *     vip: ["+4915112345678", "ceo@bigcustomer.example"]
 *   rules:
 *     - name: urgent-words
 *       when: {keywords: {en: [urgent, "not working"], de: [dringend]}}
 *       set: {priority: URGENT, tags: [urgent]}
 *       stop: false
 * </pre>
 * The keys of a rule's {@code when} are those of {@link ConditionReader#RULE_KEYS}.
 */
public final class TriageSection {
    private static final String LANGUAGES = "languages";
    private static final String MIN_CONFIDENCE = "minConfidence";
    private static final String LISTS = "lists";
    private static final String RULES = "rules";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Set<String> RULE_KEYS = Set.of("name", "when", "set", "stop");
    private static final Set<String> SET_KEYS = Set.of("priority", "tags");

    /** The section's plain keys; {@code lists} and {@code rules} are read by hand. */
    public static final ConfigDef DEFINITION = ConfigDef.create()
            .define(Setting.of(LANGUAGES, SettingType.LIST).withDefault(List.of())
                    .describedAs("the languages detection chooses among (ISO 639-1 codes, e.g. [en, de, fr]); "
                            + "none: no detection. An instance's own `languages` replaces it for its messages"))
            .define(Setting.of(MIN_CONFIDENCE, SettingType.STRING)
                    .withDefault(String.valueOf(TriageConfig.DEFAULT_MIN_CONFIDENCE))
                    .validatedBy(v -> confidence(String.valueOf(v)).isPresent() ? Optional.empty()
                            : Optional.of("must be a number from 0 to 1, was '" + v + "'"))
                    .describedAs("below this confidence (0 to 1) the language is unknown rather than a guess"));

    private TriageSection() {
    }

    /** Reads the section (missing: no triage); problems keyed {@code triage.<key>}. */
    public static TriageConfig read(JsonNode section, CalendarRegistry calendars, List<ConfigProblem> problems) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return TriageConfig.none();
        }
        if (!section.isObject()) {
            problems.add(new ConfigProblem(null, TriageConfig.KEY, "must be a mapping"));
            return TriageConfig.none();
        }
        Map<String, Object> raw = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = section.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(LISTS) || e.getKey().equals(RULES)) {
                continue;
            }
            raw.put(e.getKey(), plain(e.getValue()));
        }
        List<ConfigProblem> plainProblems = new ArrayList<>();
        Settings settings = DEFINITION.parse(null, raw, plainProblems);
        plainProblems.forEach(p -> problems.add(new ConfigProblem(null, TriageConfig.KEY + "." + p.key(),
                p.message().replace("unknown setting; known settings are [", "unknown key; expected one of ["
                        + LISTS + ", " + RULES + ", "))));
        List<String> languages = settings.has(LANGUAGES)
                ? languages(settings.list(LANGUAGES), TriageConfig.KEY + "." + LANGUAGES, problems) : List.of();
        double minConfidence = settings.has(MIN_CONFIDENCE)
                ? confidence(settings.string(MIN_CONFIDENCE)).orElse(TriageConfig.DEFAULT_MIN_CONFIDENCE)
                : TriageConfig.DEFAULT_MIN_CONFIDENCE;
        Map<String, ContactList> lists = lists(section.path(LISTS), problems);
        List<Rule> rules = rules(section.path(RULES), new ConditionReader(calendars, lists, problems), problems);
        return new TriageConfig(languages, minConfidence, lists, rules);
    }

    /**
     * Language codes as configured, lower case; each must be one the detector knows
     * ({@link LinguaLanguageDetector#unsupported}).
     */
    public static List<String> languages(List<String> given, String at, List<ConfigProblem> problems) {
        List<String> out = new ArrayList<>();
        for (String l : given) {
            String tag = l.strip().toLowerCase(Locale.ROOT);
            Optional<String> unsupported = LinguaLanguageDetector.unsupported(tag);
            if (unsupported.isPresent()) {
                problems.add(new ConfigProblem(null, at, unsupported.get()));
            } else if (!out.contains(tag)) {
                out.add(tag);
            }
        }
        return out;
    }

    private static Optional<Double> confidence(String text) {
        try {
            double d = Double.parseDouble(text.strip());
            return d >= 0 && d <= 1 ? Optional.of(d) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Map<String, ContactList> lists(JsonNode node, List<ConfigProblem> problems) {
        Map<String, ContactList> lists = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return lists;
        }
        String at = TriageConfig.KEY + "." + LISTS;
        if (!node.isObject()) {
            problems.add(new ConfigProblem(null, at, "must be a mapping of list names to addresses"));
            return lists;
        }
        node.fields().forEachRemaining(e -> {
            String where = at + "." + e.getKey();
            List<String> entries = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().forEach(v -> entries.add(v.asText("").strip()));
            } else {
                problems.add(new ConfigProblem(null, where, "must be a list of addresses (E.164 phone numbers, "
                        + "emails, chat user ids)"));
            }
            if (entries.stream().anyMatch(String::isEmpty)) {
                problems.add(new ConfigProblem(null, where, "has an empty entry"));
                entries.removeIf(String::isEmpty);
            }
            lists.put(e.getKey(), new ContactList(e.getKey(), entries));
        });
        return lists;
    }

    private static List<Rule> rules(JsonNode node, ConditionReader conditions, List<ConfigProblem> problems) {
        List<Rule> rules = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return rules;
        }
        String at = TriageConfig.KEY + "." + RULES;
        if (!node.isArray()) {
            problems.add(new ConfigProblem(null, at, "must be a list of rules"));
            return rules;
        }
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode item : node) {
            String name = item.path("name").asText("").strip();
            String where = at + "[" + index++ + "]" + (name.isEmpty() ? "" : "(" + name + ")");
            if (!item.isObject()) {
                problems.add(new ConfigProblem(null, where, "must be a mapping with name, when, set"));
                continue;
            }
            for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!RULE_KEYS.contains(key)) {
                    problems.add(new ConfigProblem(null, where + "." + key, "unknown key; expected one of "
                            + new TreeSet<>(RULE_KEYS)));
                }
            }
            if (name.isEmpty()) {
                problems.add(new ConfigProblem(null, where + ".name", "is required (it names the rule in the "
                        + "stored record and the rules test)"));
            } else if (!NAME.matcher(name).matches()) {
                problems.add(new ConfigProblem(null, where + ".name", "must be letters, digits, '-', '_' or '.'"));
            } else if (!names.add(name)) {
                problems.add(new ConfigProblem(null, where + ".name", "rule name '" + name
                        + "' is used more than once"));
            }
            Condition when = conditions.read(item.get("when"), where + ".when", ConditionReader.RULE_KEYS);
            if (!item.hasNonNull("when")) {
                problems.add(new ConfigProblem(null, where + ".when", "is required: what must hold for the rule to "
                        + "fire"));
            }
            JsonNode set = item.path("set");
            Priority priority = null;
            List<String> tags = List.of();
            if (!set.isObject()) {
                problems.add(new ConfigProblem(null, where + ".set", "is required: a mapping with priority and/or "
                        + "tags"));
            } else {
                for (Iterator<String> it = set.fieldNames(); it.hasNext(); ) {
                    String key = it.next();
                    if (!SET_KEYS.contains(key)) {
                        problems.add(new ConfigProblem(null, where + ".set." + key, "unknown key; expected one of "
                                + new TreeSet<>(SET_KEYS)));
                    }
                }
                if (set.hasNonNull("priority")) {
                    priority = conditions.priority(set.get("priority").asText(), where + ".set.priority")
                            .orElse(null);
                }
                if (set.hasNonNull("tags")) {
                    tags = conditions.strings(set.get("tags"), where + ".set.tags");
                }
                if (!set.hasNonNull("priority") && !set.hasNonNull("tags")) {
                    problems.add(new ConfigProblem(null, where + ".set", "sets nothing: give priority and/or tags"));
                }
            }
            boolean stop = false;
            if (item.hasNonNull("stop")) {
                String text = item.get("stop").asText();
                if (!text.equals("true") && !text.equals("false")) {
                    problems.add(new ConfigProblem(null, where + ".stop", "must be true or false"));
                }
                stop = text.equals("true");
            }
            rules.add(new Rule(name, when, priority, tags, stop));
        }
        return rules;
    }

    private static Object plain(JsonNode value) {
        if (value.isArray()) {
            List<Object> list = new ArrayList<>();
            value.forEach(v -> list.add(v.asText()));
            return list;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
