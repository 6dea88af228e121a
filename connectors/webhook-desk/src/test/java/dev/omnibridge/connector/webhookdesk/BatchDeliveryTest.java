package dev.omnibridge.connector.webhookdesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The {@code batchSize} setting: several follow-ups of one ticket in one signed omnibridge.desk-events/v1 POST. */
class BatchDeliveryTest {
    private static final String SECRET = "desk-secret-789";

    @RegisterExtension
    static WireMockExtension desk = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private WebhookDeskConnector connector;

    private WebhookDeskConnector start(Map<String, String> extra) {
        WebhookDeskType type = new WebhookDeskType();
        connector = (WebhookDeskConnector) type.create();
        Map<String, String> settings = new java.util.HashMap<>(Map.of("url", desk.url("/desk"), "secret", SECRET,
                "timeout", "20s"));
        settings.putAll(extra);
        connector.start(new FakeConnectorContext("desk", type.config(), settings));
        return connector;
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    private static List<DeskDelivery> followUps(String ticketRef, int n) {
        Address ann = Address.email("ann@example.com");
        Conversation conversation = new Conversation("conv-1", new ChannelRef("webhook-channel", "web"), "thread-1",
                "contact-1", ann, ConversationStatus.OPEN, Map.of("desk", ticketRef),
                Instant.parse("2025-03-01T10:15:30Z"));
        Contact contact = new Contact("contact-1", "Ann", List.of(ann));
        List<DeskDelivery> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Message message = Message.builder().id("msg-" + i).direction(Direction.INBOUND)
                    .channel(new ChannelRef("webhook-channel", "web")).channelMessageId("m-" + i)
                    .threadKey("thread-1").conversationId("conv-1").author(Author.customer("Ann", ann))
                    .text("message " + i).receivedAt(Instant.parse("2025-03-01T10:15:30Z").plusSeconds(i)).build();
            list.add(new DeskDelivery(message, conversation, contact, ticketRef, "idem-" + i));
        }
        return list;
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = desk.findAll(postRequestedFor(urlEqualTo("/desk")));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    @Test
    void aBatchIsOnePostOfTheSingleEventsInConversationOrderEachWithItsOwnKey() throws Exception {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("""
                {"results":[{"ticketRef":"T-7","itemId":"c-1"},{"itemId":"c-2"},{"ticketRef":"T-7"}]}""")));
        start(Map.of("batchSize", "10"));
        List<DeskDelivery> batch = followUps("T-7", 3);

        List<DeskResult> results = connector.deliverAll(batch);

