package dev.omnibridge.hub.runtime;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Settings;
import dev.omnibridge.hub.calendar.CalendarRegistry;

import java.util.List;
import java.util.Map;

/**
 * An instance's settings as the hub reads them, for {@code validate} and for starting it alike: the connector's
 * {@link ConfigDef} converts and checks them, and the hub refuses weak secrets ({@link Secret#weakness}) with the
 * reason, never the value. The check lives here rather than in {@code ConfigDef.parse} so that connector unit tests
 * and third-party plugins parsing their own settings keep working; what the hub runs is always checked.
 */
public final class InstanceSettings {
    private InstanceSettings() {
    }

    public static Settings parse(ConfigDef def, String instanceId, Map<String, ?> raw, List<ConfigProblem> problems) {
        return parse(def, instanceId, raw, CalendarRegistry.empty(), problems);
    }

    /**
     * As {@link #parse(ConfigDef, String, Map, List)}, and a setting of type {@link SettingType#CALENDAR} must name
     * one of {@code calendars}.
     */
    public static Settings parse(ConfigDef def, String instanceId, Map<String, ?> raw, CalendarRegistry calendars,
                                 List<ConfigProblem> problems) {
        Settings settings = def.parse(instanceId, raw, problems);
        for (Setting setting : def.settings()) {
            if (setting.type() == SettingType.CALENDAR && settings.has(setting.name())) {
                calendars.problemIfUnknown(instanceId, setting.name(), settings.string(setting.name()))
                        .ifPresent(problems::add);
            }
        }
        for (Setting setting : def.settings()) {
            // An empty optional secret means "not set" (the connector's own default applies), not a weak secret.
            if (setting.isSecret() && raw.get(setting.name()) != null
                    && !String.valueOf(raw.get(setting.name())).isEmpty()
                    && problems.stream().noneMatch(p -> setting.name().equals(p.key())
                            && java.util.Objects.equals(instanceId, p.instanceId()))) {
                Secret.weakness(String.valueOf(raw.get(setting.name())).strip()).ifPresent(reason ->
                        problems.add(new ConfigProblem(instanceId, setting.name(), reason)));
            }
        }
        return settings;
    }
}
