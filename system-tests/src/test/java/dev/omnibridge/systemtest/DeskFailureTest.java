package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/** Desk outages are retried with backoff, Retry-After is honoured, rejections are dead-lettered and replayable. */
class DeskFailureTest extends SystemTestBase {

    @Override
    protected HubConfig config() {
        return standardConfig().delivery("initialBackoff", "100ms").delivery("maxBackoff", "1s").delivery("maxAttempts", 6);
    }

    @Test
    void connectionResetAndServiceUnavailableAreRetriedUntilTheDeskAcceptsTheMessageOnce() {
        String thread = "flaky-a";
        desk.stubFor(deskPostFor(thread).inScenario(thread).whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("reset"));
        desk.stubFor(deskPostFor(thread).inScenario(thread).whenScenarioStateIs("reset")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("503 once"));
        desk.stubFor(deskPostFor(thread).inScenario(thread).whenScenarioStateIs("503 once")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("503 twice"));
        StubMapping success = desk.stubFor(deskPostFor(thread).inScenario(thread).whenScenarioStateIs("503 twice")
                .willReturn(ticketResponse(201)));

        assertThat(postToChannel("flaky-a-1", thread, "hello").statusCode()).isEqualTo(200);

        Poll.until(Duration.ofSeconds(30), "the success stub answered",
                () -> deskRequestsFor(thread).stream().anyMatch(r -> success.getId().equals(r.stubId())));
        awaitQuiet(desk, Duration.ofSeconds(2));
        List<ReceivedRequest> attempts = deskRequestsFor(thread);
        assertThat(attempts).as("reset, 503, 503, 201").hasSize(4);
        assertThat(attempts).filteredOn(r -> success.getId().equals(r.stubId())).hasSize(1);
        assertThat(attempts.get(3).stubId()).isEqualTo(success.getId());
        assertThat(attempts).extracting(ReceivedRequest::idempotencyKey).as("key is stable across retries")
                .doesNotContainNull().containsOnly(attempts.get(0).idempotencyKey());
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void retryAfterOfTooManyRequestsIsHonoured() {
        String thread = "throttled-b";
        desk.stubFor(deskPostFor(thread).inScenario(thread).whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("throttled"));
        desk.stubFor(deskPostFor(thread).inScenario(thread).whenScenarioStateIs("throttled")
                .willReturn(ticketResponse(201)));

        assertThat(postToChannel("throttled-b-1", thread, "hello").statusCode()).isEqualTo(200);

        awaitDeskAccepted(thread, 1, Duration.ofSeconds(30));
        awaitQuiet(desk, Duration.ofSeconds(1));
        List<ReceivedRequest> attempts = deskRequestsFor(thread);
        assertThat(attempts).hasSize(2);
        Duration waited = Duration.between(attempts.get(0).receivedAt(), attempts.get(1).receivedAt());
        assertThat(waited).as("time between the 429 and the retry").isGreaterThanOrEqualTo(Duration.ofMillis(1800));
    }

    @Test
    void rejectedMessageIsDeadLetteredWithoutBlockingOthersAndDeliveredOnReplay() {
        String thread = "rejected-c";
        StubMapping rejecting = desk.stubFor(deskPostFor(thread).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"contact email is not allowed\"}")));

        assertThat(postToChannel("rejected-c-1", thread, "will be rejected").statusCode()).isEqualTo(200);
        assertThat(postToChannel("flowing-c-1", "flowing-c", "still flows").statusCode()).isEqualTo(200);
        assertThat(postToChannel("flowing-d-1", "flowing-d", "still flows").statusCode()).isEqualTo(200);

        Poll.until(Duration.ofSeconds(30), "the rejected message is dead-lettered", () -> deadLetters().size() == 1);
        awaitDeskAccepted("flowing-c", 1, Duration.ofSeconds(30));
        awaitDeskAccepted("flowing-d", 1, Duration.ofSeconds(30));
        JsonNode deadLetter = deadLetters().get(0);
        ReceivedRequest rejected = deskRequestsFor(thread).get(0);
        assertThat(deskRequestsFor(thread)).as("a 400 is permanent: no retries").hasSize(1);
        assertThat(deadLetter.path("reason").asText()).contains("400");
        assertThat(deadLetter.path("target").asText()).isEqualTo(DESK);
        assertThat(deadLetter.path("messageId").asText()).isEqualTo(rejected.text("/message/id"));
        assertThat(deadLetter.path("conversationId").asText()).isEqualTo(rejected.conversationId());

        desk.removeStub(rejecting);
        desk.stubFor(deskPostFor(thread).willReturn(ticketResponse(201)));
        String id = deadLetter.path("id").asText();
        HttpResponse<String> replay = hub.http().admin("POST", "/api/dead-letters/" + id + "/replay");
        assertThat(replay.statusCode()).as(describe(replay)).isEqualTo(202);
        assertThat(replay.body()).contains("PENDING");

        List<ReceivedRequest> accepted = awaitDeskAccepted(thread, 1, Duration.ofSeconds(30));
        assertThat(accepted.get(0).channelMessageId()).isEqualTo("rejected-c-1");
        Poll.until(Duration.ofSeconds(10), "the dead-letter list is empty", () -> deadLetters().isEmpty());
        assertThat(hub.http().admin("POST", "/api/dead-letters/987654321/replay").statusCode()).isEqualTo(404);
    }

    @Test
    void deadLetterApiRequiresTheAdminToken() {
        assertThat(hub.http().get("/api/dead-letters").statusCode()).isEqualTo(401);
        assertThat(hub.http().post("/api/dead-letters/1/replay", "", "Authorization", "Bearer wrong-token").statusCode())
                .isEqualTo(401);
    }

    private static MappingBuilder deskPostFor(String threadKey) {
        return deskPost().atPriority(OVERRIDE).withRequestBody(matchingJsonPath("$.conversation.threadKey", equalTo(threadKey)));
    }
}
