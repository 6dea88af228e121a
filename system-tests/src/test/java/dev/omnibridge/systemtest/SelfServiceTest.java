package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The self-service bot on the packaged hub, with the real knowledge base (a YAML file) and the webhook desk's
 * WireMock fake: each hand-off trigger opens a ticket with the automated exchange in it, the bot's lines marked as
 * the bot's, after which the bot sends the customer nothing more; a conversation already with an agent gets nothing
 * from the bot; {@code suggest} mode gives the desk an internal note and the customer nothing. One hub for all.
 */
class SelfServiceTest extends SystemTestBase {
    private static final String TIPS = "tips";
    private static final String RETURNS = "How do I return an item?";
    private static final String RETURNS_ANSWER = "Returns are free within 30 days, just use the label in the parcel.";
    private static final String HOURS = "What are your opening hours?";
    private static final String UNKNOWN = "Invoice 4711 shows a wrong VAT number";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String ENTRIES = """
            entries:
              - id: returns
                link: https://shop.example/returns
                en:
                  questions:
                    - How do I return an item?
                    - Can I send my order back?
                  answer: Returns are free within 30 days, just use the label in the parcel.
              - id: opening-hours
                en:
                  questions:
                    - What are your opening hours?
                    - When are you open?
                  answer: We are open Monday to Friday, 9:00 to 18:00.
              - id: shipping
                en:
                  questions:
                    - How long does shipping take?
                  answer: Parcels arrive within 2 to 3 working days.
            """;

    @Override
    protected HubConfig config() {
        Path file;
        try {
            file = Files.createTempFile("selfservice-kb-", ".yaml");
            Files.writeString(file, ENTRIES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        logScan.texts(RETURNS, RETURNS_ANSWER, HOURS, UNKNOWN);
        return standardConfig().delivery("initialBackoff", "200ms").delivery("maxBackoff", "1s")
                .channel(TIPS, CHANNEL_SECRET, channel.baseUrl() + CALLBACK_PATH).route(TIPS, DESK)
                .section("knowledge", "  files: [\"" + file.toAbsolutePath() + "\"]\n")
                .section("selfService", """
                          mode: off
                          threshold: 0.5
                          channels:
                            web: {mode: answer}
                            tips: {mode: suggest}
                        """);
    }

    private void customerWrites(String thread, String text) {
        customerWrites(Messages.inboundNode(unique(thread), thread, text));
    }

    private void customerWrites(ObjectNode message) {
        var response = postToChannel(Json.write(message));
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);
    }

    /** Waits for the channel to have received {@code count} messages of the thread; they, in order. */
    private List<ReceivedRequest> awaitToCustomer(String thread, int count) {
        Poll.until(WAIT, count + " message(s) to the customer of " + thread, () -> callbacksFor(thread).size() >= count);
        return callbacksFor(thread);
    }

    /** Starts a conversation the bot answers; returns its automatic answer. */
    private ReceivedRequest answered(String thread) {
        customerWrites(thread, RETURNS);
        ReceivedRequest answer = awaitToCustomer(thread, 1).get(0);
        assertThat(answer.text("/author/role")).isEqualTo("BOT");
        assertThat(answer.text("/text")).startsWith("Automatic answer:\n\n" + RETURNS_ANSWER)
                .contains("More: https://shop.example/returns")
                // Its choices travel in the metadata; a channel without buttons gets them as a numbered list.
                .contains("Did this answer your question?");
        assertThat(deskRequestsFor(thread)).as("the desk hears nothing while the bot answers").isEmpty();
        return answer;
    }

    /**
     * The ticket opened with the automated exchange: the customer's question, the bot's answer as an internal note
     * marked as the bot's, then the message that handed off; and afterwards the bot says nothing more, whatever the
     * customer asks.
     */
    private void handedOffWithTheExchange(String thread, String trigger) {
        List<ReceivedRequest> desk = awaitDeskAccepted(thread, 3, WAIT);
        assertThat(desk).extracting(r -> r.text("/message/direction")).containsExactly("INBOUND", "INTERNAL",
                "INBOUND");
        assertThat(desk.get(0).text("/message/text")).isEqualTo(RETURNS);
        assertThat(desk.get(1).text("/message/text")).startsWith("Automatic answer (bot) sent to the customer on web:")
                .contains(RETURNS_ANSWER);
        assertThat(desk.get(2).text("/message/text")).isEqualTo(trigger);
        // Acknowledgements are off on this channel: the bot says itself that a person takes over.
        List<ReceivedRequest> sent = awaitToCustomer(thread, 2);
        assertThat(sent.get(1).text("/text")).startsWith("I'm passing your message to a colleague");

        customerWrites(thread, HOURS);
        awaitDeskAccepted(thread, 4, WAIT);
        awaitQuiet(channel, Duration.ofSeconds(1));
        assertThat(callbacksFor(thread)).as("nothing more from the bot after the hand-off").hasSize(2);
    }

    private List<String> timeline(String conversationId) {
        JsonNode events = hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversationId)
                .path("automation");
        return StreamSupport.stream(events.spliterator(), false)
                .map(e -> e.path("kind").asText() + " " + e.path("detail").asText()).toList();
    }

