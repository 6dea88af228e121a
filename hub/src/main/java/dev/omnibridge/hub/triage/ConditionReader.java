package dev.omnibridge.hub.triage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.calendar.BusinessCalendar;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.model.Priority;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads one {@code when:} mapping into a {@link Condition}, reporting every problem (unknown keys, bad regular
 * expressions with the error, misspelt priorities, lists and calendars that are not declared) rather than stopping at
 * the first.
 */
final class ConditionReader {
    static final String LANGUAGE = "language";
    static final String PRIORITY = "priority";
    static final String TAG = "tag";
    static final String CHANNEL = "channel";
    static final String KEYWORDS = "keywords";
    static final String REGEX = "regex";
    static final String CONTACT_IN = "contactIn";
    static final String UNANSWERED = "unanswered";
    static final String INSIDE = "inside";
    static final String OUTSIDE = "outside";
    /** A list of {@code when:} mappings of which at least one must hold (besides the other keys). */
    static final String ANY = "any";
    /** Rules take every key. */
    static final Set<String> RULE_KEYS = Set.of(LANGUAGE, PRIORITY, TAG, CHANNEL, KEYWORDS, REGEX, CONTACT_IN,
            UNANSWERED, INSIDE, OUTSIDE, ANY);
    /** Routes run on the classified message alone: the unanswered count is a rule's business (set a tag). */
    static final Set<String> ROUTE_KEYS = Set.of(LANGUAGE, PRIORITY, TAG, CHANNEL, KEYWORDS, REGEX, CONTACT_IN,
            INSIDE, OUTSIDE, ANY);
    private static final Pattern LANGUAGE_TAG = Pattern.compile("[a-z]{2,3}(-[a-z0-9]{2,8})*");

    private final CalendarRegistry calendars;
    private final Map<String, ContactList> lists;
    private final List<ConfigProblem> problems;

    ConditionReader(CalendarRegistry calendars, Map<String, ContactList> lists, List<ConfigProblem> problems) {
        this.calendars = calendars;
        this.lists = lists;
        this.problems = problems;
    }

    /** The condition, or {@link Condition#ALWAYS} for a missing {@code when}; problems keyed under {@code where}. */
    Condition read(JsonNode when, String where, Set<String> allowed) {
        if (when == null || when.isMissingNode() || when.isNull()) {
            return Condition.ALWAYS;
        }
        if (!when.isObject()) {
            problems.add(new ConfigProblem(null, where, "must be a mapping of conditions, e.g. {language: de}"));
            return Condition.ALWAYS;
        }
        Condition.Builder b = new Condition.Builder();
        for (Iterator<Map.Entry<String, JsonNode>> it = when.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String at = where + "." + key;
            JsonNode value = e.getValue();
            if (!allowed.contains(key)) {
                String hint = UNANSWERED.equals(key) ? " (routes cannot count unanswered messages: let a rule tag "
                        + "the message and route on the tag)" : "";
                problems.add(new ConfigProblem(null, at, "unknown condition; expected one of "
                        + new TreeSet<>(allowed) + hint));
                continue;
            }
            switch (key) {
                case LANGUAGE -> b.languages = languages(value, at);
                case PRIORITY -> b.priorities = priorities(value, at);
                case TAG -> b.tags = strings(value, at);
                case CHANNEL -> b.channels = new LinkedHashSet<>(strings(value, at));
                case KEYWORDS -> b.keywords = keywords(value, at);
                case REGEX -> b.regex = regex(value, at);
                case CONTACT_IN -> b.contactIn = list(value, at);
                case UNANSWERED -> b.unanswered = atLeast(value, at);
                case INSIDE -> b.inside = calendar(value, at);
                case OUTSIDE -> b.outside = calendar(value, at);
                case ANY -> b.any = anyOf(value, at, allowed);
                default -> throw new IllegalStateException(key);
            }
        }
        return b.build();
    }

    /** {@code any:} a non-empty list of {@code when:} mappings, each read like the enclosing one. */
    private List<Condition> anyOf(JsonNode value, String at, Set<String> allowed) {
        List<Condition> alternatives = new ArrayList<>();
        if (!value.isArray() || value.isEmpty()) {
            problems.add(new ConfigProblem(null, at, "must be a list of condition mappings, e.g. [{tag: vip}, "
                    + "{keywords: [refund]}]"));
            return alternatives;
        }
        int i = 0;
        for (JsonNode item : value) {
            String where = at + "[" + i++ + "]";
            if (!item.isObject() || item.isEmpty()) {
                problems.add(new ConfigProblem(null, where, "must be a mapping of conditions, e.g. {language: de}"));
            } else {
                alternatives.add(read(item, where, allowed));
            }
        }
        return alternatives;
    }

    /** One string or a list of strings, each non-empty; problems reported. */
    List<String> strings(JsonNode value, String at) {
        List<String> out = new ArrayList<>();
        if (value.isTextual() || value.isNumber() || value.isBoolean()) {
            out.add(value.asText().strip());
        } else if (value.isArray()) {
            for (JsonNode item : value) {
                if (item.isValueNode() && !item.isNull()) {
                    out.add(item.asText().strip());
                } else {
                    problems.add(new ConfigProblem(null, at, "list entries must be plain values"));
                }
            }
        } else {
            problems.add(new ConfigProblem(null, at, "must be a value or a list of values"));
            return out;
        }
        if (out.isEmpty() || out.stream().anyMatch(String::isEmpty)) {
            problems.add(new ConfigProblem(null, at, "must not be empty"));
            out.removeIf(String::isEmpty);
        }
        return out;
    }

