package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.RequesterErasure;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.FakeDeskRequesters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One customer, one Freshdesk contact: the hub's requester memory, the contact's numbers reported to the hub, and the
 * GDPR erasure. Shapes from https://developers.freshdesk.com/api/: List All Contacts (filter by phone/mobile, an array
 * of contacts with {@code phone}, {@code mobile}, {@code email}), Create a Contact, Permanently Delete a Contact
 * ({@code DELETE /api/v2/contacts/[id]/hard_delete?force=true}, 204 No Content; {@code force} for a contact that was
 * not soft-deleted; 404 for an unknown contact), rate limits (429 with Retry-After).
 */
class FreshdeskRequestersTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FakeConnectorContext ctx;
    private FreshdeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1,\"contact\":{\"name\":\"Bot\"}}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets")).willReturn(okJson("[]")));
        api.stubFor(post("/api/v2/tickets").willReturn(okJson("{\"id\":501}").withStatus(201)));
        ctx = Fixture.context(api.baseUrl());
        connector = new FreshdeskConnector();
        connector.start(ctx);
    }

    private static final Address PHONE = new Address(AddressKind.PHONE, "+4915112345678");

    @Test
    void theRequesterTheHubRemembersIsUsedWithoutLookingUpOrCreatingAContact() {
        ctx.requesters().remember("contact-42", "91");

        connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL))));

        api.verify(0, postRequestedFor(urlEqualTo("/api/v2/contacts")));
        api.verify(postRequestedFor(urlEqualTo("/api/v2/tickets"))
                .withRequestBody(equalToJson("{\"requester_id\":91}", true, true)));
    }

    @Test
    void aCreatedRequesterIsRemembered() {
        api.stubFor(post("/api/v2/contacts").willReturn(okJson("{\"id\":88}").withStatus(201)));

        connector.deliver(Fixture.opening(Fixture.message("Hi").build(),
                Fixture.contact(new Address(AddressKind.EMAIL, Fixture.EMAIL))));

        assertThat(ctx.requesters().remembered()).containsEntry("contact-42", "88");
    }

    @Test
    void theFoundContactsOtherNumberIsReportedToTheHubInItsNormalForm() {
        api.stubFor(get(urlEqualTo("/api/v2/contacts?phone=%2B4915112345678")).willReturn(okJson("""
                [{"id":73,"name":"Ann Example","email":null,"other_emails":[],
                  "phone":"+4915112345678","mobile":"+44 20 7946 0958"}]""")));

        connector.deliver(Fixture.opening(Fixture.message("Hi").build(), Fixture.contact(PHONE)));

        assertThat(ctx.requesters().remembered()).containsEntry("contact-42", "73");
        assertThat(ctx.requesters().reports()).containsExactly(new FakeDeskRequesters.Report("contact-42",
                List.of(PHONE, Address.phone("+442079460958"))));
    }

    @Test
    void erasurePermanentlyDeletesTheRememberedContactWithForce() throws Exception {
        api.stubFor(delete("/api/v2/contacts/91/hard_delete?force=true").willReturn(aResponse().withStatus(204)));

        RequesterErasure.Outcome outcome = connector.eraseRequester(
                new RequesterErasure("contact-42", "91", List.of(PHONE), List.of("501")));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.ERASED);
        api.verify(deleteRequestedFor(urlEqualTo("/api/v2/contacts/91/hard_delete?force=true")));
    }

    @Test
    void erasureOfAContactAlreadyGoneIsNotFound() throws Exception {
        api.stubFor(delete("/api/v2/contacts/91/hard_delete?force=true").willReturn(notFound()));

        RequesterErasure.Outcome outcome = connector.eraseRequester(
                new RequesterErasure("contact-42", "91", List.of(), List.of()));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.NOT_FOUND);
    }

    @Test
    void withoutARememberedRequesterTheContactWithTheCustomersNumberAndNoEmailIsErased() throws Exception {
        api.stubFor(get(urlEqualTo("/api/v2/contacts?phone=%2B4915112345678")).willReturn(okJson(
                "[{\"id\":73,\"email\":null,\"other_emails\":[],\"phone\":\"+4915112345678\"}]")));
        api.stubFor(delete("/api/v2/contacts/73/hard_delete?force=true").willReturn(aResponse().withStatus(204)));

        RequesterErasure.Outcome outcome = connector.eraseRequester(
                new RequesterErasure("contact-42", null, List.of(PHONE), List.of()));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.ERASED);
    }

    @Test
    void aContactWithAnEmailFoundByTheNumberIsNotTheHubsRequesterAndIsLeftAlone() throws Exception {
        api.stubFor(get(urlEqualTo("/api/v2/contacts?phone=%2B4915112345678")).willReturn(okJson(
                "[{\"id\":74,\"email\":\"someone@example.com\",\"phone\":\"+4915112345678\"}]")));

        RequesterErasure.Outcome outcome = connector.eraseRequester(
                new RequesterErasure("contact-42", null, List.of(PHONE), List.of()));

        assertThat(outcome.result()).isEqualTo(RequesterErasure.Result.NOT_FOUND);
        api.verify(0, deleteRequestedFor(urlPathEqualTo("/api/v2/contacts/74/hard_delete")));
    }

    @Test
    void theRateLimitIsRetryableAfterFreshdesksRetryAfter() {
        api.stubFor(delete("/api/v2/contacts/91/hard_delete?force=true").willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "37").withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"You have exceeded the limit of requests per minute\"}")));

        DeliveryException e = catchThrowableOfType(() -> connector.eraseRequester(
                new RequesterErasure("contact-42", "91", List.of(), List.of())), DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(37));
    }
}
