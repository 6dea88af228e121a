package dev.omnibridge.systemtest;

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
 * Agent replies on a desk ticket go back to the customer's conversation on the channel, once, and never echo.
 * A reply id is the dedupe key per desk instance, so every test uses its own reply ids.
 */
class ReplyPathTest extends SystemTestBase {

    @Test
    void agentReplyIsSentToTheRightConversationsCallbackOnceAndNotEchoedToTheDesk() {
        String ticketA = openTicket("reply-a");
        String ticketB = openTicket("reply-b");
        assertThat(ticketA).isNotEqualTo(ticketB);
        String conversationB = deskRequestsFor("reply-b").get(0).conversationId();
        int deskRequestsBefore = deskRequests().size();

        accepted(postDeskReply(Messages.deskReply(ticketB, "r-1", "Hi", false)));

        ReceivedRequest callback = awaitCallbacks("reply-b", 1).get(0);
        assertThat(callback.signedWith(CHANNEL_SECRET)).as("valid X-Omnibridge-Signature").isTrue();
        assertThat(callback.header("Content-Type")).startsWith("application/json");
        assertThat(callback.idempotencyKey()).isNotBlank();
        assertThat(callback.text("/schema")).isEqualTo("omnibridge.message/v1");
        assertThat(callback.text("/direction")).isEqualTo("OUTBOUND");
        assertThat(callback.text("/threadKey")).isEqualTo("reply-b");
        assertThat(callback.text("/conversationId")).isEqualTo(conversationB);
        assertThat(callback.text("/channel/instanceId")).isEqualTo(WEB);
        assertThat(callback.text("/author/role")).isEqualTo("AGENT");
        assertThat(callback.text("/author/displayName")).isEqualTo("Alice");
        assertThat(callback.text("/text")).isEqualTo("Hi");
        assertThat(callbacksFor("reply-a")).isEmpty();

        awaitQuiet(desk, Duration.ofSeconds(1));
        assertThat(deskRequests()).as("the agent's own reply is not forwarded to the desk").hasSize(deskRequestsBefore);
    }

    @Test
    void replyPostedTwiceIsSentToTheCustomerOnce() {
        String ticket = openTicket("reply-twice");
        String reply = Messages.deskReply(ticket, "r-twice-1", "Only once, please", false);
        accepted(postDeskReply(reply));
        awaitCallbacks("reply-twice", 1);

        accepted(postDeskReply(reply));
        sendSentinelReply(ticket, "reply-twice");

        assertThat(callbacksFor("reply-twice")).extracting(r -> r.text("/text"))
                .containsExactly("Only once, please", "sentinel");
    }

    @Test
    void internalNoteIsNeverSentToTheCustomer() {
        String ticket = openTicket("reply-internal");
        int deskRequestsBefore = deskRequests().size();

        accepted(postDeskReply(Messages.deskReply(ticket, "note-1", "internal: refund approved", true)));
        sendSentinelReply(ticket, "reply-internal");

        assertThat(callbacksFor("reply-internal")).extracting(r -> r.text("/text")).containsExactly("sentinel");
        assertThat(deskRequests()).hasSize(deskRequestsBefore);
    }

    /** Posts a customer message on a new conversation and returns the ticket ref the desk answered with. */
    private String openTicket(String threadKey) {
        assertThat(postToChannel(threadKey + "-1", threadKey, "I need help").statusCode()).isEqualTo(200);
        ReceivedRequest first = awaitDeskAccepted(threadKey, 1, Duration.ofSeconds(30)).get(0);
        assertThat(first.ticketRef()).isNull();
        awaitTicketLinked(first);
        return "T-" + first.conversationId();
    }

    /**
     * A public reply after the one under test, on the same conversation: anything wrongly sent before it has
     * arrived once the sentinel has, because one conversation's messages go out one at a time and in order.
     */
    private void sendSentinelReply(String ticket, String threadKey) {
        int before = callbacksFor(threadKey).size();
        accepted(postDeskReply(Messages.deskReply(ticket, "sentinel-" + threadKey, "sentinel", false)));
        Poll.until(Duration.ofSeconds(30), "the sentinel reply reached the callback",
                () -> callbacksFor(threadKey).stream().anyMatch(r -> "sentinel".equals(r.text("/text"))));
        awaitQuiet(channel, Duration.ofMillis(500));
        assertThat(callbacksFor(threadKey).size()).isGreaterThan(before);
    }

    private List<ReceivedRequest> awaitCallbacks(String threadKey, int count) {
        Poll.until(Duration.ofSeconds(30), count + " callback(s) for " + threadKey,
                () -> callbacksFor(threadKey).size() >= count);
        awaitQuiet(channel, Duration.ofSeconds(1));
        List<ReceivedRequest> callbacks = callbacksFor(threadKey);
        assertThat(callbacks).hasSize(count);
        return callbacks;
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isBetween(200, 299);
    }
}
