package dev.omnibridge.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The desk stub speaks both webhook-desk forms (docs/contracts.md) and refuses exactly what it is told to. */
class DeskStubTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final DeskStub stub = new DeskStub();

    @AfterEach
    void close() {
        stub.close();
    }

    @Test
    void aSingleEventIsAnsweredWithItsTicketAndRecordedAtTheNextPositionOfItsConversation() throws Exception {
        HttpResponse<String> first = post(event("bk1_0", "t1_0", "key-0"));
        HttpResponse<String> second = post(event("bk1_1", "t1_0", "key-1"));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.body()).contains("\"ticketRef\":\"T-t1_0\"");
        assertThat(stub.arrivalOf("bk1_0").position()).isEqualTo(1);
        assertThat(stub.arrivalOf("bk1_1").position()).isEqualTo(2);
        assertThat(second.statusCode()).isEqualTo(201);
    }

    @Test
    void aBatchIsAnsweredWithOneResultPerEventInOrderAndRecordedInListOrder() throws Exception {
        HttpResponse<String> r = post(batch(List.of(event("bk2_0", "t2_0", "k0"), event("bk2_1", "t2_0", "k1"),
                event("bk2_2", "t2_0", "k2"))));

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).startsWith("{\"results\":[").containsOnlyOnce("\"itemId\":\"i-1-2\"")
                .doesNotContain("i-1-3");
        assertThat(List.of("bk2_0", "bk2_1", "bk2_2")).extracting(k -> stub.arrivalOf(k).position())
                .containsExactly(1, 2, 3);
        assertThat(stub.batchCalls()).isEqualTo(1);
    }

    @Test
    void aRefusedFirstAttemptIsAnswered503OnceAndAcceptedWhenRedelivered() throws Exception {
        stub.refuseFirstAttempts(5);
        String key = key("idem", true);

        int first = post(event("bk3_0", "t3_0", key)).statusCode();
        assertThat(stub.arrivalOf("bk3_0")).isNull();
        int again = post(event("bk3_0", "t3_0", key)).statusCode();

        assertThat(first).isEqualTo(503);
        assertThat(again).isEqualTo(201);
        assertThat(stub.arrivalOf("bk3_0")).isNotNull();
    }

    @Test
    void aFifthOfTheKeysIsRefusedOnTheFirstAttempt() {
        long selected = IntStream.range(0, 100_000).filter(i -> DeskStub.selected("k" + i, 5)).count();

        assertThat(selected).isBetween(19_000L, 21_000L);
    }

    @Test
    void aBatchWithARefusedEventIsAnsweredWithThePrefixBeforeIt() throws Exception {
        stub.refuseFirstAttempts(5);
        List<String> keys = List.of(key("a", false), key("b", false), key("c", true), key("d", false));
        List<String> events = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            events.add(event("bk4_" + i, "t4_0", keys.get(i)));
        }

        HttpResponse<String> r = post(batch(events));

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).contains("i-1-1").doesNotContain("i-1-2");
        assertThat(stub.arrivalOf("bk4_1")).isNotNull();
        assertThat(stub.arrivalOf("bk4_2")).isNull();
        assertThat(stub.arrivalOf("bk4_3")).isNull();
    }

    @Test
    void whileDownEveryDeskCallIsRefusedAndNothingRecordedThenTheFirstAcceptedCallIsTimed() throws Exception {
        stub.down(true);
        int refused = post(event("bk5_0", "t5_0", "k")).statusCode();
        assertThat(stub.arrivalOf("bk5_0")).isNull();
        long up = System.nanoTime();
        stub.down(false);
        int accepted = post(event("bk5_0", "t5_0", "k")).statusCode();

        assertThat(refused).isEqualTo(503);
        assertThat(accepted).isEqualTo(201);
        assertThat(stub.firstAcceptedSinceUp()).isGreaterThan(up);
        assertThat(stub.refusedCalls()).isEqualTo(1);
    }

    /** An idempotency key starting with {@code prefix} that the stub refuses (or not) at one in five. */
    private static String key(String prefix, boolean selected) {
        return IntStream.range(0, 1_000).mapToObj(i -> prefix + "-" + i)
                .filter(k -> DeskStub.selected(k, 5) == selected).findFirst().orElseThrow();
    }

    /** Today's single desk event as the webhook-desk connector sends it (DeskEvents.messageCreated). */
    private static String event(String benchKey, String threadKey, String idempotencyKey) {
        return "{\"schema\":\"omnibridge.desk-event/v1\",\"event\":\"message.created\",\"idempotencyKey\":\""
                + idempotencyKey + "\",\"ticketRef\":null,\"conversation\":{\"id\":\"c1\",\"channel\":{\"type\":"
                + "\"webhook-channel\",\"instanceId\":\"web\"},\"threadKey\":\"" + threadKey + "\"},\"contact\":null,"
                + "\"message\":{\"channelMessageId\":\"" + benchKey + "\",\"threadKey\":\"" + threadKey
                + "\",\"text\":\"" + benchKey + " hello\"}}";
    }

    private static String batch(List<String> events) {
        return "{\"schema\":\"omnibridge.desk-events/v1\",\"events\":[" + String.join(",", events) + "]}";
    }

    private HttpResponse<String> post(String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(stub.deskUrl())).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
