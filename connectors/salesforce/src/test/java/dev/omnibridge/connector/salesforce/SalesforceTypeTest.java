package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SalesforceTypeTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static List<ConfigProblem> problems(Map<String, Object> raw) {
        List<ConfigProblem> problems = new ArrayList<>();
        new SalesforceType().config().parse("sf", raw, problems);
        return problems;
    }

    private static Map<String, Object> minimal() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("baseUrl", "https://acme.my.salesforce.com");
        raw.put("clientId", "id");
        raw.put("clientSecret", "top-secret");
        return raw;
    }

    @Test
    void defaultsFitAFreshOrg() {
        List<ConfigProblem> problems = new ArrayList<>();
        Settings s = new SalesforceType().config().parse("sf", minimal(), problems);
        assertThat(problems).isEmpty();
        SalesforceSettings settings = SalesforceSettings.from(s);
        assertThat(settings.apiVersion()).isEqualTo("v61.0");
        assertThat(settings.caseIdField()).isEqualTo("Omnibridge_Conversation_Id__c");
        assertThat(settings.contactIdField()).isEqualTo("Omnibridge_Contact_Id__c");
        assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.requestsPerMinute()).isEqualTo(60);
        assertThat(settings.webhookSecret()).isEmpty();
        assertThat(settings.caseOrigin()).isEmpty();
        assertThat(s.toString()).doesNotContain("top-secret");
    }

    @Test
    void requiredSettingsAndBadValuesAreNamed() {
        assertThat(problems(Map.of())).extracting(ConfigProblem::toString).anySatisfy(p -> assertThat(p)
                .contains("baseUrl")).anySatisfy(p -> assertThat(p).contains("clientSecret"));
        Map<String, Object> raw = minimal();
        raw.put("apiVersion", "61");
        raw.put("caseExternalIdField", "Id; DELETE");
        raw.put("maxAttachmentBytes", 100_000_000L);
        assertThat(problems(raw)).hasSize(3);
    }

    @Test
    void missingExternalIdFieldFailsStartClearly() {
        Fixtures.stubToken(wm);
        wm.stubFor(get(urlPathEqualTo(Fixtures.QUERY)).atPriority(1).withQueryParam("q", containing("FROM Case LIMIT 1"))
                .willReturn(Fixtures.json(400, "[{\"message\":\"No such column 'Omnibridge_Conversation_Id__c' on "
                        + "entity 'Case'.\",\"errorCode\":\"INVALID_FIELD\"}]")));
        SalesforceConnector c = new SalesforceConnector();
        assertThatThrownBy(() -> c.start(Fixtures.context(Fixtures.settings(wm))))
                .hasMessageContaining("Case.Omnibridge_Conversation_Id__c").hasMessageContaining("INVALID_FIELD")
                .hasMessageNotContaining(Fixtures.CLIENT_SECRET).hasMessageNotContaining(Fixtures.TOKEN);
    }
}
