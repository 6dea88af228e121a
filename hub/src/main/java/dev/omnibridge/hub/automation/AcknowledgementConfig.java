package dev.omnibridge.hub.automation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code acknowledgements} block, declared once: under {@code hub:} it is the default for every channel
 * instance, under an instance it overrides that default key by key (and template language by template language).
 * Every problem is reported, with the key it is under, as the rest of the configuration does.
 */
public final class AcknowledgementConfig {
    public static final String KEY = "acknowledgements";
    static final String TEMPLATES = "templates";
    static final String IN_HOURS = "inHours";
    static final String OUT_OF_HOURS = "outOfHours";

    /** The block's plain settings; {@code templates} is a mapping of its own, read by {@link #templates}. */
    public static final ConfigDef DEFINITION = ConfigDef.create()
            .define(Setting.of("enabled", SettingType.BOOLEAN).withDefault(false)
                    .describedAs("send an automatic acknowledgement to a customer who writes"))
            .define(Setting.of("quietPeriod", SettingType.DURATION).withDefault("12h")
                    .describedAs("no second acknowledgement in a conversation within this time of the last one or "
                            + "of an agent's reply")
                    .validatedBy(v -> between((Duration) v, Duration.ofMinutes(1), Duration.ofDays(30))))
            .define(Setting.of("calendar", SettingType.STRING)
                    .describedAs("name of the business calendar that decides between the inHours and outOfHours "
                            + "text; none: always in hours"))
            .define(Setting.of("defaultLanguage", SettingType.STRING).withDefault("en")
                    .describedAs("language of the template used when the message's language has none")
                    .validatedBy(v -> languageTag((String) v)))
            .define(Setting.of("expectedAnswer", SettingType.DURATION).withDefault("4h")
                    .describedAs("business time within which an answer can be expected, for {expectedAnswer}")
                    .validatedBy(v -> between((Duration) v, Duration.ofMinutes(1), Duration.ofDays(30))))
            .define(Setting.of("channelName", SettingType.STRING)
                    .describedAs("what {channel} reads; default: the channel type's usual name (WhatsApp, SMS...)"));

    /** The text used when a language has none configured: English, in and out of hours. */
    public static final String DEFAULT_IN_HOURS = "Hi {firstName:there}, thank you for your message. We have received "
            + "it (reference {reference}) and will answer here on {channel} by {expectedAnswer}.";
    public static final String DEFAULT_OUT_OF_HOURS = "Hi {firstName:there}, thank you for your message (reference "
            + "{reference}). We are closed right now and will answer here on {channel} by {expectedAnswer}.";

    private final AcknowledgementSettings defaults;
    private final Map<String, AcknowledgementSettings> perInstance;

    public AcknowledgementConfig(AcknowledgementSettings defaults, Map<String, AcknowledgementSettings> perInstance) {
        this.defaults = defaults;
        this.perInstance = Map.copyOf(perInstance);
    }

    /** No acknowledgements anywhere. */
    public static AcknowledgementConfig disabled() {
        return new AcknowledgementConfig(AcknowledgementSettings.DISABLED, Map.of());
    }

    /** The settings of a channel instance: its own block over the hub-wide one. */
    public AcknowledgementSettings forInstance(String instanceId) {
        return perInstance.getOrDefault(instanceId, defaults);
    }

    /** Whether any channel instance (or the hub-wide default) acknowledges at all. */
    public boolean anyEnabled() {
        return defaults.enabled() || perInstance.values().stream().anyMatch(AcknowledgementSettings::enabled);
    }

    /** Whether the instance has an {@code acknowledgements} block of its own. */
    public boolean hasOwnBlock(String instanceId) {
        return perInstance.containsKey(instanceId);
    }

    public AcknowledgementSettings defaults() {
        return defaults;
    }

