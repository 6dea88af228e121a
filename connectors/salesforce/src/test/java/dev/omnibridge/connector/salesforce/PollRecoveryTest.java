package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.salesforce.Fixtures.QUERY;
import static dev.omnibridge.connector.salesforce.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A failing reply poll shows as the instance's problem until a poll works again, even one that finds nothing. */
class PollRecoveryTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private SalesforceConnector connector;

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    @Test
    void aPollThatWorksAgainResolvesTheProblemEvenWhenItFindsNothing() throws Exception {
        Fixtures.stubToken(wm);
        // Salesforce's REST error body: a list of {message, errorCode} (errorcodes.htm).
        wm.stubFor(get(urlPathEqualTo(QUERY)).withQueryParam("q", containing("FROM CaseComment"))
                .inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(Fixtures.json(400, "[{\"message\":\"No such column 'Omnibridge_Conversation_Id__c'\","
                        + "\"errorCode\":\"INVALID_FIELD\"}]")));
        wm.stubFor(get(urlPathEqualTo(QUERY)).withQueryParam("q", containing("FROM CaseComment"))
                .inScenario("outage").whenScenarioStateIs("fixed")
                .willReturn(Fixtures.json(200, Fixtures.queryResult(""))));
        Fixtures.stubQuery(wm, "FROM Case WHERE", "");
        Map<String, Object> settings = Fixtures.settings(wm);
        settings.put("pollInterval", "200ms");
        FakeConnectorContext ctx = Fixtures.context(settings);
        // Saved cursors that an empty poll leaves where they are: nothing to store afterwards.
        ctx.submit(new Inbound(null, null, null, Map.of(ReplyPoller.COMMENTS_CURSOR, "2026-11-23T19:00:00Z",
                ReplyPoller.EMAILS_CURSOR, "2026-11-23T19:00:00Z", ReplyPoller.CASES_CURSOR, "2026-11-23T18:00:00Z")));
        connector = new SalesforceConnector();
        connector.start(ctx);

        await(() -> ctx.currentProblem().isPresent(), "the failing poll reported");
        wm.setScenarioState("outage", "fixed");

        await(() -> ctx.currentProblem().isEmpty(), "the problem resolved by the next poll");
        assertThat(ctx.submissions()).as("nothing was stored that could have cleared it").hasSize(1);
    }
}