    @Test
    void askingForAPersonHandsOffWithTheExchange() {
        String thread = unique("bot-asked");
        answered(thread);
        customerWrites(thread, "I want to talk to a human");

        handedOffWithTheExchange(thread, "I want to talk to a human");
        String conversation = deskAcceptedFor(thread).get(0).conversationId();
        assertThat(timeline(conversation)).anyMatch(e -> e.startsWith("SELF_SERVICE_ANSWERED answered with entry "
                + "returns")).anyMatch(e -> e.startsWith("SELF_SERVICE_HANDED_OFF asked"));
    }

    @Test
    void sayingTheAnswerDidNotHelpHandsOffWithTheExchange() {
        String thread = unique("bot-no");
        answered(thread);
        // The customer pressed the "No" button.
        ObjectNode no = Messages.inboundNode(unique(thread), thread, "No");
        no.putObject("metadata").put("omnibridge.choice", "no");
        customerWrites(no);

        handedOffWithTheExchange(thread, "No");
    }

    @Test
    void aFurtherQuestionTheBaseCannotAnswerHandsOffWithTheExchange() {
        String thread = unique("bot-unknown");
        answered(thread);
        customerWrites(thread, UNKNOWN);

        handedOffWithTheExchange(thread, UNKNOWN);
    }

    @Test
    void aConversationAlreadyWithAnAgentGetsNothingFromTheBot() {
        String thread = unique("bot-agent");
        customerWrites(thread, UNKNOWN);
        ReceivedRequest opened = awaitDeskAccepted(thread, 1, WAIT).get(0);
        awaitTicketLinked(opened);
        assertThat(postDeskReply(Messages.deskReply("T-" + opened.conversationId(), opened.conversationId(),
                "r-" + thread, "We are looking into it.", false)).statusCode()).isEqualTo(200);
        awaitToCustomer(thread, 1);

        customerWrites(thread, RETURNS);

        assertThat(awaitDeskAccepted(thread, 2, WAIT)).extracting(r -> r.text("/message/text"))
                .containsExactly(UNKNOWN, RETURNS);
        awaitQuiet(channel, Duration.ofSeconds(1));
        assertThat(callbacksFor(thread)).extracting(r -> r.text("/author/role")).containsExactly("AGENT");
    }

    @Test
    void suggestModePutsTheAnswerInAnInternalNoteOnlyAndTheCustomerGetsNothing() {
        String thread = unique("bot-suggest");
        var response = hub.http().postSigned("/hooks/" + TIPS, CHANNEL_SECRET,
                Messages.inbound(unique(thread), thread, RETURNS));
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(200);

        List<ReceivedRequest> desk = awaitDeskAccepted(thread, 2, WAIT);
        assertThat(desk).extracting(r -> r.text("/message/direction")).containsExactly("INBOUND", "INTERNAL");
        assertThat(desk.get(1).text("/message/text")).startsWith("Suggested answer from the knowledge base (entry "
                + "returns, confidence ").contains(RETURNS_ANSWER);
        assertThat(StreamSupport.stream(desk.get(1).body().path("message").path("tags").spliterator(), false)
                .map(JsonNode::asText)).containsExactly("kb-suggestion");
        awaitQuiet(channel, Duration.ofSeconds(1));
        assertThat(callbacksFor(thread)).as("nothing reaches the customer from the bot").isEmpty();
    }
}
