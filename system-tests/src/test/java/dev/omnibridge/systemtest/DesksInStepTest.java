package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22, desks in step, with the quickstart's two desks: channel {@value #WEB} routed to the console inbox
 * {@value #INBOX} and the webhook desk {@value #DESK} (WireMock) on one route, mirroring by default. An answer given
 * in the console reaches the desk's ticket as an internal note naming its origin; one given at the desk shows in the
 * console inbox's conversation view (the API the console reads); a resolution at either side reaches the other; and
 * after a quiet period nothing more has gone anywhere: no echo, no loop.
 */
class DesksInStepTest extends SystemTestBase {
    private static final String INBOX = "inbox";

    @Override
    protected HubConfig config() {
        return HubConfig.create()
                .channel(WEB, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH)
                .desk(DESK, desk.baseUrl() + DESK_PATH, DESK_SECRET)
                .instance(INBOX, "console-inbox", Map.of())
                .route(WEB, INBOX, DESK);
    }

    @Test
    void anAnswerGivenInTheConsoleReachesTheDeskAsANoteAndNothingLoops() {
        String thread = unique("step-console");
        logScan.texts("Where is my order?", "It ships today.").addresses(thread + "@example.com");
        String conversation = openConversation(thread, "Where is my order?");

        accepted(hub.http().adminPost("/api/conversations/" + conversation + "/replies",
                Json.write(Json.object().put("text", "It ships today.").put("author", "Carla Console"))));

        Poll.until(Duration.ofSeconds(30), "the console's answer reached the customer",
                () -> callbacksFor(thread).size() == 1);
        ReceivedRequest note = awaitDeskEvent(thread, "INTERNAL", 1).get(0);
        assertThat(note.ticketRef()).as("added to the conversation's ticket").isEqualTo("T-" + conversation);
        assertThat(note.text("/message/text")).isEqualTo(
                "Reply sent to the customer by Carla Console in the console inbox (" + INBOX + "):\n\nIt ships today.");
        assertThat(note.text("/message/metadata/omnibridge.mirror.fromDesk")).isEqualTo(INBOX);
        assertThat(note.idempotencyKey()).endsWith("-" + DESK);

        accepted(hub.http().adminPost("/api/conversations/" + conversation + "/resolve", "{}"));
        ReceivedRequest resolved = awaitDeskEvent(thread, "INTERNAL", 2).get(1);
        assertThat(resolved.text("/message/text")).isEqualTo("Conversation resolved in the console inbox (" + INBOX
                + ").");

        awaitQuiet(desk, Duration.ofSeconds(1));
        awaitQuiet(channel, Duration.ofMillis(500));
        assertThat(deskRequestsFor(thread)).as("the customer's message, the reply's note, the resolution's note")
                .extracting(r -> r.text("/message/direction")).containsExactly("INBOUND", "INTERNAL", "INTERNAL");
        assertThat(callbacksFor(thread)).as("the customer got the answer once, nothing else").hasSize(1);
    }

    @Test
    void anAnswerGivenAtTheDeskShowsInTheConsoleInboxAndIsNotSentBackToTheDesk() {
        String thread = unique("step-desk");
        logScan.texts("My parcel is late", "Your parcel left today").addresses(thread + "@example.com");
        String conversation = openConversation(thread, "My parcel is late");

        accepted(postDeskReply(Messages.deskReply("T-" + conversation, "r-" + thread, "Your parcel left today",
                false)));

        Poll.until(Duration.ofSeconds(30), "the desk's answer reached the customer",
                () -> callbacksFor(thread).size() == 1);
        // The console inbox's conversation view: the conversation is on the inbox, and its messages list the answer.
        JsonNode view = hub.http().adminJson("/api/conversations/" + conversation);
        assertThat(view.path("inboxes").toString()).contains(INBOX);
        JsonNode reply = replyIn(conversation, "Your parcel left today");
        assertThat(reply.path("author").path("displayName").asText()).isEqualTo("Alice");
        assertThat(reply.path("metadata").path("desk.instance").asText()).isEqualTo(DESK);

        // Solved at the desk: the conversation (the console inbox's ticket) is resolved too.
        accepted(postDeskReply(Json.write(Json.object().put("ticketRef", "T-" + conversation)
                .put("status", "RESOLVED"))));
        Poll.until(Duration.ofSeconds(30), "the conversation is resolved in the console", () -> "RESOLVED".equals(
                hub.http().adminJson("/api/conversations/" + conversation).path("status").asText()));

        awaitQuiet(desk, Duration.ofSeconds(1));
        awaitQuiet(channel, Duration.ofMillis(500));
        assertThat(deskRequestsFor(thread)).as("the desk got the customer's message only: not its own answer, not "
                + "its own status").extracting(r -> r.text("/message/direction")).containsExactly("INBOUND");
        assertThat(callbacksFor(thread)).hasSize(1);
        assertThat(repliesIn(conversation)).as("the answer is stored once").hasSize(1);
    }

    /** A customer message on a new conversation, on both desks with their tickets; the conversation's id. */
    private String openConversation(String thread, String text) {
        assertThat(postToChannel(thread + "-1", thread, text).statusCode()).isEqualTo(200);
        ReceivedRequest first = awaitDeskAccepted(thread, 1, Duration.ofSeconds(30)).get(0);
        String conversation = first.conversationId();
        awaitDeskDeliveriesDone(conversation);
        awaitDeskTicket(conversation, INBOX, Duration.ofSeconds(30));
        return conversation;
    }

    private List<ReceivedRequest> awaitDeskEvent(String thread, String direction, int count) {
        Poll.until(Duration.ofSeconds(30), count + " " + direction + " desk event(s) for " + thread,
                () -> eventsFor(thread, direction).size() >= count);
        return eventsFor(thread, direction);
    }

    private List<ReceivedRequest> eventsFor(String thread, String direction) {
        return deskRequestsFor(thread).stream().filter(r -> direction.equals(r.text("/message/direction"))).toList();
    }

    private List<JsonNode> repliesIn(String conversation) {
        List<JsonNode> replies = new ArrayList<>();
        hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversation).path("messages")
                .forEach(view -> {
                    if ("OUTBOUND".equals(view.path("message").path("direction").asText())) {
                        replies.add(view.path("message"));
                    }
                });
        return replies;
    }

    private JsonNode replyIn(String conversation, String text) {
        return repliesIn(conversation).stream().filter(m -> text.equals(m.path("text").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no reply '" + text + "' in conversation " + conversation));
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isBetween(200, 299);
    }
}
