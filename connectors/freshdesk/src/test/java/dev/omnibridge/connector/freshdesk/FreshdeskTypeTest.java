package dev.omnibridge.connector.freshdesk;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FreshdeskTypeTest {
    private final FreshdeskType type = new FreshdeskType();

    @Test
    void defaultsFollowFreshdesksDocumentedLimits() {
        List<ConfigProblem> problems = new ArrayList<>();
        Settings s = type.config().parse("fd", Map.of("baseUrl", "https://acme.freshdesk.com", "apiKey", "k",
                "webhookSecret", "0123456789abcdefghijklmnop"), problems);
        assertThat(problems).isEmpty();
        assertThat(type.name()).isEqualTo("freshdesk");
        assertThat(s.integer("requestsPerMinute")).isEqualTo(50);
        assertThat(s.longValue("maxAttachmentBytes")).isEqualTo(20L * 1024 * 1024);
        assertThat(s.string("conversationIdField")).isEqualTo("cf_omnibridge_conversation_id");
        assertThat(s.string("webhookSecretHeader")).isEqualTo("X-Omnibridge-Webhook-Secret");
        assertThat(s.duration("timeout")).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.toString()).doesNotContain("0123456789abcdefghijklmnop");
    }

    @Test
    void missingCredentialsShortSecretBadFieldAndOversizedLimitAreReported() {
        List<ConfigProblem> problems = new ArrayList<>();
        type.config().parse("fd", Map.of("baseUrl", "https://acme.freshdesk.com", "webhookSecret", "short",
                "conversationIdField", "omnibridge", "maxAttachmentBytes", 30_000_000L), problems);
        assertThat(problems.toString()).contains("apiKey").contains("webhookSecret").contains("conversationIdField")
                .contains("maxAttachmentBytes");
    }
}
