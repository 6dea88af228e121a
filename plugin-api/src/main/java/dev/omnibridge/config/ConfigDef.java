package dev.omnibridge.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A connector's settings, declared once: the hub validates configuration against it before anything starts,
 * documents it, and hands the connector typed {@link Settings}.
 */
public final class ConfigDef {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Map<String, Setting> settings = new LinkedHashMap<>();
    private final List<Check> checks = new ArrayList<>();

    /**
     * A rule across several settings (e.g. "a pipeline needs its stage"), which a single setting's
     * {@link Validator} cannot see: given the typed settings, the problem, or empty when they hold together.
     */
    @FunctionalInterface
    public interface Rule {
        Optional<String> check(Settings settings);
    }

    private record Check(String key, Rule rule) {
    }

    public static ConfigDef create() {
        return new ConfigDef();
    }

    public ConfigDef define(Setting setting) {
        if (settings.putIfAbsent(setting.name(), setting) != null) {
            throw new IllegalArgumentException("setting '" + setting.name() + "' is defined twice");
        }
        return this;
    }

    /**
     * Adds a rule across settings, checked by {@link #parse} once every setting on its own is fine; its problem is
     * reported against {@code key}.
     */
    public ConfigDef check(String key, Rule rule) {
        checks.add(new Check(key, rule));
        return this;
    }

    public Collection<Setting> settings() {
        return settings.values();
    }

    public Optional<Setting> setting(String name) {
        return Optional.ofNullable(settings.get(name));
    }

    /**
     * Converts and checks raw configuration values. Every problem is collected, none stops the check early.
     *
     * @param instanceId for the problems' context
     * @param raw        values as configuration gave them (strings, numbers, booleans, lists)
     * @param problems   receives each problem found
     * @return the typed settings; meaningful only when no problem was added
     */
    public Settings parse(String instanceId, Map<String, ?> raw, List<ConfigProblem> problems) {
        Map<String, Object> values = new LinkedHashMap<>();
        int before = problems.size();
        for (String key : raw.keySet()) {
            if (!settings.containsKey(key)) {
                problems.add(new ConfigProblem(instanceId, key, "unknown setting; known settings are "
                        + settings.keySet()));
            }
        }
        for (Setting s : settings.values()) {
            Object value = raw.get(s.name());
            if (value == null || (value instanceof String str && str.isEmpty() && s.isRequired())) {
                if (s.isRequired()) {
                    problems.add(new ConfigProblem(instanceId, s.name(), "required setting is missing"
                            + (s.description().isEmpty() ? "" : " (" + s.description() + ")")));
                    continue;
                }
                value = s.defaultValue();
                if (value == null) {
                    continue;
                }
            }
            try {
                Object converted = convert(s.type(), value);
                if (s.validator() != null) {
                    Optional<String> problem = s.validator().check(converted);
                    if (problem.isPresent()) {
                        // A validator may quote the value; a secret's value must never reach a log or an answer.
                        problems.add(new ConfigProblem(instanceId, s.name(), s.isSecret()
                                ? "secret value is not valid" : problem.get()));
                        continue;
                    }
                }
                values.put(s.name(), s.isSecret() ? new Secret(String.valueOf(converted)) : converted);
            } catch (IllegalArgumentException e) {
                // The message never repeats a secret's value.
                problems.add(new ConfigProblem(instanceId, s.name(), e.getMessage()
                        + (s.isSecret() ? "" : ", was '" + value + "'")));
            }
        }
        Settings parsed = new Settings(values);
        if (problems.size() == before) {
            for (Check c : checks) {
                c.rule().check(parsed).ifPresent(p -> problems.add(new ConfigProblem(instanceId, c.key(), p)));
            }
        }
        return parsed;
    }

    static Object convert(SettingType type, Object value) {
        String text = String.valueOf(value).strip();
        return switch (type) {
            case STRING, CALENDAR -> text;
            case INT -> parseNumber(text, "an integer", Integer::parseInt);
            case LONG -> parseNumber(text, "an integer", Long::parseLong);
            case BOOLEAN -> switch (text.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException("must be true or false");
            };
            case DURATION -> parseDuration(text);
            case URL -> parseUrl(text);
            case LIST -> value instanceof Collection<?> c
                    ? c.stream().map(String::valueOf).map(String::strip).toList()
                    : Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        };
    }

    private static <T> T parseNumber(String text, String what, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be " + what);
        }
    }

    public static Duration parseDuration(String text) {
        Matcher m = SHORT_DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("must be a duration such as 30s, 5m or PT1H");
        }
    }

    private static URI parseUrl(String text) {
        try {
            URI uri = new URI(text);
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("must be an absolute http or https URL");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("must be an absolute http or https URL");
        }
    }
}
