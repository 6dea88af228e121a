package dev.omnibridge.connector.zendesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Address;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.RequesterErasure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * GDPR erasure at Zendesk. Stubs follow Zendesk's reference: Delete User ({@code DELETE /api/v2/users/{id}}, 200
 * with the user), Permanently Delete User ({@code DELETE /api/v2/deleted_users/{id}}, 200 with deleted_user; "you
 * must delete the user first"; 700 per 10 minutes, then 429 with Retry-After), Delete Ticket
 * ({@code DELETE /api/v2/tickets/{id}}, 204), Delete Ticket Permanently ({@code DELETE /api/v2/deleted_tickets/{id}},
 * 200 with a job_status), Search Users by external_id ({@code GET /api/v2/users/search?external_id=}).
 */
class ZendeskErasureTest {
    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private ZendeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        start(Map.of());
    }

    private void start(Map<String, Object> extra) throws Exception {
        zd.stubFor(get("/api/v2/users/me").willReturn(okJson("{\"user\":{\"id\":900,\"role\":\"admin\"}}")));
        Map<String, Object> settings = Fixture.settings(zd.baseUrl());
        settings.putAll(extra);
        connector = new ZendeskConnector();
        connector.start(Fixture.context(settings));
    }

    private static void ticketDeletable(String id) {
        zd.stubFor(delete("/api/v2/tickets/" + id).willReturn(aResponse().withStatus(204)));
        zd.stubFor(delete("/api/v2/deleted_tickets/" + id).willReturn(okJson(
                "{\"job_status\":{\"id\":\"82de0b04\",\"status\":\"queued\",\"url\":\"https://x/api/v2/job_statuses/82de0b04.json\"}}")));
    }

    private static void userDeletable(long id) {
        zd.stubFor(delete("/api/v2/users/" + id).willReturn(okJson(
                "{\"user\":{\"id\":" + id + ",\"active\":false,\"role\":\"end-user\"}}")));
        zd.stubFor(delete("/api/v2/deleted_users/" + id).willReturn(okJson(
                "{\"deleted_user\":{\"id\":" + id + ",\"active\":false,\"name\":\"Permanently Deleted User\"}}")));
    }

    private static RequesterErasure request(String requesterRef, List<String> tickets) {
        return new RequesterErasure("contact-1", requesterRef, List.of(Address.email("ann@example.com")), tickets);
    }

    @Test
    void theTicketsThenTheRequesterAreDeletedAndPermanentlyDeletedInThatOrder() throws Exception {
        ticketDeletable("77");
        ticketDeletable("78");
        userDeletable(501);

        RequesterErasure.Outcome outcome = connector.eraseRequester(request("501", List.of("77", "78")));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.ERASED);
        assertThat(outcome.detail()).contains("2 of 2 ticket(s)").contains("user 501").doesNotContain("ann");
        List<String> calls = zd.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> r.getMethod().getName().equals("DELETE")).map(LoggedRequest::getUrl).toList();
        assertThat(calls).containsExactly("/api/v2/tickets/77", "/api/v2/deleted_tickets/77",
                "/api/v2/tickets/78", "/api/v2/deleted_tickets/78",
                "/api/v2/users/501", "/api/v2/deleted_users/501");
    }

    @Test
    void repeatingAfterACrashBetweenTheTwoUserDeletionsFinishesThePermanentDeletion() throws Exception {
        // The first attempt soft-deleted the user, then the hub died: Zendesk no longer has it as an active user.
        zd.stubFor(delete("/api/v2/users/501").willReturn(notFound()));
        zd.stubFor(delete("/api/v2/deleted_users/501").willReturn(okJson("{\"deleted_user\":{\"id\":501}}")));

        RequesterErasure.Outcome outcome = connector.eraseRequester(request("501", List.of()));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.ERASED);
        zd.verify(deleteRequestedFor(urlEqualTo("/api/v2/deleted_users/501")));
    }

    @Test
    void aRequesterAlreadyErasedIsNotFound() throws Exception {
        zd.stubFor(delete("/api/v2/users/501").willReturn(notFound()));
        zd.stubFor(delete("/api/v2/deleted_users/501").willReturn(notFound()));
        zd.stubFor(delete("/api/v2/tickets/77").willReturn(notFound()));
        zd.stubFor(delete("/api/v2/deleted_tickets/77").willReturn(notFound()));

        RequesterErasure.Outcome outcome = connector.eraseRequester(request("501", List.of("77")));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.NOT_FOUND);
    }

    @Test
    void withoutARememberedRequesterTheUserCarryingTheContactIdAsExternalIdIsErased() throws Exception {
        zd.stubFor(get("/api/v2/users/search?external_id=contact-1").willReturn(okJson(
                "{\"users\":[{\"id\":640,\"external_id\":\"contact-1\",\"role\":\"end-user\"}],\"count\":1}")));
        userDeletable(640);

        RequesterErasure.Outcome outcome = connector.eraseRequester(request(null, List.of()));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.ERASED);
        zd.verify(deleteRequestedFor(urlEqualTo("/api/v2/deleted_users/640")));
    }

    @Test
    void withEraseTicketsOffTheTicketsStayAndOnlyTheRequesterIsErased() throws Exception {
        connector.stop();
        start(Map.of("eraseTickets", false));
        userDeletable(501);

        RequesterErasure.Outcome outcome = connector.eraseRequester(request("501", List.of("77")));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.ERASED);
        zd.verify(0, deleteRequestedFor(urlEqualTo("/api/v2/tickets/77")));
        zd.verify(deleteRequestedFor(urlEqualTo("/api/v2/deleted_users/501")));
    }

    @Test
    void theRateLimitOfPermanentDeletionsIsRetryableAfterZendesksRetryAfter() {
        zd.stubFor(delete("/api/v2/users/501").willReturn(okJson("{\"user\":{\"id\":501}}")));
        zd.stubFor(delete("/api/v2/deleted_users/501").willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "93").withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"TooManyRequests\"}")));

        DeliveryException e = catchThrowableOfType(() -> connector.eraseRequester(request("501", List.of())),
                DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(93));
    }

    @Test
    void aRefusalIsAPermanentFailureWithoutTheToken() {
        zd.stubFor(delete("/api/v2/users/501").willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"Forbidden\",\"description\":\"You do not have access to this page.\"}")));

        DeliveryException e = catchThrowableOfType(() -> connector.eraseRequester(request("501", List.of())),
                DeliveryException.class);

        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("403").doesNotContain(Fixture.TOKEN);
    }
}
