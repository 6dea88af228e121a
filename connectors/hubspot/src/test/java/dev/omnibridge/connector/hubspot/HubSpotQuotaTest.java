package dev.omnibridge.connector.hubspot;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HubSpot's daily limit headers (developers.hubspot.com changelog "Rate limit information headers will be included
 * in HTTP responses": {@code X-HubSpot-RateLimit-Daily}, {@code X-HubSpot-RateLimit-Daily-Remaining}; not sent for
 * OAuth calls, which have no daily limit) become the instance's {@code daily-api-requests} quota.
 */
class HubSpotQuotaTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Test
    void theDailyLimitHeadersAreReportedAsTheDailyBudget() {
        api.stubFor(get(urlEqualTo("/crm/v3/objects/tickets?limit=1")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withHeader("X-HubSpot-RateLimit-Daily", "500000")
                        .withHeader("X-HubSpot-RateLimit-Daily-Remaining", "499876")
                        .withHeader("X-HubSpot-RateLimit-Secondly", "10")
                        .withHeader("X-HubSpot-RateLimit-Secondly-Remaining", "9")
                        .withBody("{\"results\":[]}")));

        Fixture f = new Fixture(api);

        assertThat(f.context.quota("daily-api-requests"))
                .contains(new FakeConnectorContext.Quota(499_876, 500_000));
    }

    @Test
    void withoutTheDailyHeadersNothingIsReported() {
        Fixture f = new Fixture(api);

        assertThat(f.context.quota("daily-api-requests")).isEmpty();
    }
}
