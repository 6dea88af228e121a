package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SalesforceApiFake;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The org's daily API budget end to end: the packaged hub's {@code salesforce} instance {@value #SF} reads
 * {@code Sforce-Limit-Info: api-usage=<used>/<limit>} from {@link SalesforceApiFake}'s answers (REST API Developer
 * Guide, "Limit Info Header") and the hub shows it in {@code /health} and {@code /metrics}; when the org's daily
 * allocation is used up (403 {@code REQUEST_LIMIT_EXCEEDED}, "TotalRequests Limit exceeded.") the instance says so
 * in {@code /health} and the delivery waits instead of becoming a dead letter. The second test uses the org's pause,
 * so the order is fixed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SalesforceApiLimitTest extends SystemTestBase {
    private static final String SF = "sf";
    private static final String TOKEN = "00DS7000000oxzo!AR8AQ-limit-test-token";
    private static final Duration ARRIVAL = Duration.ofSeconds(15);
    private static final String TOTAL_REQUESTS = "[{\"message\":\"TotalRequests Limit exceeded.\","
            + "\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]";

    private SalesforceApiFake salesforce;

    @Override
    protected HubProcess startHub() {
        salesforce = SalesforceApiFake.start(TOKEN);
        // Every query (the start check, lookups, polls) answers with the documented usage header.
        salesforce.server().stubFor(get(urlPathEqualTo(SalesforceApiFake.QUERY)).atPriority(5)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withHeader("Sforce-Limit-Info", "api-usage=10018/100000")
                        .withBody("{\"totalSize\":0,\"done\":true,\"records\":[]}")));
        return startHubWith("salesforce");
    }

    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .instance(SF, "salesforce", salesforce.instanceSettings(null))
                .route(WEB, SF)
                .delivery("initialBackoff", "100ms").delivery("maxBackoff", "2s").delivery("maxAttempts", 2);
    }

    @BeforeAll
    void salesforceIsRunning() {
        awaitRunning(SF);
    }

    @AfterAll
    void stopSalesforce() {
        if (salesforce != null) {
            salesforce.close();
        }
    }

    @Test
    @Order(1)
    void theOrgsDailyBudgetShowsInHealthAndMetrics() {
        JsonNode quota = hub.http().health().path("instances").path(SF).path("quotas").path("daily-api-requests");
        assertThat(quota.path("remaining").asLong()).as("quota in /health: %s", quota).isEqualTo(89_982);
        assertThat(quota.path("limit").asLong()).isEqualTo(100_000);

        String metrics = hub.http().get("/metrics").body();
        assertThat(sample(metrics, "omnibridge_api_quota_remaining")).isEqualTo(89_982);
        assertThat(sample(metrics, "omnibridge_api_quota_limit")).isEqualTo(100_000);
    }

    @Test
    @Order(2)
    void aUsedUpDailyLimitIsShownAndTheDeliveryWaitsInsteadOfDeadLettering() {
        salesforce.server().stubFor(post(urlEqualTo(SalesforceApiFake.DATA + "/sobjects/CaseComment")).atPriority(1)
                .withRequestBody(containing("limit-follow-up"))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withHeader("Sforce-Limit-Info", "api-usage=100012/100000").withBody(TOTAL_REQUESTS)));
        assertThat(postToChannel("m-limit-1", "sf-limit", "Opening sf-limit").statusCode()).isEqualTo(200);
        Poll.until(ARRIVAL, "the case for sf-limit", () -> salesforce.calls().stream().anyMatch(c ->
                c.path().startsWith(SalesforceApiFake.CASE_UPSERT) && c.status() / 100 == 2
                        && c.body().path("Description").asText().contains("Opening sf-limit")));

        assertThat(postToChannel("m-limit-2", "sf-limit", "limit-follow-up").statusCode()).isEqualTo(200);

        Poll.until(ARRIVAL, "/health names the used-up limit", () -> hub.http().health().path("instances").path(SF)
                .path("lastError").asText().contains("daily API request limit is used up"));
        JsonNode sf = hub.http().health().path("instances").path(SF);
        assertThat(sf.path("quotas").path("daily-api-requests").path("remaining").asLong()).isZero();
        assertThat(sample(hub.http().get("/metrics").body(), "omnibridge_api_quota_remaining")).isZero();
        // maxAttempts is 2 and the hub's backoff 100 ms..2 s: a counted failure would be dead within seconds.
        awaitQuiet(salesforce.server(), Duration.ofSeconds(3));
        assertThat(deadLetters().path("deadLetters")).as("dead letters").isEmpty();
        assertThat(salesforce.calls()).filteredOn(c -> c.body().path("CommentBody").asText()
                .contains("limit-follow-up")).as("comment attempts while the limit holds").hasSize(1);
    }

    private static double sample(String metrics, String family) {
        Matcher m = Pattern.compile("(?m)^" + family + "\\{([^}]*)} (\\S+)$").matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains("instance=\"" + SF + "\"")
                    && m.group(1).contains("quota=\"daily-api-requests\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError(family + " for " + SF + " not in /metrics");
    }
}
