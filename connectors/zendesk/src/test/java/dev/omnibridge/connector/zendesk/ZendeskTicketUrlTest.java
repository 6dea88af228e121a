package dev.omnibridge.connector.zendesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/** The link the hub's console shows for a Zendesk ticket: the agent interface's {@code /agent/tickets/{id}}. */
class ZendeskTicketUrlTest {
    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @Test
    void aTicketLinksToTheAgentInterfaceOfTheConfiguredAccount() throws Exception {
        ZendeskConnector connector = new ZendeskConnector();
        assertThat(connector.ticketUrl("35436")).as("not started: no account known").isEmpty();
        zd.stubFor(get("/api/v2/users/me").willReturn(okJson("{\"user\":{\"id\":900,\"role\":\"admin\"}}")));
        connector.start(Fixture.context(Fixture.settings(zd.baseUrl())));

        assertThat(connector.ticketUrl("35436")).contains(URI.create(zd.baseUrl() + "/agent/tickets/35436"));
        assertThat(connector.ticketUrl("not-a-ticket/../x")).isEmpty();
    }
}
