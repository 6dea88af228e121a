package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plain HTTP help desk integrated by a YAML route (issue 23): the packaged hub with the camel-http plugin zip runs
 * {@code examples/camel-http-desk/http-desk.camel.yaml} as camel-desk instance {@value #HELPDESK}; WireMock is the
 * help desk's JSON API. The first message opens a ticket (its id read from the answer), the next is a comment on it.
 */
class CamelHttpDeskTest extends SystemTestBase {
    private static final String HELPDESK = "helpdesk";
    private static final String API_TOKEN = "helpdesk-token-0123456789abcdef";
    private static final Path ROUTE = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
            Path.of("..").toAbsolutePath().normalize().toString()))
            .resolve("examples/camel-http-desk/http-desk.camel.yaml").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Override
    protected HubProcess startHub() {
        logScan.secrets(List.of(API_TOKEN));
        return startHubWith("camel-http");
    }

    @Override
    protected HubConfig config() {
        String properties = Json.write(Json.object().put("self", HELPDESK).put("deskUrl", desk.baseUrl())
                .put("apiToken", API_TOKEN));
        return quickRetryConfig()
                .instance(HELPDESK, "camel-desk", Map.of("routes", ROUTE.toString(), "properties", properties))
                .route(WEB, HELPDESK);
    }

    @BeforeAll
    void helpDeskApi() {
        desk.stubFor(post(urlEqualTo("/api/tickets")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"ticket\":{\"id\":4711}}")));
        desk.stubFor(post(urlMatching("/api/tickets/[0-9]+/comments")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"comment\":{\"id\":99}}")));
        awaitRunning(HELPDESK);
    }

    @Test
    void theFirstMessageOpensATicketAndTheNextIsACommentOnIt() {
        String thread = unique("http-desk");
        logScan.texts("My parcel never arrived", "Any news?");
        assertThat(postToChannel(thread + "-1", thread, "My parcel never arrived").statusCode()).isEqualTo(200);
        Poll.until(WAIT, "the ticket opened at the help desk", () -> requests("/api/tickets").size() >= 1);
        ReceivedRequest opened = requests("/api/tickets").get(0);
        JsonNode ticket = opened.body();
        assertThat(ticket.path("comment").path("body").asText()).isEqualTo("My parcel never arrived");
        assertThat(ticket.path("external_id").asText()).isNotBlank();
        assertThat(opened.header("Authorization")).isEqualTo("Bearer " + API_TOKEN);
        assertThat(opened.header("Idempotency-Key")).startsWith("omnibridge-");
        assertThat(opened.event().getRequest().getHeaders().keys()).noneMatch(h -> h.startsWith("Omnibridge"));
        String conversation = ticket.path("external_id").asText();
        assertThat(awaitDeskTicket(conversation, HELPDESK, WAIT)).isEqualTo("4711");

        assertThat(postToChannel(thread + "-2", thread, "Any news?").statusCode()).isEqualTo(200);
        Poll.until(WAIT, "the comment on ticket 4711", () -> requests("/api/tickets/4711/comments").size() >= 1);
        JsonNode comment = requests("/api/tickets/4711/comments").get(0).body();
        assertThat(comment.path("body").asText()).isEqualTo("Any news?");
        assertThat(comment.path("internal").asBoolean()).isFalse();
    }

    private List<ReceivedRequest> requests(String path) {
        return deskRequests().stream().filter(r -> path.equals(r.event().getRequest().getUrl())).toList();
    }
}
