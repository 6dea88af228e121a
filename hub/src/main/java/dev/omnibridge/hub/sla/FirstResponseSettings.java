package dev.omnibridge.hub.sla;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Settings;
import dev.omnibridge.config.Validator;
import dev.omnibridge.model.Priority;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code firstResponse:} section of the configuration, declared once: its keys with their types, defaults,
 * checks and documentation, and how it is read. The section's own keys are the default for every channel instance;
 * {@code channels.<instance id>} gives an instance the keys that differ.
 * <pre>
 * firstResponse:
 *   urgent: 15m          # a target per priority, in business time of the calendar
 *   high: 1h
 *   normal: 4h
 *   low: 8h
 *   warnAt: 80           # percent of the target; 0: no warning
 *   warningNote: false   # the warning also sends the desks an internal note
 *   calendar: office     # the business calendar the targets count in; none: around the clock
 *   channels:
 *     sms: { urgent: 5m }
 *     test-web: { enabled: false }
 * </pre>
 */
public final class FirstResponseSettings {
    /** The configuration's top-level key. */
    public static final String SECTION = "firstResponse";
    private static final String CHANNELS = "channels";

    private static final Validator POSITIVE = v -> ((Duration) v).isNegative() || ((Duration) v).isZero()
            ? Optional.of("must be longer than zero") : Optional.empty();

    /** The keys of the section and of each channel's entry. */
    public static final ConfigDef DEFINITION = ConfigDef.create()
            .define(Setting.of("enabled", SettingType.BOOLEAN).withDefault(true)
                    .describedAs("whether conversations get a first-response clock"))
            .define(target(Priority.URGENT, "15m"))
            .define(target(Priority.HIGH, "1h"))
            .define(target(Priority.NORMAL, "4h"))
            .define(target(Priority.LOW, "8h"))
            .define(Setting.of("warnAt", SettingType.INT).withDefault(80).validatedBy(Validator.range(0, 99))
                    .describedAs("percent of the target after which a warning fires (metric and timeline entry); "
                            + "0: no warning"))
            .define(Setting.of("warningNote", SettingType.BOOLEAN).withDefault(false)
                    .describedAs("whether the warning also sends the desks an internal note"))
            .define(Setting.of("calendar", SettingType.STRING)
                    .describedAs("the business calendar the targets count in, by name; none: around the clock"));

    private FirstResponseSettings() {
    }

    private static Setting target(Priority priority, String fallback) {
        return Setting.of(key(priority), SettingType.DURATION).withDefault(fallback).validatedBy(POSITIVE)
                .describedAs("how long a " + priority + " conversation may wait for the first public agent reply, "
                        + "in business time (e.g. 15m, 4h, 2d)");
    }

    /** The key of a priority's target: its name in lower case. */
    static String key(Priority priority) {
        return priority.name().toLowerCase(Locale.ROOT);
    }

    static FirstResponsePolicy defaultPolicy() {
        List<ConfigProblem> none = new ArrayList<>();
        FirstResponsePolicy policy = policy(DEFINITION.parse(null, Map.of(), none));
        if (!none.isEmpty()) {
            throw new IllegalStateException("the declared defaults do not pass their own checks: " + none);
        }
        return policy;
    }

    /**
     * Reads the section (a missing or null section: every default). Every problem is added to {@code problems},
     * keyed {@code firstResponse.<key>} or {@code firstResponse.channels.<id>.<key>}: unknown keys (e.g. a
     * misspelt priority), values that are not durations, an entry for an instance that is not configured.
     *
     * @param instanceIds the configured instances, which {@code channels} may name
     */
    public static FirstResponseConfig read(JsonNode section, Collection<String> instanceIds,
                                           List<ConfigProblem> problems) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return FirstResponseConfig.standard();
        }
        if (!section.isObject()) {
            problems.add(new ConfigProblem(null, SECTION, "must be a mapping"));
            return FirstResponseConfig.standard();
        }
        Map<String, Object> given = raw(section, SECTION, true, problems);
        FirstResponsePolicy defaultPolicy = parse(given, SECTION, problems);
        // Channels inherit the section's good values only: a bad one is reported once, where it is written.
        Map<String, Object> defaults = valid(given);
        Map<String, FirstResponsePolicy> channels = new LinkedHashMap<>();
        JsonNode entries = section.path(CHANNELS);
        if (!entries.isMissingNode() && !entries.isNull() && !entries.isObject()) {
            problems.add(new ConfigProblem(null, SECTION + "." + CHANNELS,
                    "must be a mapping of channel instance ids to their targets"));
        } else if (entries.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String where = SECTION + "." + CHANNELS + "." + e.getKey();
                if (!instanceIds.contains(e.getKey())) {
                    problems.add(new ConfigProblem(null, where, "names unknown instance '" + e.getKey() + "'"));
                }
                if (!e.getValue().isObject()) {
                    problems.add(new ConfigProblem(null, where, "must be a mapping of the keys that differ "
                            + "from the default, e.g. { urgent: 5m }"));
                    continue;
                }
                Map<String, Object> merged = new LinkedHashMap<>(defaults);
                merged.putAll(raw(e.getValue(), where, false, problems));
                channels.put(e.getKey(), parse(merged, where, problems));
            }
        }
        return new FirstResponseConfig(defaultPolicy, channels);
    }

    /** The declared keys' raw values; unknown keys are reported and left out. */
    private static Map<String, Object> raw(JsonNode node, String where, boolean section,
                                           List<ConfigProblem> problems) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (section && e.getKey().equals(CHANNELS)) {
                continue;
            }
            if (DEFINITION.setting(e.getKey()).isEmpty()) {
                problems.add(new ConfigProblem(null, where + "." + e.getKey(), "unknown key; expected a priority "
                        + "(urgent, high, normal, low) or one of [enabled, warnAt, warningNote, calendar"
                        + (section ? ", channels]" : "]")));
                continue;
            }
            JsonNode v = e.getValue();
            if (!v.isNull()) {
                values.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
            }
        }
        return values;
    }

    private static FirstResponsePolicy parse(Map<String, Object> raw, String where, List<ConfigProblem> problems) {
        List<ConfigProblem> found = new ArrayList<>();
        DEFINITION.parse(null, raw, found);
        for (ConfigProblem p : found) {
            problems.add(new ConfigProblem(null, where + "." + p.key(), p.message()));
        }
        // What was wrong is reported; the declared defaults stand in for it, so the rest can still be checked.
        return policy(DEFINITION.parse(null, valid(raw), new ArrayList<>()));
    }

    /** The raw values that pass their checks. */
    private static Map<String, Object> valid(Map<String, Object> raw) {
        List<ConfigProblem> found = new ArrayList<>();
        DEFINITION.parse(null, raw, found);
        Map<String, Object> kept = new LinkedHashMap<>(raw);
        found.forEach(p -> kept.remove(p.key()));
        return kept;
    }

    private static FirstResponsePolicy policy(Settings s) {
        Map<Priority, Duration> targets = new EnumMap<>(Priority.class);
        for (Priority p : Priority.values()) {
            targets.put(p, s.duration(key(p)));
        }
        String calendar = s.optionalString("calendar").filter(c -> !c.isBlank()).orElse(null);
        return new FirstResponsePolicy(s.bool("enabled"), targets, s.integer("warnAt"), s.bool("warningNote"),
                calendar);
    }
}
