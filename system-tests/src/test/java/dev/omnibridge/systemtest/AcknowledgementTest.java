package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.StreamSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Automatic acknowledgements on the packaged hub: a customer message on the webhook channel gets one, on its own
 * channel, with the placeholders filled; the next one within the quiet period gets none; nor does one after an agent
 * answered; and an acknowledgement the hub committed survives a SIGKILL and goes out exactly once after the restart.
 */
class AcknowledgementTest extends SystemTestBase {
    private static final String IN_HOURS = "Hi {firstName:there}, thanks! Reference {reference} on {channel}; "
            + "expect an answer by {expectedAnswer}.";

    @Override
    protected HubConfig config() {
        return standardConfig().delivery("initialBackoff", "200ms").delivery("maxBackoff", "1s")
                .acknowledgements("enabled", true)
                .acknowledgements("channelName", "the order portal")
                .acknowledgementTemplate("en", IN_HOURS, "Closed now; reference {reference}.");
    }

    /** The acknowledgements the channel's API received for a thread (the hub's outbound messages tagged auto-ack). */
    private List<ReceivedRequest> acksFor(String threadKey) {
        return callbacksFor(threadKey).stream().filter(r -> tags(r).contains("auto-ack")).toList();
    }

    private static List<String> tags(ReceivedRequest r) {
        return StreamSupport.stream(r.body().path("tags").spliterator(), false).map(JsonNode::asText).toList();
    }

    private static String reference(String conversationId) {
        String hex = conversationId.replace("-", "");
        return hex.substring(hex.length() - 8).toUpperCase(Locale.ROOT);
    }

    private JsonNode timeline(String conversationId) {
        return hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversationId);
    }

    @Test
    void aCustomerMessageGetsOneAcknowledgementOnItsChannelAndASecondWithinTheQuietPeriodNone() {
        String thread = unique("ack");
        assertThat(postToChannel(thread + "-1", thread, "Where is my order?").statusCode()).isEqualTo(200);

        Poll.until(Duration.ofSeconds(20), "the acknowledgement reaches the channel", () -> acksFor(thread).size() == 1);
        ReceivedRequest ack = acksFor(thread).get(0);
        String conversation = ack.text("/conversationId");
        assertThat(ack.signedWith(CHANNEL_SECRET)).isTrue();
        assertThat(ack.text("/direction")).isEqualTo("OUTBOUND");
        assertThat(ack.text("/author/role")).isEqualTo("BOT");
        assertThat(ack.text("/text")).startsWith("Hi Customer, thanks! Reference " + reference(conversation)
                + " on the order portal; expect an answer by ").doesNotContain("{");

        assertThat(postToChannel(thread + "-2", thread, "Hello?").statusCode()).isEqualTo(200);
        // The desk sees the first message, the acknowledgement as an internal note, then the second message.
        List<ReceivedRequest> desk = awaitDeskAccepted(thread, 3, Duration.ofSeconds(20));
        assertThat(desk).extracting(r -> r.text("/message/direction"))
                .containsExactly("INBOUND", "INTERNAL", "INBOUND");
        assertThat(desk.get(1).text("/message/text")).startsWith("Automatic acknowledgement sent to the customer")
                .contains(reference(conversation));
        awaitQuiet(channel, Duration.ofSeconds(2));
        assertThat(acksFor(thread)).hasSize(1);
        JsonNode events = timeline(conversation).path("automation");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("kind").asText()).isEqualTo("ACK_NOT_SENT");
        assertThat(events.get(0).path("detail").asText()).startsWith("already acknowledged at");
    }

    @Test
    void afterAnAgentAnsweredTheCustomersNextMessageGetsNone() {
        String thread = unique("ack-agent");
        // The first message asks not to be answered automatically (an in-house system can say so), so the
        // conversation has no acknowledgement whose quiet period would hide the agent rule.
        var first = Messages.inboundNode(thread + "-1", thread, "Order 42 is late");
        first.putObject("metadata").put("omnibridge.noAutoReply", "sent by the order system");
        assertThat(postToChannel(Json.write(first)).statusCode()).isEqualTo(200);
        ReceivedRequest opened = awaitDeskAccepted(thread, 1, Duration.ofSeconds(20)).get(0);
        awaitTicketLinked(opened);
        // The desk fake answers every new ticket with ticketRef T-<conversation id>.
        assertThat(postDeskReply(Messages.deskReply("T-" + opened.conversationId(), opened.conversationId(),
                "r-" + thread, "It ships today.", false)).statusCode()).isEqualTo(200);
        Poll.until(Duration.ofSeconds(20), "the agent's reply reaches the channel",
                () -> callbacksFor(thread).size() == 1);

        assertThat(postToChannel(thread + "-2", thread, "Thank you!").statusCode()).isEqualTo(200);
        awaitDeskAccepted(thread, 2, Duration.ofSeconds(20));
        awaitQuiet(channel, Duration.ofSeconds(2));

        assertThat(acksFor(thread)).isEmpty();
        List<String> reasons = StreamSupport.stream(timeline(opened.conversationId()).path("automation")
                .spliterator(), false).map(e -> e.path("detail").asText()).toList();
        assertThat(reasons).hasSize(2);
        assertThat(reasons.get(0)).isEqualTo("the channel marked it as not to be answered automatically: sent by "
                + "the order system");
        assertThat(reasons.get(1)).startsWith("an agent answered at");
    }

    @Test
    void anAcknowledgementCommittedBeforeASigkillGoesOutExactlyOnceAfterTheRestart() {
        String thread = unique("ack-kill");
        // The channel's API is down for this thread: the acknowledgement is committed with the message (the webhook
        // is answered 2xx) but not sent when the hub dies.
        StubMapping down = channel.stubFor(post(urlEqualTo(CALLBACK_PATH)).atPriority(OVERRIDE)
                .withRequestBody(containing(thread)).willReturn(aResponse().withStatus(503)));
        assertThat(postToChannel(thread + "-1", thread, "Hello before the crash").statusCode()).isEqualTo(200);
        Poll.until(Duration.ofSeconds(20), "the hub has tried to send the acknowledgement",
                () -> !acksFor(thread).isEmpty());

        hub.kill9();
        channel.removeStub(down);
        hub.restart();
        awaitRunning(WEB, DESK);

        Poll.until(Duration.ofSeconds(30), "the acknowledgement is accepted by the channel after the restart",
                () -> accepted(acksFor(thread)).size() == 1);
        awaitQuiet(channel, Duration.ofSeconds(3));
        List<ReceivedRequest> acks = acksFor(thread);
        assertThat(accepted(acks)).as("acknowledgements the channel accepted").hasSize(1);
        assertThat(acks).extracting(ReceivedRequest::idempotencyKey).as("one acknowledgement, tried under one key")
                .doesNotContainNull().containsOnly(acks.get(0).idempotencyKey());
        assertThat(acks).extracting(r -> r.text("/text")).containsOnly(acks.get(0).text("/text"));
    }

    private static List<ReceivedRequest> accepted(List<ReceivedRequest> requests) {
        return requests.stream().filter(r -> r.event().getResponse().getStatus() / 100 == 2).toList();
    }
}
