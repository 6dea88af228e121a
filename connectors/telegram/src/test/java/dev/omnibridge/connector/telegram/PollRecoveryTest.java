package dev.omnibridge.connector.telegram;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.telegram.Fixtures.await;
import static dev.omnibridge.connector.telegram.Fixtures.okJson;
import static dev.omnibridge.connector.telegram.Fixtures.path;
import static dev.omnibridge.connector.telegram.Fixtures.updates;
import static org.assertj.core.api.Assertions.assertThat;

/** A failed poll shows as the instance's problem until a poll works again, even one that finds no updates. */
class PollRecoveryTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private TelegramConnector connector;

    @AfterEach
    void stop() throws Exception {
        if (connector != null) {
            connector.stop();
        }
    }

    @Test
    void aPollThatWorksAgainResolvesTheProblemEvenWithoutUpdates() throws Exception {
        Fixtures.ok(wm, "deleteWebhook", "true");
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).inScenario("outage").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(Fixtures.error(502, "Bad Gateway", null)).willSetStateTo("back"));
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).inScenario("outage").whenScenarioStateIs("back")
                .willReturn(okJson(updates())));
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        connector = new TelegramConnector(Duration.ofMillis(50));

        connector.start(ctx);

        await(() -> !ctx.problems().isEmpty(), "the failed poll reported");
        await(() -> ctx.currentProblem().isEmpty(), "the problem resolved by the next poll");
        assertThat(ctx.submissions()).as("nothing was stored that could have cleared it").isEmpty();
    }
}
