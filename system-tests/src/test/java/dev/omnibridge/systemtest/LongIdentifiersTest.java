package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A webhook-channel sender's ids longer than the store's 500-character keys, through the packaged hub: the message is
 * stored and delivered once however often it is sent, the agent's reply comes back under the sender's own thread
 * key, and what the hub cannot keep (an address over 320 characters) is refused with a 400 naming the field.
 */
class LongIdentifiersTest extends SystemTestBase {

    @Test
    void aMessageWithIdsLongerThanTheStoresKeysIsDeliveredOnceAndTheReplyCarriesItsThreadKey() {
        String thread = "long-thread-" + "t".repeat(800);
        String id = "long-id-" + "m".repeat(1500);
        ObjectNode message = Messages.inboundNode(id, thread, "hello from a long thread");
        ((ObjectNode) message.path("author").path("address")).put("value", "far@example.com");
        String body = Json.write(message);

        assertThat(postToChannel(body).statusCode()).isEqualTo(200);
        assertThat(postToChannel(body).statusCode()).isEqualTo(200);

        ReceivedRequest opened = awaitDeskAccepted(thread, 1, Duration.ofSeconds(30)).get(0);
        awaitQuiet(desk, Duration.ofMillis(1500));
        assertThat(deskRequestsFor(thread)).hasSize(1);
        assertThat(opened.channelMessageId()).isEqualTo(id);
        awaitTicketLinked(opened);

        String reply = Messages.deskReply("T-" + opened.conversationId(), "reply-" + "r".repeat(1200),
                "We are on it.", false);
        assertThat(postDeskReply(reply).statusCode()).isBetween(200, 299);
        assertThat(postDeskReply(reply).statusCode()).isBetween(200, 299);

        Poll.until(Duration.ofSeconds(30), "the reply reached the channel", () -> !callbacksFor(thread).isEmpty());
        awaitQuiet(channel, Duration.ofMillis(1500));
        List<ReceivedRequest> callbacks = callbacksFor(thread);
        assertThat(callbacks).hasSize(1);
        assertThat(callbacks.get(0).text("/text")).isEqualTo("We are on it.");
    }

    @Test
    void aMessageWhoseAddressIsTooLongToKeepIsRefusedWith400NamingTheFieldAndNothingIsStored() {
        String local = "a".repeat(400);
        ObjectNode message = Messages.inboundNode("long-address-1", "long-address", "hello");
        ((ObjectNode) message.path("author").path("address")).put("value", local + "@example.com");

        HttpResponse<String> response = postToChannel(Json.write(message));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        String error = Json.parse(response.body()).path("error").asText();
        assertThat(error).contains("customer address").contains("320 characters").doesNotContain(local);
        JsonNode stored = hub.http().adminJson("/api/messages?limit=100");
        assertThat(stored.path("messages")).as(stored.toString()).isEmpty();
    }
}