        assertThat(connector.maxBatch()).isEqualTo(10);
        assertThat(results).containsExactly(new DeskResult("T-7", "c-1"), new DeskResult("T-7", "c-2"),
                new DeskResult("T-7", null));
        LoggedRequest request = onlyRequest();
        assertThat(request.getHeader("Idempotency-Key")).isEqualTo("idem-1");
        JsonNode body = CanonicalJson.mapper().readTree(request.getBody());
        assertThat(body.get("schema").asText()).isEqualTo("omnibridge.desk-events/v1");
        JsonNode events = body.get("events");
        assertThat(events).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode event = events.get(i);
            // Each event is exactly the single form.
            assertThat(event).isEqualTo(CanonicalJson.mapper().readTree(DeskEvents.messageCreated(batch.get(i))));
            assertThat(event.get("schema").asText()).isEqualTo("omnibridge.desk-event/v1");
            assertThat(event.get("idempotencyKey").asText()).isEqualTo("idem-" + (i + 1));
            assertThat(event.get("ticketRef").asText()).isEqualTo("T-7");
            assertThat(CanonicalJson.read(event.get("message")).text()).isEqualTo("message " + (i + 1));
        }
    }

    @Test
    void theSignatureCoversTheWholeBatchBody() {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("{\"results\":[{},{}]}")));
        start(Map.of("batchSize", "2"));

        connector.deliverAll(followUps("T-7", 2));

        LoggedRequest request = onlyRequest();
        assertThat(request.getHeader("X-Omnibridge-Signature"))
                .isEqualTo(TestWebhooks.signature(SECRET, request.getBody()));
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(request.getBodyAsString()).doesNotContain(SECRET);
    }

    @Test
    void anAnswerWithFewerResultsThanEventsHandsBackTheAppliedPrefixAndFailsAtTheNext() {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("""
                {"results":[{"itemId":"c-1"},{"itemId":"c-2"}]}""")));
        start(Map.of("batchSize", "10"));

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> connector.deliverAll(followUps("T-7", 4)));

        assertThat(e).isNotNull();
        assertThat(e.isRetryable()).isTrue();
        // The desk answered: no sign the instance is failing, so the breaker must not count it.
        assertThat(e.concernsOneRecord()).isTrue();
        assertThat(e.delivered()).containsExactly(new DeskResult("T-7", "c-1"), new DeskResult("T-7", "c-2"));
        assertThat(e).hasMessageContaining("2 of 4");
    }

    @Test
    void aRefusedBatchIsClassifiedLikeASingleEventAndNothingCountsAsApplied() {
        desk.stubFor(post(urlEqualTo("/desk"))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "7")));
        start(Map.of("batchSize", "10"));

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> connector.deliverAll(followUps("T-7", 3)));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.delivered()).isEmpty();
    }

    @Test
    void aTwoHundredWithoutResultsIsAPermanentFailureNotASilentSuccess() {
        // A receiver that does not read the batch form, answering as if it had got one event.
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("{\"ticketRef\":\"T-7\"}")));
        start(Map.of("batchSize", "10"));

        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> connector.deliverAll(followUps("T-7", 2)));

        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(e.delivered()).isEmpty();
        assertThat(e).hasMessageContaining("results");
    }

    @Test
    void withTheDefaultBatchSizeOfOneEveryMessageIsItsOwnSingleEventPost() throws Exception {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("{\"ticketRef\":\"T-7\",\"itemId\":\"c\"}")));
        start(Map.of());
        List<DeskDelivery> batch = followUps("T-7", 2);

        List<DeskResult> results = connector.deliverAll(batch);

        assertThat(connector.maxBatch()).isEqualTo(1);
        assertThat(results).hasSize(2);
        List<LoggedRequest> requests = desk.findAll(postRequestedFor(urlEqualTo("/desk")));
        assertThat(requests).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(requests.get(i).getBody()).isEqualTo(DeskEvents.messageCreated(batch.get(i)));
            assertThat(requests.get(i).getHeader("Idempotency-Key")).isEqualTo("idem-" + (i + 1));
        }
    }

    @Test
    void aBatchOfOneUsesTheSingleEventForm() throws Exception {
        desk.stubFor(post(urlEqualTo("/desk")).willReturn(okJson("{\"ticketRef\":\"T-7\",\"itemId\":\"c\"}")));
        start(Map.of("batchSize", "10"));
        List<DeskDelivery> one = followUps("T-7", 1);

        assertThat(connector.deliverAll(one)).containsExactly(new DeskResult("T-7", "c"));

        desk.verify(1, postRequestedFor(urlEqualTo("/desk")).withHeader("Idempotency-Key", equalTo("idem-1")));
        assertThat(onlyRequest().getBody()).isEqualTo(DeskEvents.messageCreated(one.get(0)));
    }

    @Test
    void batchSizeIsBetweenOneAndAHundred() {
        WebhookDeskType type = new WebhookDeskType();
        for (String bad : List.of("0", "101", "-1")) {
            List<ConfigProblem> problems = new ArrayList<>();
            type.config().parse("desk", Map.of("url", "https://desk.example.com/e", "secret", "x", "batchSize", bad),
                    problems);
            assertThat(problems).extracting(ConfigProblem::key).as(bad).containsExactly("batchSize");
        }
        List<ConfigProblem> none = new ArrayList<>();
        IntStream.of(1, 100).forEach(ok -> type.config().parse("desk", Map.of("url", "https://desk.example.com/e",
                "secret", "x", "batchSize", String.valueOf(ok)), none));
        assertThat(none).isEmpty();
    }
}
