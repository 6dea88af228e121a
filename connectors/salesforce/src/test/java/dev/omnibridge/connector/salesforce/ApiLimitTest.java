package dev.omnibridge.connector.salesforce;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.salesforce.Fixtures.DATA;
import static dev.omnibridge.connector.salesforce.Fixtures.QUERY;
import static dev.omnibridge.connector.salesforce.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The org's daily API request allocation: Salesforce answers every REST call with
 * {@code Sforce-Limit-Info: api-usage=<used>/<limit>} (REST API Developer Guide, "Limit Info Header":
 * developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm) and, once the rolling
 * 24-hour allocation is used up, refuses calls with 403 and {@code REQUEST_LIMIT_EXCEEDED}
 * ({@code TotalRequests Limit exceeded.}; errorcodes.htm) until the last 24 hours' usage is below the limit again.
 * The same errorCode also answers too many concurrent long-running requests ("API Request Limits and
 * Allocations"), which clears in seconds.
 */
class ApiLimitTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String TOTAL_REQUESTS = "[{\"message\":\"TotalRequests Limit exceeded.\","
            + "\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]";
    static final String COMMENT = DATA + "/sobjects/CaseComment";

    /** A clock the test moves: pauses of minutes pass without waiting for them. */
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T09:00:00Z"));
    private SalesforceConnector connector;
    private FakeConnectorContext ctx;

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    private void start(Map<String, Object> extra) throws Exception {
        Map<String, Object> settings = Fixtures.settings(wm);
        settings.put("requestsPerMinute", 10_000);
        settings.putAll(extra);
        ctx = Fixtures.context(settings);
        connector = new SalesforceConnector(clock);
        connector.start(ctx);
    }

    /** The token, and every query (the start check, the comment lookups) answering no records with this usage. */
    private static void orgAt(String usage) {
        wm.stubFor(post(urlEqualTo("/services/oauth2/token")).willReturn(json(200, Fixtures.tokenBody(Fixtures.TOKEN))));
        wm.stubFor(get(urlPathEqualTo(QUERY)).willReturn(withUsage(json(200, Fixtures.queryResult("")), usage)));
        wm.stubFor(post(urlEqualTo(COMMENT)).willReturn(withUsage(json(201,
                "{\"id\":\"00aCOMMENT\",\"success\":true,\"errors\":[]}"), usage)));
    }

    /** The org is past its allocation: every data call is refused. */
    private static void orgOverTheLimit(String usage) {
        wm.stubFor(get(urlPathEqualTo(QUERY)).willReturn(withUsage(json(403, TOTAL_REQUESTS), usage)));
        wm.stubFor(post(urlEqualTo(COMMENT)).willReturn(withUsage(json(403, TOTAL_REQUESTS), usage)));
    }

    private static ResponseDefinitionBuilder withUsage(ResponseDefinitionBuilder answer, String usage) {
        return answer.withHeader("Sforce-Limit-Info", usage);
    }

    private static DeskDelivery followUp(int n) {
        return Fixtures.followUp(Fixtures.message("Follow-up " + n, Direction.INBOUND, Priority.NORMAL, List.of()),
                "omnibridge-msg-" + n + "-sf");
    }

    private static int commentPosts() {
        return wm.findAll(postRequestedFor(urlEqualTo(COMMENT))).size();
    }

    private static int dataCalls() {
        return wm.findAll(getRequestedFor(urlPathEqualTo(QUERY))).size() + commentPosts();
    }

    @Test
    void theUsageHeaderIsReportedAsTheDailyBudget() throws Exception {
        orgAt("api-usage=18/5000");
        start(Map.of());

        assertThat(ctx.quota("daily-api-requests")).contains(new FakeConnectorContext.Quota(4_982, 5_000));

        orgAt("api-usage=10018/100000; api-bursts=1/750");
        connector.deliver(followUp(1));

        assertThat(ctx.quota("daily-api-requests")).contains(new FakeConnectorContext.Quota(89_982, 100_000));
    }

    @Test
    void theDailyLimitHoldsCallsForMinutesKeepsDeliveriesRetryableAndSaysSo() throws Exception {
        orgAt("api-usage=99990/100000");
        start(Map.of());
        orgOverTheLimit("api-usage=100012/100000");

        long before = System.nanoTime();
        assertThatThrownBy(() -> connector.deliver(followUp(1))).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).as("never a dead letter for the limit").isTrue();
            assertThat(e.isDeferred()).as("no attempt counted towards maxAttempts").isTrue();
            assertThat(e.retryAfter()).as("retried when the pause ends").contains(Duration.ofMinutes(1));
        });
        assertThat(ctx.currentProblem()).hasValueSatisfying(p -> assertThat(p)
                .contains("daily API request limit is used up").contains("100012 of 100000"));
        assertThat(ctx.quota("daily-api-requests")).contains(new FakeConnectorContext.Quota(0, 100_000));

        // Within the pause nothing is sent, and the caller is not held on a thread either.
        int sent = dataCalls();
        assertThatThrownBy(() -> connector.deliver(followUp(1))).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isRetryable()).isTrue());
        clock.advance(Duration.ofSeconds(45));
        assertThatThrownBy(() -> connector.deliver(followUp(1))).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(15)));
        assertThat(dataCalls()).as("calls during the pause").isEqualTo(sent);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));

        // The pause over, one call checks; refused again, the next pause is twice as long.
        clock.advance(Duration.ofSeconds(15));
        assertThatThrownBy(() -> connector.deliver(followUp(1))).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofMinutes(2)));
        assertThat(dataCalls()).as("one probe").isEqualTo(sent + 1);

        // Usage fell below the limit: the delivery goes through and the problem is over.
        clock.advance(Duration.ofMinutes(2));
        orgAt("api-usage=99000/100000");
        assertThat(connector.deliver(followUp(1)).itemId()).isEqualTo("00aCOMMENT");
        assertThat(ctx.currentProblem()).isEmpty();
        assertThat(ctx.quota("daily-api-requests")).contains(new FakeConnectorContext.Quota(1_000, 100_000));
    }

    @Test
    void pausesDoubleUpToHalfAnHour() throws Exception {
        orgAt("api-usage=99990/100000");
        start(Map.of());
        orgOverTheLimit("api-usage=100012/100000");

        List<Long> minutes = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            try {
                connector.deliver(followUp(1));
            } catch (DeliveryException e) {
                Duration pause = e.retryAfter().orElseThrow();
                minutes.add(pause.toMinutes());
                clock.advance(pause);
            }
        }
        assertThat(minutes).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L);
    }

    @Test
    void theConcurrentRequestsLimitKeepsItsShortPause() throws Exception {
        // Same errorCode, but the org still has daily requests left: too many long-running calls at once.
        orgAt("api-usage=2500/100000");
        start(Map.of());
        wm.stubFor(post(urlEqualTo(COMMENT)).willReturn(withUsage(json(403, "[{\"message\":\"ConcurrentRequests "
                + "(Concurrent API Requests) Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]"),
                "api-usage=2501/100000")));

        assertThatThrownBy(() -> connector.deliver(followUp(1))).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.isDeferred()).as("a failed attempt like any other").isFalse();
            assertThat(e.retryAfter()).isEmpty();
        });
        assertThat(ctx.currentProblem()).isEmpty();
    }

    @Test
    void nearTheReserveCallsAreSpacedSoTheRestLastsTheDay() throws Exception {
        // 400 of 5,000 left is under the default 10 % reserve: about one call every 216 s, a few at once.
        orgAt("api-usage=4600/5000");
        start(Map.of());

        int delivered = 0;
        DeliveryException held = null;
        for (int i = 1; i <= 10 && held == null; i++) {
            try {
                connector.deliver(followUp(i));
                delivered++;
            } catch (DeliveryException e) {
                held = e;
            }
        }

        // Start's checks (the Case field, EmailMessage access) take part of the burst of six; deliveries take two
        // calls each (the Case lookup, the comment), so two go through and the third is held at one of its calls.
        assertThat(delivered).as("deliveries of two calls each from what start left of a burst of six")
                .isEqualTo(2);
        assertThat(held).isNotNull();
        assertThat(held.isRetryable()).isTrue();
        assertThat(held.isDeferred()).isTrue();
        assertThat(held.getMessage()).as("named without the SOQL, which may hold an email")
                .contains("not sent").doesNotContain("?q=").doesNotContain("SELECT");
        assertThat(held.retryAfter()).hasValueSatisfying(d -> assertThat(d)
                .isGreaterThanOrEqualTo(Duration.ofSeconds(216)).isLessThanOrEqualTo(Duration.ofMinutes(30)));
        assertThat(commentPosts()).isEqualTo(delivered);

        clock.advance(held.retryAfter().orElseThrow());
        assertThat(connector.deliver(followUp(4)).itemId()).isEqualTo("00aCOMMENT");
    }

    @Test
    void farFromTheReserveCallsAreNotSpaced() throws Exception {
        orgAt("api-usage=18/5000");
        start(Map.of());

        for (int i = 1; i <= 10; i++) {
            assertThat(connector.deliver(followUp(i)).itemId()).isEqualTo("00aCOMMENT");
        }
    }

    @Test
    void aLargerReserveStartsSpacingEarlier() throws Exception {
        orgAt("api-usage=3500/5000");
        start(Map.of("apiReservePercent", 40));

        assertThatThrownBy(() -> {
            for (int i = 1; i <= 10; i++) {
                connector.deliver(followUp(i));
            }
        }).isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void scheduledPollsStopWhileTheLimitHoldsAndResumeAfter() throws Exception {
        orgAt("api-usage=99999/100000");
        wm.stubFor(get(urlPathEqualTo(QUERY)).withQueryParam("q", containing("FROM CaseComment WHERE Parent."))
                .willReturn(withUsage(json(403, TOTAL_REQUESTS), "api-usage=100001/100000")));
        start(Map.of("pollInterval", "100ms"));

        waitFor(() -> pollQueries() >= 1);
        Thread.sleep(1_000);
        assertThat(pollQueries()).as("polls while the limit holds (10 would have run)").isEqualTo(1);
        assertThat(ctx.currentProblem()).hasValueSatisfying(p -> assertThat(p).contains("daily API request limit"));

        // Nothing is left of the day's allocation, so idle polls also keep to the reserve's quarter of an hour.
        clock.advance(Duration.ofMinutes(1));
        Thread.sleep(500);
        assertThat(pollQueries()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(14));
        waitFor(() -> pollQueries() >= 2);
    }

    @Test
    void nearTheReserveScheduledPollsSlowToOneEveryQuarterHour() throws Exception {
        orgAt("api-usage=4900/5000");
        start(Map.of("pollInterval", "100ms"));

        waitFor(() -> pollQueries() >= 1);
        Thread.sleep(1_000);
        assertThat(pollQueries()).as("idle polls within a quarter of an hour").isEqualTo(1);

        clock.advance(Duration.ofMinutes(15));
        waitFor(() -> pollQueries() >= 2);
    }

    private static int pollQueries() {
        return wm.findAll(getRequestedFor(urlPathEqualTo(QUERY))
                .withQueryParam("q", containing("FROM CaseComment WHERE Parent."))).size();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(until);
            Thread.sleep(20);
        }
    }
}