    private List<String> languages(JsonNode value, String at) {
        List<String> out = new ArrayList<>();
        for (String l : strings(value, at)) {
            String tag = l.toLowerCase(Locale.ROOT).replace('_', '-');
            if (!tag.equals(Condition.UNKNOWN_LANGUAGE) && !LANGUAGE_TAG.matcher(tag).matches()) {
                problems.add(new ConfigProblem(null, at, "'" + l + "' is not a language tag (e.g. de, en, pt-br) "
                        + "or 'unknown'"));
            } else {
                out.add(tag);
            }
        }
        return out;
    }

    private Set<Priority> priorities(JsonNode value, String at) {
        Set<Priority> out = EnumSet.noneOf(Priority.class);
        for (String p : strings(value, at)) {
            priority(p, at).ifPresent(out::add);
        }
        return out;
    }

    Optional<Priority> priority(String text, String at) {
        try {
            return Optional.of(Priority.valueOf(text.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem(null, at, "'" + text + "' is not a priority; expected one of "
                    + List.of(Priority.values())));
            return Optional.empty();
        }
    }

    /** A plain list (any language) or a mapping of language tag to list. */
    private Map<String, List<String>> perLanguage(JsonNode value, String at) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String tag = e.getKey().strip().toLowerCase(Locale.ROOT).replace('_', '-');
                if (!LANGUAGE_TAG.matcher(tag).matches()) {
                    problems.add(new ConfigProblem(null, at + "." + e.getKey(),
                            "is not a language tag (e.g. de, en); a plain list applies to every language"));
                    continue;
                }
                out.put(tag, strings(e.getValue(), at + "." + e.getKey()));
            }
            if (out.isEmpty() && problems.stream().noneMatch(p -> p.key() != null && p.key().startsWith(at))) {
                problems.add(new ConfigProblem(null, at, "must not be empty"));
            }
        } else {
            out.put(KeywordMatcher.ANY_LANGUAGE, strings(value, at));
        }
        return out;
    }

    /** The language tags of a per-language mapping, for the checks that need them (supported, configured). */
    static Set<String> languagesOf(JsonNode value) {
        Set<String> out = new LinkedHashSet<>();
        if (value != null && value.isObject()) {
            value.fieldNames().forEachRemaining(n -> out.add(n.strip().toLowerCase(Locale.ROOT).replace('_', '-')));
        }
        return out;
    }

    private KeywordMatcher keywords(JsonNode value, String at) {
        Map<String, List<String>> words = perLanguage(value, at);
        words.forEach((language, list) -> list.stream().filter(w -> !KeywordMatcher.meaningful(w)).forEach(w ->
                problems.add(new ConfigProblem(null, at, "keyword '" + w + "' has no letters or digits"))));
        return new KeywordMatcher(words);
    }

    private RegexMatcher regex(JsonNode value, String at) {
        Map<String, List<Pattern>> compiled = new LinkedHashMap<>();
        perLanguage(value, at).forEach((language, list) -> {
            List<Pattern> patterns = new ArrayList<>();
            for (String r : list) {
                try {
                    patterns.add(Pattern.compile(r, RegexMatcher.FLAGS));
                } catch (PatternSyntaxException e) {
                    problems.add(new ConfigProblem(null, at, "bad regular expression '" + r + "': "
                            + e.getDescription() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "")));
                }
            }
            compiled.put(language, patterns);
        });
        return new RegexMatcher(compiled);
    }

    private ContactList list(JsonNode value, String at) {
        String name = value.asText("").strip();
        if (!value.isTextual() || name.isEmpty()) {
            problems.add(new ConfigProblem(null, at, "must name a list of triage.lists"));
            return new ContactList(name, List.of());
        }
        ContactList list = lists.get(name);
        if (list == null) {
            problems.add(new ConfigProblem(null, at, "names unknown list '" + name + "' (" + (lists.isEmpty()
                    ? "no lists are declared; add it under triage.lists" : "declared: " + new TreeSet<>(lists.keySet()))
                    + ")"));
            return new ContactList(name, List.of());
        }
        return list;
    }

    private int atLeast(JsonNode value, String at) {
        String text = value.asText("").strip();
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 10_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(new ConfigProblem(null, at, "must be a whole number from 1 (at least that many customer "
                + "messages without an answer), was '" + text + "'"));
        return 1;
    }

    private BusinessCalendar calendar(JsonNode value, String at) {
        String name = value.asText("").strip();
        if (!value.isTextual() || name.isEmpty()) {
            problems.add(new ConfigProblem(null, at, "must name a calendar of calendars:"));
            return BusinessCalendar.alwaysOpen();
        }
        calendars.problemIfUnknown(null, at, name).ifPresent(problems::add);
        return calendars.find(name).orElseGet(BusinessCalendar::alwaysOpen);
    }
}
