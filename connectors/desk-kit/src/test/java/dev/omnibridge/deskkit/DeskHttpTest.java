package dev.omnibridge.deskkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.omnibridge.spi.DeliveryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeskHttpTest {
    private static final String TOKEN = "tok-very-secret-123";
    private WireMockServer desk;
    private DeskHttp http;

    @BeforeEach
    void start() {
        desk = new WireMockServer(options().dynamicPort());
        desk.start();
        http = DeskHttp.builder(URI.create(desk.baseUrl())).authorization("Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        desk.stop();
    }

    @Test
    void postsJsonWithTheCredentialsAndExtraHeadersAndParsesTheAnswer() throws Exception {
        desk.stubFor(post("/api/tickets").willReturn(okJson("{\"ticket\":{\"id\":42}}").withStatus(201)));
        ObjectNode body = DeskHttp.JSON.createObjectNode().put("subject", "Hi");

        DeskResponse res = http.send("POST", "/api/tickets", body, Map.of("Idempotency-Key", "k-1"));

        assertThat(res.status()).isEqualTo(201);
        assertThat(res.body().path("ticket").path("id").asInt()).isEqualTo(42);
        desk.verify(postRequestedFor(urlEqualTo("/api/tickets"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Idempotency-Key", equalTo("k-1"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"subject\":\"Hi\"}")));
    }

    @Test
    void tooManyRequestsIsRetryableWithTheDesksRetryAfterAndHoldsLaterCalls() {
        desk.stubFor(get("/api/me").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
        RatePacer pacer = new RatePacer(100, Duration.ofSeconds(1));
        DeskHttp paced = DeskHttp.builder(URI.create(desk.baseUrl())).pacer(pacer).build();

        assertThatThrownBy(() -> paced.get("/api/me")).isInstanceOfSatisfying(DeskApiException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
            DeliveryException d = e.toDelivery();
            assertThat(d.isRetryable()).isTrue();
            assertThat(d.retryAfter()).contains(Duration.ofSeconds(7));
        });
        assertThat(pacer.pausedFor()).isGreaterThan(Duration.ofSeconds(5));
    }

    @Test
    void validationErrorIsPermanentAndNamesTheCallAndTheDesksText() {
        desk.stubFor(post("/api/tickets").willReturn(aResponse().withStatus(422)
                .withBody("{\"error\":\"RecordInvalid\",\"description\":\"Requester ann@example.com is suspended\"}")));

        assertThatThrownBy(() -> http.post("/api/tickets", DeskHttp.JSON.createObjectNode()))
                .isInstanceOfSatisfying(DeskApiException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.getMessage()).startsWith("POST /api/tickets answered HTTP 422")
                            .contains("RecordInvalid").doesNotContain("ann@example.com");
                    assertThat(e.toDelivery().isRetryable()).isFalse();
                });
    }

    @Test
    void credentialsEchoedByTheDeskNeverReachTheErrorMessage() {
        desk.stubFor(get("/api/me").willReturn(aResponse().withStatus(401)
                .withBody("invalid token Bearer " + TOKEN)));

        assertThatThrownBy(() -> http.get("/api/me")).isInstanceOfSatisfying(DeskApiException.class,
                e -> assertThat(e.getMessage()).doesNotContain(TOKEN).contains("401"));
    }

    @Test
    void aDroppedConnectionIsRetryable() {
        desk.stubFor(get("/api/me").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> http.get("/api/me")).isInstanceOfSatisfying(DeskApiException.class, e -> {
            assertThat(e.status()).isZero();
            assertThat(e.retryable()).isTrue();
        });
    }

    @Test
    void vendorSpecificAnswersCanBeMarkedRetryable() {
        desk.stubFor(get("/q").willReturn(aResponse().withStatus(403)
                .withBody("[{\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"TotalRequests Limit exceeded.\"}]")));
        DeskHttp salesforceLike = DeskHttp.builder(URI.create(desk.baseUrl()))
                .retryableWhen(r -> r.status() == 403 && r.body().toString().contains("REQUEST_LIMIT_EXCEEDED")).build();

        assertThatThrownBy(() -> salesforceLike.get("/q")).isInstanceOfSatisfying(DeskApiException.class,
                e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void recordLevelTransientAnswersAreRetryableWithoutHoldingTheInstancesOtherCalls() {
        desk.stubFor(post("/case").willReturn(aResponse().withStatus(400).withBody("[{\"message\":\"unable to obtain "
                + "exclusive access to this record\",\"errorCode\":\"UNABLE_TO_LOCK_ROW\",\"fields\":[]}]")));
        RatePacer pacer = new RatePacer(100, Duration.ofSeconds(1));
        DeskHttp salesforceLike = DeskHttp.builder(URI.create(desk.baseUrl())).pacer(pacer)
                .transientWhen(r -> r.status() == 400 && r.body().toString().contains("UNABLE_TO_LOCK_ROW")).build();

        assertThatThrownBy(() -> salesforceLike.post("/case", DeskHttp.JSON.createObjectNode()))
                .isInstanceOfSatisfying(DeskApiException.class, e -> {
                    assertThat(e.toDelivery().isRetryable()).isTrue();
                    // About this record only: the hub must not take the desk for failing (and pause it) over it.
                    assertThat(e.toDelivery().concernsOneRecord()).isTrue();
                });
        assertThat(pacer.pausedFor()).isZero();
    }

    @Test
    void aDeskWideFailureIsNotTakenForOneRecordsEvenWhereRecordErrorsAreKnown() {
        desk.stubFor(post("/case").willReturn(aResponse().withStatus(503).withHeader("Retry-After", "7")));
        DeskHttp salesforceLike = DeskHttp.builder(URI.create(desk.baseUrl()))
                .transientWhen(r -> r.status() == 400 && r.body().toString().contains("UNABLE_TO_LOCK_ROW")).build();

        assertThatThrownBy(() -> salesforceLike.post("/case", DeskHttp.JSON.createObjectNode()))
                .isInstanceOfSatisfying(DeskApiException.class, e -> {
                    assertThat(e.toDelivery().isRetryable()).isTrue();
                    assertThat(e.toDelivery().concernsOneRecord()).isFalse();
                    assertThat(e.toDelivery().retryAfter()).contains(Duration.ofSeconds(7));
                });
    }

    @Test
    void absoluteLinksAreOnlyFollowedOnTheDesksOwnHost() {
        assertThat(http.uri(desk.baseUrl() + "/api/tickets?page=2").getQuery()).isEqualTo("page=2");
        assertThatThrownBy(() -> http.uri("https://collector.example.net/steal"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void multipartCarriesFieldsAndFilesWithSafeNames() throws Exception {
        desk.stubFor(post("/api/files").willReturn(okJson("{\"id\":\"f-1\"}")));
        Multipart form = new Multipart().field("folderPath", "/omnibridge")
                .file("file", "a\"b.png", "image/png", "PNGDATA".getBytes(StandardCharsets.US_ASCII));

        http.multipart("POST", "/api/files", form, Map.of());

        desk.verify(postRequestedFor(urlEqualTo("/api/files"))
                .withHeader("Content-Type", matching("multipart/form-data; boundary=omnibridge-.*"))
                .withRequestBody(containing("name=\"folderPath\""))
                .withRequestBody(containing("filename=\"a\\\"b.png\""))
                .withRequestBody(containing("PNGDATA")));
    }
}
