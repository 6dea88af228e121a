package dev.omnibridge.connector.hubspot;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Address;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.RequesterErasure;
import dev.omnibridge.testkit.FakeDeskRequesters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.hubspot.Fixture.CONTACT_BY_EMAIL;
import static dev.omnibridge.connector.hubspot.Fixture.TICKET_BY_CONV;
import static dev.omnibridge.connector.hubspot.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One customer, one HubSpot contact: the hub's requester memory, the found contact's addresses reported to the hub,
 * and the erasure. Stubs follow HubSpot's reference: contacts read by {@code idProperty} with {@code properties},
 * "Permanently delete a contact (GDPR-compliant)" ({@code POST /crm/v3/objects/contacts/gdpr-delete} with
 * {@code objectId}, 204 without a body), "Delete a ticket" ({@code DELETE /crm/v3/objects/tickets/{id}}, 204),
 * rate limits (429 with Retry-After).
 */
class HubSpotRequestersTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static void newTicket() {
        api.stubFor(get(urlEqualTo(TICKET_BY_CONV)).willReturn(json(404, "{\"status\":\"error\"}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/tickets")).willReturn(json(201, "{\"id\":\"9001\"}")));
    }

    @Test
    void theContactTheHubRemembersIsTheTicketsRequesterWithoutALookup() {
        Fixture f = new Fixture(api);
        newTicket();
        f.context.requesters().remember("contact-1", "777");

        f.connector.deliver(Fixture.delivery(Fixture.message("Hello").build(), Fixture.ann(), "conv-1", null, "k-1"));

        api.verify(0, getRequestedFor(urlEqualTo(CONTACT_BY_EMAIL)));
        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/tickets")).withRequestBody(
                equalToJson("{\"associations\":[{\"to\":{\"id\":\"777\"}}]}", true, true)));
    }

    @Test
    void theFoundContactIsRememberedAndItsPhoneNumbersReportedInTheHubsNormalForm() {
        Fixture f = new Fixture(api);
        newTicket();
        api.stubFor(get(urlEqualTo(CONTACT_BY_EMAIL)).willReturn(json(200, """
                {"id":"501","properties":{"email":"ann@example.com","phone":"+1 (415) 555-0100",
                 "mobilephone":"","hs_object_id":"501"}}""")));

        f.connector.deliver(Fixture.delivery(Fixture.message("Hello").build(), Fixture.ann(), "conv-1", null, "k-1"));

        assertThat(f.context.requesters().remembered()).containsEntry("contact-1", "501");
        assertThat(f.context.requesters().reports()).containsExactly(new FakeDeskRequesters.Report("contact-1",
                List.of(Address.email("ann@example.com"), Address.phone("+14155550100"))));
    }

    @Test
    void erasureDeletesTheTicketsThenGdprDeletesTheRememberedContactById() throws Exception {
        Fixture f = new Fixture(api);
        api.stubFor(delete("/crm/v3/objects/tickets/9001").willReturn(json(204, "")));
        api.stubFor(post("/crm/v3/objects/contacts/gdpr-delete").willReturn(json(204, "")));

        RequesterErasure.Outcome outcome = f.connector.eraseRequester(new RequesterErasure("contact-1", "501",
                List.of(Address.email("ann@example.com")), List.of("9001")));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.ERASED);
        assertThat(outcome.detail()).doesNotContain("ann");
        List<String> calls = api.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> !r.getMethod().getName().equals("GET"))
                .map(r -> r.getMethod().getName() + " " + r.getUrl()).toList();
        assertThat(calls).containsExactly("DELETE /crm/v3/objects/tickets/9001",
                "POST /crm/v3/objects/contacts/gdpr-delete");
        LoggedRequest gdpr = api.findAll(postRequestedFor(urlEqualTo("/crm/v3/objects/contacts/gdpr-delete"))).get(0);
        assertThat(gdpr.getBodyAsString()).isEqualTo("{\"objectId\":\"501\"}");
    }

    @Test
    void withoutARememberedContactTheOneWithTheHubContactIdIsGdprDeletedById() throws Exception {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo("/crm/v3/objects/contacts/contact-1?idProperty=omnibridge_contact_id"))
                .willReturn(json(200, "{\"id\":\"640\",\"properties\":{}}")));
        api.stubFor(get(urlEqualTo("/crm/v3/objects/contacts/ann%40example.com?idProperty=email"))
                .willReturn(json(404, "{\"status\":\"error\"}")));
        api.stubFor(post("/crm/v3/objects/contacts/gdpr-delete").willReturn(json(204, "")));

        RequesterErasure.Outcome outcome = f.connector.eraseRequester(new RequesterErasure("contact-1", null,
                List.of(Address.email("ann@example.com")), List.of()));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.ERASED);
        api.verify(postRequestedFor(urlEqualTo("/crm/v3/objects/contacts/gdpr-delete"))
                .withRequestBody(equalToJson("{\"objectId\":\"640\"}")));
    }

    @Test
    void aContactAndTicketsAlreadyGoneAreNotFound() throws Exception {
        Fixture f = new Fixture(api);
        api.stubFor(delete(urlPathMatching("/crm/v3/objects/tickets/.*")).willReturn(json(404, "{}")));
        api.stubFor(post("/crm/v3/objects/contacts/gdpr-delete").willReturn(json(404,
                "{\"status\":\"error\",\"category\":\"OBJECT_NOT_FOUND\"}")));

        RequesterErasure.Outcome outcome = f.connector.eraseRequester(new RequesterErasure("contact-1", "501",
                List.of(), List.of("9001")));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.NOT_FOUND);
    }

    @Test
    void theRateLimitIsRetryableAfterHubSpotsRetryAfter() {
        Fixture f = new Fixture(api);
        api.stubFor(post("/crm/v3/objects/contacts/gdpr-delete").willReturn(json(429,
                "{\"status\":\"error\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}").withHeader("Retry-After", "2")));

        DeliveryException e = catchThrowableOfType(() -> f.connector.eraseRequester(
                new RequesterErasure("contact-1", "501", List.of(), List.of())), DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(e.getMessage()).doesNotContain(Fixture.TOKEN);
    }
}
