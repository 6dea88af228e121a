package dev.omnibridge.hub.config;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.privacy.PrivacyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code privacy:} section and {@code hub.store.encryptionKey} as the configuration file gives them. */
class PrivacyConfigLoadingTest {
    private static final String HEAD = """
            hub:
              adminToken: admin-token-123
              store:
                encryptionKey: ${env:OMNIBRIDGE_STORE_KEY}
            instances:
              - {id: chat, type: webchat}
              - {id: mail, type: email}
            """;

    @TempDir
    Path dir;
    private final Map<String, String> env = new HashMap<>(Map.of("OMNIBRIDGE_STORE_KEY", "k3y-From-The-Env-0042"));

    private ConfigLoader.Result load(String yaml) throws IOException {
        Path file = dir.resolve("omnibridge.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(new EnvReferences(env::get)).load(file);
    }

    @Test
    void theDocumentedSectionIsReadWithPerChannelOverrides() throws IOException {
        ConfigLoader.Result result = load(HEAD + """
                privacy:
                  retentionDays: 365
                  retentionCheck: 30m
                  mask: [card, iban]
                  patterns:
                    ssn: '\\b\\d{3}-\\d{2}-\\d{4}\\b'
                  channels:
                    chat: {retentionDays: 30, mask: [card, iban, ssn]}
                    mail: {mask: []}
                """);

        assertThat(result.problems()).isEmpty();
        PrivacyConfig p = result.config().privacy();
        assertThat(p.retentionDaysOf("chat")).contains(30);
        assertThat(p.retentionDaysOf("mail")).contains(365);
        assertThat(p.retentionCheck()).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.maskOf("chat")).containsExactly("card", "iban", "ssn");
        assertThat(p.maskOf("mail")).isEmpty();
        assertThat(p.maskOf("other")).containsExactly("card", "iban");
        assertThat(p.patterns().get("ssn").matcher("078-05-1120").find()).isTrue();
        assertThat(result.config().store().encryptionKey()).isEqualTo("k3y-From-The-Env-0042");
    }

    @Test
    void withoutTheSectionNothingIsMaskedOrPurgedAndAnEmptyKeyMeansNoEncryption() throws IOException {
        env.put("OMNIBRIDGE_STORE_KEY", "");
        ConfigLoader.Result result = load(HEAD);

        assertThat(result.problems()).isEmpty();
        assertThat(result.config().privacy().anyRetention()).isFalse();
        assertThat(result.config().privacy().maskOf("chat")).isEmpty();
        assertThat(result.config().store().encrypted()).isFalse();
    }

    @Test
    void everyMistakeIsReportedAndNoKeyIsEverRepeated() throws IOException {
        env.put("OMNIBRIDGE_STORE_KEY", "weak key");
        ConfigLoader.Result result = load(HEAD + """
                privacy:
                  retentionDays: 0
                  retentionCheck: soon
                  mask: [card, passport]
                  patterns:
                    broken: '([a-z'
                    card: '\\d+'
                    empty: 'x*'
                  channels:
                    chat: {retentionDays: lots, maskk: [card]}
                    nowhere: {mask: [card]}
                  retain: 3
                """);

        List<String> keys = result.problems().stream().map(ConfigProblem::key).toList();
        assertThat(keys).containsExactlyInAnyOrder("hub.store.encryptionKey", "privacy.retentionDays",
                "privacy.retentionCheck", "privacy.mask", "privacy.patterns.broken", "privacy.patterns.card",
                "privacy.patterns.empty", "privacy.channels.chat.retentionDays", "privacy.channels.chat.maskk",
                "privacy.channels.nowhere", "privacy.retain");
        assertThat(result.problems().toString()).doesNotContain("weak key");
        assertThat(result.hasFatalProblems()).isTrue();
    }
}
