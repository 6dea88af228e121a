package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/** The link the hub's console shows for a Freshdesk ticket: the helpdesk's {@code /helpdesk/tickets/{id}}. */
class FreshdeskTicketUrlTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Test
    void aTicketLinksToTheHelpdeskOfTheConfiguredAccount() throws Exception {
        FreshdeskConnector connector = new FreshdeskConnector();
        assertThat(connector.ticketUrl("12")).as("not started: no account known").isEmpty();
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1,\"contact\":{\"name\":\"Bridge\"}}")));
        connector.start(Fixture.context(api.baseUrl()));

        assertThat(connector.ticketUrl("12")).contains(URI.create(api.baseUrl() + "/helpdesk/tickets/12"));
        assertThat(connector.ticketUrl("12?x=1")).isEmpty();
    }
}
