package dev.omnibridge.connector.webhookdesk;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Settings;
import dev.omnibridge.spi.DeskConnector;
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

class WebhookDeskTypeTest {
    private final WebhookDeskType type = new WebhookDeskType();

    @Test
    void isNamedWebhookDeskAndCreatesDeskConnectors() {
        assertThat(type.name()).isEqualTo("webhook-desk");
        assertThat(type.description()).isNotBlank();
        assertThat(type.create()).isInstanceOf(DeskConnector.class);
        assertThat(type.create()).isNotSameAs(type.create());
    }

    @Test
    void declaresUrlAsRequiredUrlSecretAsARequiredSecretAndATenSecondTimeout() {
        ConfigDef config = type.config();

        Setting url = config.setting("url").orElseThrow();
        assertThat(url.isRequired()).isTrue();
        assertThat(url.type()).isEqualTo(SettingType.URL);
        Setting secret = config.setting("secret").orElseThrow();
        assertThat(secret.isRequired()).isTrue();
        assertThat(secret.isSecret()).isTrue();
        Settings parsed = config.parse("desk", Map.of("url", "https://desk.example.com/hook", "secret", "x"),
                new ArrayList<>());
        assertThat(parsed.duration("timeout")).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.settings()).extracting(Setting::name)
                .containsExactly("url", "secret", "timeout", "batchSize", "batchAcrossTickets");
        assertThat(parsed.integer("batchSize")).isEqualTo(1);
        Setting across = config.setting("batchAcrossTickets").orElseThrow();
        assertThat(across.type()).isEqualTo(SettingType.BOOLEAN);
        assertThat(across.isRequired()).isFalse();
        assertThat(parsed.bool("batchAcrossTickets")).as("existing receivers get one ticket per request").isFalse();
    }

    @Test
    void reportsMissingSettingsAndABadTimeoutWithoutShowingTheSecret() {
        List<ConfigProblem> problems = new ArrayList<>();

        type.config().parse("desk", Map.of("timeout", "-5s", "url", "ftp://desk"), problems);
        List<ConfigProblem> secretProblems = new ArrayList<>();
        Settings settings = type.config().parse("desk", Map.of("secret", "hunter2", "url", "http://x/y"),
                secretProblems);

        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder("secret", "url", "timeout");
        assertThat(secretProblems).isEmpty();
        assertThat(settings.toString()).doesNotContain("hunter2");
    }

    @Test
    void isAPf4jExtensionListedInTheGeneratedIndex() throws IOException {
        assertThat(WebhookDeskType.class.isAnnotationPresent(Extension.class)).isTrue();
        List<String> indexed = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
            try (InputStream in = url.openStream()) {
                indexed.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            }
        }
        assertThat(indexed).contains(WebhookDeskType.class.getName());
    }

    @Test
    void aRouteMayNameTheDesksGroupQueueOrOwnerAndNothingElse() {
        List<ConfigProblem> problems = new ArrayList<>();
        Settings ok = type.assignment().parse("desk", Map.of("group", "Support DE", "owner", "alice"), problems);
        assertThat(problems).isEmpty();
        assertThat(ok.string("group")).isEqualTo("Support DE");

        type.assignment().parse("desk", Map.of("pipeline", "7", "queue", " "), problems);
        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder("pipeline", "queue");
    }
}
