package dev.omnibridge.hub.camel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Settings;
import dev.omnibridge.model.AddressKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of {@code camel-channel} and {@code camel-desk}: the route (a YAML DSL file or inline text) and the
 * properties its {@code {{placeholders}}} read, scoped to the instance.
 */
public final class CamelRouteSettings {
    public static final String ROUTES = "routes";
    public static final String ROUTE = "route";
    public static final String PROPERTIES = "properties";
    public static final String EVENTS = "events";
    public static final String ADDRESS_KIND = "addressKind";
    public static final String EVENT_MESSAGES = "messages";
    public static final String EVENT_STATUS = "status";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CamelRouteSettings() {
    }

    static ConfigDef common() {
        return ConfigDef.create()
                .define(Setting.of(ROUTES, SettingType.STRING).describedAs("path of a Camel YAML DSL file with the "
                        + "instance's routes, relative to the configuration file's directory"))
                .define(Setting.of(ROUTE, SettingType.STRING).describedAs("the routes as Camel YAML DSL text, "
                        + "instead of a file"))
                .define(Setting.of(PROPERTIES, SettingType.STRING).describedAs("a mapping of names to values the "
                        + "routes read as {{name}}, for this instance only").validatedBy(v ->
                        properties(String.valueOf(v)).isPresent() ? Optional.empty()
                                : Optional.of("must be a mapping of names to plain values")))
                .check(ROUTES, s -> s.has(ROUTES) == s.has(ROUTE)
                        ? Optional.of("set exactly one of 'routes' (a YAML file) and 'route' (inline YAML)")
                        : Optional.empty());
    }

    static ConfigDef desk() {
        return common().define(Setting.of(EVENTS, SettingType.LIST).withDefault(List.of(EVENT_MESSAGES))
                .describedAs("what the route receives: messages, and with status the conversations' status changes")
                .validatedBy(v -> ((List<?>) v).stream().allMatch(e -> EVENT_MESSAGES.equals(e)
                        || EVENT_STATUS.equals(e)) ? Optional.empty()
                        : Optional.of("must list only messages and status")));
    }

    static ConfigDef channel() {
        return common().define(Setting.of(ADDRESS_KIND, SettingType.STRING).withDefault("chat-user")
                .describedAs("the kind of a bare OmnibridgeAddress header: chat-user, email or phone")
                .validatedBy(v -> addressKind(String.valueOf(v)).isPresent() ? Optional.empty()
                        : Optional.of("must be chat-user, email or phone")));
    }

    static Optional<AddressKind> addressKind(String text) {
        String k = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (AddressKind kind : AddressKind.values()) {
            if (kind.name().equals(k)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /**
     * The configured properties. The configuration loader hands a YAML mapping over as its JSON text; also taken:
     * {@code name=value} lines.
     */
    static Optional<Map<String, String>> properties(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return Optional.of(out);
        }
        if (t.startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(t);
                for (var it = node.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!e.getValue().isValueNode()) {
                        return Optional.empty();
                    }
                    out.put(e.getKey(), e.getValue().asText());
                }
                return Optional.of(out);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        for (String line : t.split("\\R")) {
            int eq = line.indexOf('=');
            if (line.isBlank()) {
                continue;
            }
            if (eq <= 0) {
                return Optional.empty();
            }
            out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return Optional.of(out);
    }

    static Map<String, String> properties(Settings settings) {
        return settings.optionalString(PROPERTIES).flatMap(CamelRouteSettings::properties).orElse(Map.of());
    }

    /** The YAML text and a name for it (the file's, or {@code <instance>-inline.camel.yaml}) for messages. */
    record Source(String name, String yaml) {
    }

    static Source source(String instanceId, Settings settings) throws IOException {
        if (settings.has(ROUTE)) {
            return new Source(instanceId + "-inline.camel.yaml", settings.string(ROUTE));
        }
        Path file = Path.of(settings.string(ROUTES));
        if (!Files.isRegularFile(file)) {
            throw new IOException("routes file " + file + " does not exist");
        }
        return new Source(file.getFileName().toString(), Files.readString(file));
    }

    /** {@code routes:} relative to the configuration file's directory, as the loader resolves it. */
    public static Object resolveRoutesPath(Object routes, Path configDir) {
        if (routes == null || configDir == null) {
            return routes;
        }
        String text = String.valueOf(routes).strip();
        if (text.isEmpty()) {
            return routes;
        }
        return configDir.resolve(text).normalize().toString();
    }

    public static boolean isCamelType(String type) {
        return CamelRouteType.DESK.equals(type) || CamelRouteType.CHANNEL.equals(type);
    }
}
