package dev.omnibridge.testkit.contract;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsTableTest {
    @Test
    void rendersOneRowPerSettingInDeclaredOrderWithTypeDefaultRequiredAndDescription() {
        ConfigDef config = ConfigDef.create()
                .define(Setting.of("apiToken", SettingType.STRING).required().secret().describedAs("the API token"))
                .define(Setting.of("timeout", SettingType.DURATION).withDefault("30s").describedAs("per call"))
                .define(Setting.of("folders", SettingType.LIST).withDefault(List.of("INBOX", "Support"))
                        .describedAs("folders\n  to read"))
                .define(Setting.of("tags", SettingType.LIST).withDefault(List.of()).describedAs("none by default"))
                .define(Setting.of("text", SettingType.STRING).withDefault("Hello,\n\nthanks.\n").describedAs("text"));

        assertThat(SettingsTable.render(config)).isEqualTo("""
                | Setting | Type | Default | Required | Description |
                |---|---|---|---|---|
                | `apiToken` | string (secret) |  | yes | the API token |
                | `timeout` | duration | `30s` | no | per call |
                | `folders` | list | `INBOX,Support` | no | folders to read |
                | `tags` | list |  | no | none by default |
                | `text` | string | `Hello,\\n\\nthanks.\\n` | no | text |
                """);
    }

    @Test
    void keepsPipesAndAngleBracketsFromBreakingTheTable() {
        ConfigDef config = ConfigDef.create().define(Setting.of("mode", SettingType.STRING).withDefault("a|b")
                .describedAs("polling | webhook, default <publicUrl>/hooks/<id>"));

        assertThat(SettingsTable.render(config)).endsWith(
                "| `mode` | string | `a\\|b` | no | polling \\| webhook, default &lt;publicUrl&gt;/hooks/&lt;id&gt; |\n");
    }
}