    /** A problem for each calendar name the blocks give that {@code calendars} does not know. */
    public List<ConfigProblem> unknownCalendars(CalendarLookup calendars) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (defaults.calendar() != null && calendars.find(defaults.calendar()).isEmpty()) {
            problems.add(new ConfigProblem(null, "hub." + KEY + ".calendar", "names unknown calendar '"
                    + defaults.calendar() + "'"));
        }
        perInstance.forEach((id, s) -> {
            if (s.calendar() != null && !s.calendar().equals(defaults.calendar())
                    && calendars.find(s.calendar()).isEmpty()) {
                problems.add(new ConfigProblem(id, KEY + ".calendar", "names unknown calendar '" + s.calendar()
                        + "'"));
            }
        });
        return problems;
    }

    /**
     * Reads the hub-wide block and the instances' blocks.
     *
     * @param hubBlock       {@code hub.acknowledgements}, possibly missing
     * @param instanceBlocks each instance's {@code acknowledgements} block, by instance id (only those that have one)
     */
    public static AcknowledgementConfig read(JsonNode hubBlock, Map<String, JsonNode> instanceBlocks,
                                             List<ConfigProblem> problems) {
        Map<String, Object> hubRaw = new LinkedHashMap<>();
        Map<String, JsonNode> hubTemplates = new LinkedHashMap<>();
        split(hubBlock, null, "hub." + KEY, hubRaw, hubTemplates, problems);
        AcknowledgementSettings defaults = settings(null, "hub." + KEY + ".", hubRaw, hubTemplates, problems);
        Map<String, AcknowledgementSettings> perInstance = new LinkedHashMap<>();
        instanceBlocks.forEach((id, block) -> {
            Map<String, Object> raw = new LinkedHashMap<>(hubRaw);
            Map<String, JsonNode> templates = new LinkedHashMap<>(hubTemplates);
            List<ConfigProblem> own = new ArrayList<>();
            split(block, id, KEY, raw, templates, own);
            // The hub-wide block's own problems were reported once already, under hub.acknowledgements.
            List<ConfigProblem> all = new ArrayList<>();
            AcknowledgementSettings s = settings(id, KEY + ".", raw, templates, all);
            problems.addAll(own);
            all.stream().filter(p -> !reportedForHub(p, problems)).forEach(problems::add);
            perInstance.put(id, s);
        });
        return new AcknowledgementConfig(defaults, perInstance);
    }

    private static boolean reportedForHub(ConfigProblem p, List<ConfigProblem> problems) {
        String key = p.key() == null ? "" : p.key().substring(KEY.length() + 1);
        return problems.stream().anyMatch(q -> q.instanceId() == null && ("hub." + KEY + "." + key).equals(q.key())
                && q.message().equals(p.message()));
    }

    /** Puts the block's plain values into {@code raw} and its templates into {@code templates}, over what is there. */
    private static void split(JsonNode block, String instanceId, String where, Map<String, Object> raw,
                              Map<String, JsonNode> templates, List<ConfigProblem> problems) {
        if (block == null || block.isMissingNode() || block.isNull()) {
            return;
        }
        if (!block.isObject()) {
            problems.add(new ConfigProblem(instanceId, where, "must be a mapping"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = block.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(TEMPLATES)) {
                if (!e.getValue().isObject()) {
                    problems.add(new ConfigProblem(instanceId, where + "." + TEMPLATES,
                            "must be a mapping from language (en, de...) to texts"));
                    continue;
                }
                e.getValue().fields().forEachRemaining(t -> templates.put(t.getKey(), t.getValue()));
            } else {
                raw.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
            }
        }
    }

    private static AcknowledgementSettings settings(String instanceId, String prefix, Map<String, Object> raw,
                                                    Map<String, JsonNode> templateNodes,
                                                    List<ConfigProblem> problems) {
        List<ConfigProblem> found = new ArrayList<>();
        Settings s = DEFINITION.parse(instanceId, raw, found);
        found.forEach(p -> problems.add(new ConfigProblem(instanceId, prefix + p.key(), p.message())));
        Map<String, AcknowledgementSettings.Texts> templates = templates(instanceId, prefix, templateNodes,
                problems);
        String defaultLanguage = s.has("defaultLanguage") ? normal(s.string("defaultLanguage")) : "en";
        if (templates.isEmpty()) {
            templates.put(defaultLanguage, builtIn());
        } else if (!templates.containsKey(defaultLanguage)) {
            problems.add(new ConfigProblem(instanceId, prefix + "defaultLanguage", "'" + defaultLanguage
                    + "' has no template; templates are given for " + templates.keySet()));
        }
        boolean enabled = s.has("enabled") && s.bool("enabled");
        return new AcknowledgementSettings(enabled,
                s.has("quietPeriod") ? s.duration("quietPeriod") : Duration.ofHours(12),
                s.optionalString("calendar").filter(c -> !c.isBlank()).orElse(null), defaultLanguage,
                s.has("expectedAnswer") ? s.duration("expectedAnswer") : Duration.ofHours(4),
                s.optionalString("channelName").filter(c -> !c.isBlank()).orElse(null), Map.copyOf(templates));
    }

    private static Map<String, AcknowledgementSettings.Texts> templates(String instanceId, String prefix,
                                                                         Map<String, JsonNode> nodes,
                                                                         List<ConfigProblem> problems) {
        Map<String, AcknowledgementSettings.Texts> templates = new LinkedHashMap<>();
        nodes.forEach((language, node) -> {
            String where = prefix + TEMPLATES + "." + language;
            languageTag(language).ifPresent(p -> problems.add(new ConfigProblem(instanceId, where, p)));
            AckTemplate inHours;
            AckTemplate outOfHours;
            if (node.isTextual()) {
                inHours = template(node.asText(), instanceId, where, problems);
                outOfHours = inHours;
            } else if (node.isObject()) {
                node.fieldNames().forEachRemaining(k -> {
                    if (!k.equals(IN_HOURS) && !k.equals(OUT_OF_HOURS)) {
                        problems.add(new ConfigProblem(instanceId, where + "." + k, "unknown key; expected "
                                + IN_HOURS + " and " + OUT_OF_HOURS));
                    }
                });
                inHours = template(node.path(IN_HOURS).asText(null), instanceId, where + "." + IN_HOURS, problems);
                // Without an out-of-hours text the one text serves both.
                outOfHours = node.hasNonNull(OUT_OF_HOURS)
                        ? template(node.get(OUT_OF_HOURS).asText(), instanceId, where + "." + OUT_OF_HOURS, problems)
                        : inHours;
            } else {
                problems.add(new ConfigProblem(instanceId, where, "must be a text, or inHours and outOfHours texts"));
                return;
            }
            templates.put(normal(language), new AcknowledgementSettings.Texts(inHours, outOfHours));
        });
        return templates;
    }

    private static AckTemplate template(String text, String instanceId, String where, List<ConfigProblem> problems) {
        List<String> found = new ArrayList<>();
        AckTemplate t = AckTemplate.parse(text, found);
        found.forEach(p -> problems.add(new ConfigProblem(instanceId, where, p)));
        return t;
    }

    static AcknowledgementSettings.Texts builtIn() {
        List<String> none = new ArrayList<>();
        return new AcknowledgementSettings.Texts(AckTemplate.parse(DEFAULT_IN_HOURS, none),
                AckTemplate.parse(DEFAULT_OUT_OF_HOURS, none));
    }

    private static String normal(String language) {
        return language.strip().replace('_', '-').toLowerCase(Locale.ROOT);
    }

    private static Optional<String> languageTag(String tag) {
        try {
            Locale locale = new Locale.Builder().setLanguageTag(tag.strip().replace('_', '-')).build();
            return locale.getLanguage().isEmpty() ? Optional.of("'" + tag + "' is not a language tag (en, de, pt-BR)")
                    : Optional.empty();
        } catch (IllformedLocaleException e) {
            return Optional.of("'" + tag + "' is not a language tag (en, de, pt-BR)");
        }
    }

    private static Optional<String> between(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 || d.compareTo(max) > 0
                ? Optional.of("must be between " + min.toMinutes() + " minutes and " + max.toDays() + " days")
                : Optional.empty();
    }
}
