package dev.omnibridge.connector.twilio;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Settings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TwilioTypeTest {
    private final TwilioType type = new TwilioType();

    private List<ConfigProblem> problems(Map<String, ?> raw) {
        List<ConfigProblem> problems = new ArrayList<>();
        type.config().parse("sms", raw, problems);
        return problems;
    }

    @Test
    void isNamedTwilioSmsAndCreatesAChannelConnector() {
        assertThat(type.name()).isEqualTo("twilio-sms");
        assertThat(type.create()).isInstanceOf(dev.omnibridge.spi.ChannelConnector.class);
    }

    @Test
    void appliesTheDocumentedDefaults() {
        List<ConfigProblem> problems = new ArrayList<>();
        Settings s = type.config().parse("sms", Map.of("accountSid", TwilioRequests.ACCOUNT_SID,
                "authToken", TwilioRequests.TOKEN), problems);
        TwilioSettings settings = TwilioSettings.from(s, URI.create("https://hub.example.com/hooks/sms"));

        assertThat(problems).isEmpty();
        assertThat(settings.apiBaseUrl()).isEqualTo(URI.create("https://api.twilio.com"));
        assertThat(settings.mediaHosts()).containsExactly("api.twilio.com");
        assertThat(settings.maxMediaBytes()).isEqualTo(5_242_880L);
        assertThat(settings.allowPrivateMediaAddresses()).isFalse();
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.messagingServiceSid()).isNull();
        assertThat(settings.signedUrl("")).isEqualTo("https://hub.example.com/hooks/sms");
        assertThat(settings.statusCallbackUrl()).isEqualTo("https://hub.example.com/hooks/sms/status");
        assertThat(settings.toString()).doesNotContain(TwilioRequests.TOKEN);
    }

    @Test
    void requiresTheCredentials() {
        assertThat(problems(Map.of())).extracting(ConfigProblem::key).containsExactlyInAnyOrder("accountSid",
                "authToken");
    }

    @Test
    void checksTheShapeOfSids() {
        List<ConfigProblem> problems = problems(Map.of("accountSid", "AC123", "authToken", "x",
                "messagingServiceSid", "PN0123456789abcdef0123456789abcdef"));

        assertThat(problems).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "instance 'sms': 'accountSid': must be AC followed by 32 hex digits",
                "instance 'sms': 'messagingServiceSid': must be MG followed by 32 hex digits");
    }

    @Test
    void neverQuotesTheTokenInAProblem() {
        assertThat(problems(Map.of("accountSid", "nope", "authToken", TwilioRequests.TOKEN, "timeout", "0s")))
                .extracting(ConfigProblem::toString).noneMatch(p -> p.contains(TwilioRequests.TOKEN));
    }

    @Test
    void dropsQueryAndFragmentFromTheConfiguredWebhookUrl() {
        List<ConfigProblem> problems = new ArrayList<>();
        Settings s = type.config().parse("sms", Map.of("accountSid", TwilioRequests.ACCOUNT_SID,
                "authToken", "t", "webhookUrl", "https://public.example.com/hooks/sms?x=1#rc=2"), problems);

        assertThat(TwilioSettings.from(s, URI.create("http://localhost/hooks/sms")).signedUrl(""))
                .isEqualTo("https://public.example.com/hooks/sms");
    }
}
