package dev.omnibridge.connector.hubspot;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Settings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HubSpotTypeTest {
    private final HubSpotType type = new HubSpotType();

    @Test
    void defaultsFollowHubSpotsDefaultSupportPipelineAndPrivateAppLimit() {
        List<ConfigProblem> problems = new ArrayList<>();
        Settings s = type.config().parse("hs", Map.of("accessToken", "t", "clientSecret", "c"), problems);
        assertThat(problems).isEmpty();

        HubSpotSettings hs = HubSpotSettings.from(s, URI.create("http://localhost:8080/hooks/hs"));
        assertThat(hs.baseUrl()).isEqualTo(URI.create("https://api.hubapi.com"));
        assertThat(hs.webhookUrl()).isEqualTo(URI.create("http://localhost:8080/hooks/hs"));
        assertThat(hs.pipeline()).isEqualTo("0");
        assertThat(hs.openStage()).isEqualTo("1");
        assertThat(hs.closedStages()).containsExactly("4");
        assertThat(hs.conversationIdProperty()).isEqualTo("omnibridge_conversation_id");
        assertThat(hs.contactIdProperty()).isEqualTo("omnibridge_contact_id");
        assertThat(hs.tagsProperty()).isEqualTo("omnibridge_tags");
        assertThat(hs.requestsPerTenSeconds()).isEqualTo(100);
        assertThat(hs.toString()).doesNotContain("t,").doesNotContain("clientSecret=c");
    }

    @Test
    void credentialsAreRequiredSecretsAndPropertyNamesAreChecked() {
        List<ConfigProblem> problems = new ArrayList<>();
        type.config().parse("hs", Map.of("conversationIdProperty", "Bad Name", "tagsProperty", "none"), problems);

        assertThat(problems).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p).contains("accessToken"))
                .anySatisfy(p -> assertThat(p).contains("clientSecret"))
                .anySatisfy(p -> assertThat(p).contains("conversationIdProperty"));
        assertThat(type.config().setting("accessToken").orElseThrow().isSecret()).isTrue();
        assertThat(type.config().setting("clientSecret").orElseThrow().isSecret()).isTrue();
    }

    @Test
    void tagsCanBeLeftOut() {
        Settings s = type.config().parse("hs", Map.of("accessToken", "t", "clientSecret", "c",
                "tagsProperty", "none"), new ArrayList<>());
        assertThat(HubSpotSettings.from(s, URI.create("http://x/hooks/hs")).tagsProperty()).isNull();
    }
}
