package dev.omnibridge.config;

import java.util.Objects;

/**
 * One declared connector setting.
 *
 * @param name         key in the instance's {@code settings} map
 * @param type         the value's type
 * @param isRequired     whether configuration must give it (a setting with a default is never required)
 * @param defaultValue value used when configuration gives none, in configuration form (e.g. {@code "30s"}), or null
 * @param isSecret       a token or password: never logged, never shown by the API
 * @param description  what it does, for documentation and {@code omnibridge validate}
 * @param validator    extra check on the converted value, or null
 */
public record Setting(String name, SettingType type, boolean isRequired, Object defaultValue, boolean isSecret,
                      String description, Validator validator) {
    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
    }

    public static Setting of(String name, SettingType type) {
        return new Setting(name, type, false, null, false, "", null);
    }

    public Setting required() {
        return new Setting(name, type, true, null, isSecret, description, validator);
    }

    public Setting withDefault(Object value) {
        return new Setting(name, type, false, value, isSecret, description, validator);
    }

    /** Marks the setting as a secret; secrets come from {@code ${env:NAME}} references in practice. */
    public Setting secret() {
        return new Setting(name, type, isRequired, defaultValue, true, description, validator);
    }

    public Setting describedAs(String text) {
        return new Setting(name, type, isRequired, defaultValue, isSecret, text, validator);
    }

    public Setting validatedBy(Validator check) {
        return new Setting(name, type, isRequired, defaultValue, isSecret, description, check);
    }
}
