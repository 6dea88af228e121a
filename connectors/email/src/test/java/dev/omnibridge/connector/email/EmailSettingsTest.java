package dev.omnibridge.connector.email;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The login settings: declared once in EmailType, checked together for the chosen auth mode. */
class EmailSettingsTest {
    private static final String SECRET = "Xy8Q~client-secret-value-123";

    private static Map<String, Object> base(Map<String, Object> more) {
        Map<String, Object> raw = new HashMap<>(Map.of("imapHost", "outlook.office365.com",
                "imapUsername", "support@contoso.com", "smtpHost", "smtp.office365.com",
                "fromAddress", "support@contoso.com"));
        raw.putAll(more);
        return raw;
    }

    private static List<ConfigProblem> problems(Map<String, Object> raw) {
        List<ConfigProblem> problems = new ArrayList<>();
        new EmailType().config().parse("mail", raw, problems);
        return problems;
    }

    private static EmailSettings parse(Map<String, Object> raw) {
        List<ConfigProblem> problems = new ArrayList<>();
        Settings settings = new EmailType().config().parse("mail", raw, problems);
        assertThat(problems).isEmpty();
        return EmailSettings.from(settings);
    }

    @Test
    void passwordLoginIsTheDefaultAndNeedsImapPassword() {
        assertThat(parse(base(Map.of("imapPassword", "pw"))).auth()).isEqualTo(EmailSettings.Auth.PASSWORD);
        assertThatThrownBy(() -> parse(base(Map.of()))).hasMessage("auth=password needs imapPassword");
    }

    @Test
    void microsoftBuildsTheTokenUrlFromTheTenantAndAsksForTheExchangeScope() {
        EmailSettings s = parse(base(Map.of("auth", "oauth2-microsoft", "oauthTenant", "contoso.onmicrosoft.com",
                "oauthClientId", "app-id", "oauthClientSecret", SECRET)));

        assertThat(s.oauth().tokenUrl()).hasToString(
                "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
        assertThat(s.oauth().scope()).isEqualTo("https://outlook.office365.com/.default");
        assertThat(s.imap().password()).isNull();
        assertThat(s.toString()).doesNotContain(SECRET);
    }

    @Test
    void eachModeSaysWhatItMisses() {
        assertThatThrownBy(() -> parse(base(Map.of("auth", "oauth2-microsoft", "oauthClientId", "app-id",
                "oauthClientSecret", SECRET)))).hasMessageContaining("needs oauthTenant");
        assertThatThrownBy(() -> parse(base(Map.of("auth", "oauth2-microsoft", "oauthTenant", "contoso.com",
                "oauthClientId", "app-id")))).hasMessage("auth=oauth2-microsoft needs oauthClientSecret");
        assertThatThrownBy(() -> parse(base(Map.of("auth", "oauth2-google-service-account"))))
                .hasMessage("auth=oauth2-google-service-account needs oauthKeyFile");
        assertThatThrownBy(() -> parse(base(Map.of("auth", "oauth2-refresh-token", "oauthClientId", "id",
                "oauthRefreshToken", "1//refresh")))).hasMessageContaining("needs oauthTokenUrl");
    }

    @Test
    void anOAuthLoginRefusesAPasswordRatherThanIgnoringIt() {
        assertThatThrownBy(() -> parse(base(Map.of("auth", "oauth2-microsoft", "oauthTenant", "contoso.com",
                "oauthClientId", "app-id", "oauthClientSecret", SECRET, "imapPassword", "old-password"))))
                .hasMessageContaining("remove imapPassword and smtpPassword")
                .hasMessageNotContaining("old-password");
    }

    @Test
    void badValuesAreCaughtByValidation() {
        assertThat(problems(base(Map.of("auth", "oauth2", "imapPassword", "pw"))))
                .extracting(ConfigProblem::key).containsExactly("auth");
        assertThat(problems(base(Map.of("oauthTenant", "../evil", "imapPassword", "pw"))))
                .extracting(ConfigProblem::key).containsExactly("oauthTenant");
        assertThat(problems(base(Map.of("oauthTokenUrl", "login.example/token", "imapPassword", "pw"))))
                .extracting(ConfigProblem::key).containsExactly("oauthTokenUrl");
        assertThat(problems(base(Map.of("oauthTokenUrl", "https://login.microsoftonline.us/{tenant}/oauth2/v2.0/token",
                "imapPassword", "pw")))).isEmpty();
    }
}
