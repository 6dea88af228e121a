package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Freshdesk runs an automation rule's webhook only within the account's API rate limit: webhooks over it wait for the
 * next hour and are dropped after 24 hours (https://developer.freshdesk.com/api/#ratelimit; Freshdesk's "handling
 * and preventing webhook drops"). So each hint the hub receives has already cost one call of the account's budget,
 * besides the two or more calls the connector makes to read the ticket back: the hint counts against
 * {@code requestsPerMinute} like the connector's own calls.
 */
class WebhookBudgetTest {
    private static final String HEADER = "X-Omnibridge-Webhook-Secret";

    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final ExecutorService delivering = Executors.newSingleThreadExecutor();
    private FreshdeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1}")));
        api.stubFor(get("/api/v2/tickets/501").willReturn(okJson("{\"id\":501,\"requester_id\":77,\"status\":2,"
                + "\"custom_fields\":{\"cf_omnibridge_conversation_id\":\"conv-1234\"}}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/contacts").willReturn(okJson("{\"id\":88}").withStatus(201)));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets").willReturn(okJson("{\"id\":502,\"status\":2}").withStatus(201)));
        // 4 calls a minute: start-up's key check takes one, leaving 3; one more refills only after 15 s.
        Map<String, Object> settings = Fixture.settings(api.baseUrl());
        settings.put("requestsPerMinute", 4);
        FakeConnectorContext ctx = new FakeConnectorContext("fd", new FreshdeskType().config(), settings);
        connector = new FreshdeskConnector();
        connector.start(ctx);
    }

    @AfterEach
    void stop() {
        delivering.shutdownNow();
        connector.stop();
    }

    private static WebhookRequest hint(String secret) {
        return TestWebhooks.request("fd", "POST", "{\"ticket_id\": 501}".getBytes(StandardCharsets.UTF_8),
                Map.of(HEADER, List.of(secret), "Content-Type", List.of("application/json")));
    }

    /**
     * Starts a new conversation's delivery and answers how many API calls it made within {@code millis} (checked
     * every 50 ms, so a call that gets through is seen at once; one that waits for a refill waits 15 s).
     */
    private int callsOfADeliveryWithin(long millis) throws InterruptedException {
        int before = api.getAllServeEvents().size();
        delivering.submit(() -> connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL)))));
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end && api.getAllServeEvents().size() == before) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return api.getAllServeEvents().size() - before;
    }

    @Test
    void aHintCostsOneCallOfTheBudgetBesidesTheTwoReadsSoTheNextDeliveryWaits() throws Exception {
        connector.onWebhook(hint(Fixture.WEBHOOK_SECRET));   // the webhook itself + ticket + conversations = 3

        assertThat(callsOfADeliveryWithin(2_000)).as("the budget of 4 a minute is used up: key check, webhook, "
                + "2 reads").isZero();
    }

    @Test
    void aRejectedHintCostsNothingSoNoOneCanDrainTheBudgetWithoutTheSecret() throws Exception {
        for (int i = 0; i < 5; i++) {
            try {
                connector.onWebhook(hint("not-the-webhook-secret-at-all"));
            } catch (RuntimeException rejected) {
                // 403, as the inbound tests show
            }
        }

        assertThat(callsOfADeliveryWithin(5_000)).as("3 calls left after the key check").isPositive();
    }
}
