package dev.omnibridge.connector.zendesk;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ZendeskTypeTest {
    private final ZendeskType type = new ZendeskType();

    @Test
    void isNamedZendeskAndCreatesADeskConnector() {
        assertThat(type.name()).isEqualTo("zendesk");
        assertThat(type.create()).isInstanceOf(ZendeskConnector.class);
    }

    @Test
    void credentialsAndSigningSecretAreSecretsAndTheLimitsHaveZendesksDocumentedDefaults() {
        assertThat(type.config().settings()).filteredOn(Setting::isSecret).extracting(Setting::name)
                .containsExactlyInAnyOrder("apiToken", "webhookSigningSecret");
        List<ConfigProblem> problems = new ArrayList<>();
        Settings s = type.config().parse("zd", Fixture.settings("https://acme.zendesk.com"), problems);
        assertThat(problems).isEmpty();
        assertThat(s.integer("ticketUpdatesPer10Minutes")).isEqualTo(30);
        assertThat(s.integer("requestsPerMinute")).isEqualTo(200);
        assertThat(s.duration("signatureTolerance")).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.longValue("maxAttachmentBytes")).isEqualTo(50L * 1024 * 1024);
    }

    @Test
    void missingCredentialsAndBadValuesAreReportedWithoutEchoingSecrets() {
        List<ConfigProblem> problems = new ArrayList<>();
        type.config().parse("zd", Map.of("baseUrl", "acme", "email", "not-an-email", "requestsPerMinute", 0),
                problems);
        assertThat(problems).extracting(ConfigProblem::key).contains("baseUrl", "email", "apiToken",
                "webhookSigningSecret", "requestsPerMinute");
    }
}
