package dev.omnibridge.connector.webhookchannel;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Settings;
import dev.omnibridge.spi.ChannelConnector;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookChannelTypeTest {
    private final WebhookChannelType type = new WebhookChannelType();

    @Test
    void isNamedWebhookChannelAndCreatesChannelConnectors() {
        assertThat(type.name()).isEqualTo("webhook-channel");
        assertThat(type.description()).isNotBlank();
        assertThat(type.create()).isInstanceOf(ChannelConnector.class);
        assertThat(type.create()).isNotSameAs(type.create());
    }

    @Test
    void declaresSecretAsARequiredSecretCallbackUrlAsRequiredUrlAndATenSecondTimeout() {
        ConfigDef config = type.config();

        Setting secret = config.setting("secret").orElseThrow();
        assertThat(secret.isRequired()).isTrue();
        assertThat(secret.isSecret()).isTrue();
        Setting callbackUrl = config.setting("callbackUrl").orElseThrow();
        assertThat(callbackUrl.isRequired()).isTrue();
        assertThat(callbackUrl.type()).isEqualTo(SettingType.URL);
        Settings parsed = config.parse("web", Map.of("secret", "x", "callbackUrl", "https://example.com/r"),
                new ArrayList<>());
        assertThat(parsed.duration("timeout")).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.settings()).extracting(Setting::name).containsExactly("secret", "callbackUrl", "timeout");
    }

    @Test
    void reportsMissingSettingsAndABadTimeoutWithoutShowingTheSecret() {
        List<ConfigProblem> problems = new ArrayList<>();

        type.config().parse("web", Map.of("timeout", "0s"), problems);
        List<ConfigProblem> secretProblems = new ArrayList<>();
        Settings settings = type.config().parse("web", Map.of("secret", "hunter2", "callbackUrl", "http://x/y"),
                secretProblems);

        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder("secret", "callbackUrl",
                "timeout");
        assertThat(secretProblems).isEmpty();
        assertThat(settings.toString()).doesNotContain("hunter2");
    }

    @Test
    void isAPf4jExtensionListedInTheGeneratedIndex() throws IOException {
        assertThat(WebhookChannelType.class.isAnnotationPresent(Extension.class)).isTrue();
        List<String> indexed = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
            try (InputStream in = url.openStream()) {
                indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            }
        }
        assertThat(indexed).contains(WebhookChannelType.class.getName());
    }
}
