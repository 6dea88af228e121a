package dev.omnibridge.deskkit;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link DeskHttp.Builder#onAnswer}: every answer's headers reach the listener, errors included. */
class AnswerListenerTest {
    private WireMockServer desk;
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        desk = new WireMockServer(options().dynamicPort());
        desk.start();
    }

    @AfterEach
    void stop() {
        desk.stop();
    }

    private DeskHttp http() {
        return DeskHttp.builder(URI.create(desk.baseUrl())).timeout(Duration.ofSeconds(5))
                .onAnswer(a -> heard.add(a.status() + " " + a.header("X-HubSpot-RateLimit-Daily-Remaining")
                        .orElse("-")))
                .build();
    }

    @Test
    void aSuccessfulAnswersHeadersReachTheListener() throws Exception {
        desk.stubFor(get("/crm/v3/objects/contacts").willReturn(okJson("{\"results\":[]}")
                .withHeader("X-HubSpot-RateLimit-Daily-Remaining", "249954")));

        http().get("/crm/v3/objects/contacts");

        assertThat(heard).containsExactly("200 249954");
    }

    @Test
    void anErrorAnswerReachesTheListenerBeforeItBecomesAFailure() {
        desk.stubFor(get("/crm/v3/objects/contacts").willReturn(aResponse().withStatus(429)
                .withHeader("X-HubSpot-RateLimit-Daily-Remaining", "0").withBody("{}")));

        assertThatThrownBy(() -> http().get("/crm/v3/objects/contacts")).isInstanceOf(DeskApiException.class);

        assertThat(heard).containsExactly("429 0");
    }

    @Test
    void aListenerThatThrowsDoesNotFailTheCall() throws Exception {
        desk.stubFor(get("/ping").willReturn(okJson("{\"ok\":true}")));
        DeskHttp http = DeskHttp.builder(URI.create(desk.baseUrl())).timeout(Duration.ofSeconds(5))
                .onAnswer(a -> {
                    throw new IllegalStateException("listener bug");
                }).build();

        assertThat(http.get("/ping").body().path("ok").asBoolean()).isTrue();
    }
}
