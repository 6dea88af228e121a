package dev.omnibridge.hub.runtime;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceSettingsTest {
    private static final ConfigDef DEF = ConfigDef.create()
            .define(Setting.of("secret", SettingType.STRING).required().secret())
            .define(Setting.of("hint", SettingType.STRING).secret())
            .define(Setting.of("label", SettingType.STRING).withDefault("x"));

    private final List<ConfigProblem> problems = new ArrayList<>();

    @Test
    void aSecretOfAFewCharactersIsRefusedWithItsLengthButNotItsValue() {
        InstanceSettings.parse(DEF, "web", Map.of("secret", "pw12"), problems);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.instanceId()).isEqualTo("web");
            assertThat(p.key()).isEqualTo("secret");
            assertThat(p.message()).contains("too short").contains("4 characters").doesNotContain("pw12");
        });
    }

    @Test
    void aSecretOfOneRepeatedCharacterIsRefusedForItsCharacters() {
        InstanceSettings.parse(DEF, "web", Map.of("secret", "xxxxxxxxxxxxxxxxxxxx"), problems);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("secret");
            assertThat(p.message()).contains("1 different character").doesNotContain("xxxx");
        });
    }

    @Test
    void anOptionalSecretLeftEmptyIsNotSetAndAStrongOneIsAccepted() {
        Settings settings = InstanceSettings.parse(DEF, "web",
                Map.of("secret", "channel-secret-for-tests", "hint", "", "label", "ab"), problems);

        assertThat(problems).isEmpty();
        assertThat(settings.secret("secret").reveal()).isEqualTo("channel-secret-for-tests");
    }

    @Test
    void aShortValueOfAnOrdinarySettingIsNotASecretProblem() {
        InstanceSettings.parse(DEF, "web", Map.of("secret", "channel-secret-for-tests", "label", "a"), problems);

        assertThat(problems).isEmpty();
    }

    @Test
    void aCalendarSettingMustNameADeclaredCalendar() {
        ConfigDef def = ConfigDef.create().define(Setting.of("calendar", SettingType.CALENDAR));
        dev.omnibridge.hub.calendar.CalendarRegistry calendars = new dev.omnibridge.hub.calendar.CalendarRegistry(
                Map.of("support", dev.omnibridge.calendar.BusinessCalendar.parse("support", "UTC",
                        "Mon-Fri 09:00-17:00", List.of(), List.of())));

        Settings known = InstanceSettings.parse(def, "chat", Map.of("calendar", "support"), calendars, problems);
        InstanceSettings.parse(def, "chat", Map.of(), calendars, problems);
        assertThat(problems).isEmpty();
        assertThat(known.string("calendar")).isEqualTo("support");

        InstanceSettings.parse(def, "chat", Map.of("calendar", "holidays"), calendars, problems);
        assertThat(problems).containsExactly(new ConfigProblem("chat", "calendar",
                "names unknown calendar 'holidays' (declared: [support])"));
    }
}
