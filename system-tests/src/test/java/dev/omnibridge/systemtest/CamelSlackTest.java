package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Json;
import dev.omnibridge.systemtest.support.Messages;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.ReceivedRequest;
import dev.omnibridge.systemtest.support.SlackWebApiFake;
import dev.omnibridge.systemtest.support.SlackWebApiFake.PostedMessage;
import dev.omnibridge.systemtest.support.SystemTestBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slack as a channel built from configuration only, end to end: the packaged hub with the camel-slack plugin zip runs a {@code camel-channel} instance on {@code examples/camel-slack/slack-routes.yaml} (as shipped),
 * routed to the webhook desk. Slack's Web API is a {@link SlackWebApiFake} reached through camel-slack's
 * {@code serverUrl}. Customers' messages become conversations, one per Slack thread; the desk's replies go back into
 * the thread with chat.postMessage and {@code thread_ts}; Slack's refusals are retried or dead-lettered. The hub's log
 * never shows the bot token nor a message text (checked after the class).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CamelSlackTest extends SystemTestBase {
    private static final String SLACK = "slack";
    private static final String TOKEN = "xoxb-1111-2222-camel-slack-test-token";
    private static final String CHANNEL_ID = "C0SUPPORT1";
    private static final String CHANNEL_NAME = "support";
    private static final Duration ARRIVAL = Duration.ofSeconds(20);
    private static final Path ROUTES = Path.of("..", "examples", "camel-slack", "slack-routes.yaml").toAbsolutePath()
            .normalize();

    private SlackWebApiFake slack;

    @Override
    protected HubProcess startHub() {
        slack = SlackWebApiFake.start(TOKEN)
                .channel(CHANNEL_ID, CHANNEL_NAME, "public_channel")
                .channel("C0RANDOM01", "random", "public_channel");
        // The channel's newest message when the hub starts: camel-slack's first poll reads only that one.
        slack.channelEvent(CHANNEL_ID, "U0ADMIN001", "channel_join", "<@U0ADMIN001> has joined the channel");
        logScan.secrets(List.of(TOKEN));
        return startHubWith("camel-slack");
    }

    @Override
    protected HubConfig config() {
        assertThat(Files.isRegularFile(ROUTES)).as(ROUTES + " exists").isTrue();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("self", SLACK);
        properties.put("slackChannel", CHANNEL_NAME);
        properties.put("slackChannelId", CHANNEL_ID);
        properties.put("slackConversationType", "PUBLIC_CHANNEL");
        properties.put("slackToken", TOKEN);
        properties.put("slackServerUrl", slack.serverUrl());
        properties.put("slackPollMillis", "250");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("routes", ROUTES.toString());
        settings.put("properties", Json.write(properties));
        return quickRetryConfig()
                .instance(SLACK, "camel-channel", settings)
                .route(SLACK, DESK);
    }

    @BeforeAll
    void slackChannelIsBeingRead() {
        awaitRunning(SLACK);
        // From its second poll on, camel-slack asks for what is newer than the newest message it has seen.
        Poll.until(ARRIVAL, "camel-slack polls conversations.history after the channel's newest message",
                () -> slack.calls("conversations.history").stream()
                        .anyMatch(e -> e.getRequest().getBodyAsString().contains("oldest=")));
    }

    @AfterAll
    void stopSlackFake() {
        if (slack != null) {
            slack.close();
        }
    }

    @Test
    @Order(1)
    void messagesOfOneSlackThreadShareAConversationAndEachTopLevelMessageOpensItsOwn() {
        String annText = "Where is my order <A-17> & my refund?";
        String bobText = "My invoice is wrong";
        String annMore = "It was due on Monday";
        logScan.texts(annText, bobText, annMore);

        String annTs = slack.userPosts(CHANNEL_ID, "U0ANN0001", annText);
        slack.channelEvent(CHANNEL_ID, "U0BOB0001", "channel_join", "<@U0BOB0001> has joined the channel");
        String bobTs = slack.userPosts(CHANNEL_ID, "U0BOB0001", bobText);
        String annMoreTs = slack.userBroadcastsReply(CHANNEL_ID, annTs, "U0ANN0001", annMore);

        List<ReceivedRequest> annThread = awaitDeskAccepted(annTs, 2, ARRIVAL);
        List<ReceivedRequest> bobThread = awaitDeskAccepted(bobTs, 1, ARRIVAL);

        ReceivedRequest first = annThread.get(0);
        assertThat(first.text("/conversation/channel/type")).isEqualTo("camel-channel");
        assertThat(first.text("/conversation/channel/instanceId")).isEqualTo(SLACK);
        assertThat(first.channelMessageId()).isEqualTo(CHANNEL_ID + ":" + annTs);
        assertThat(first.text("/message/text")).as("the text as the customer typed it").isEqualTo(annText);
        assertThat(first.text("/message/author/address/value")).isEqualTo("U0ANN0001");
        ReceivedRequest broadcast = annThread.get(1);
        assertThat(broadcast.channelMessageId()).isEqualTo(CHANNEL_ID + ":" + annMoreTs);
        assertThat(broadcast.text("/message/text")).isEqualTo(annMore);
        assertThat(broadcast.conversationId()).as("a reply in Ann's thread joins her conversation")
                .isEqualTo(first.conversationId());
        assertThat(bobThread.get(0).conversationId()).as("Bob's message opens a conversation of its own")
                .isNotEqualTo(first.conversationId());

        awaitQuiet(desk, Duration.ofMillis(800));
        assertThat(deskRequestsFor(annTs)).as("each Slack message reaches the desk once").hasSize(2);
        assertThat(deskRequests()).as("a channel join is no customer message")
                .noneMatch(r -> r.text("/message/text") != null && r.text("/message/text").contains("has joined"));
    }

    @Test
    @Order(2)
    void anAgentReplyIsPostedIntoTheCustomersThreadWithChatPostMessage() {
        String question = "Can I change my delivery address?";
        String answer = "Yes: send it here & we'll update <your> order.";
        logScan.texts(question, answer);
        String threadTs = slack.userPosts(CHANNEL_ID, "U0CAT0001", question);
        ReceivedRequest opened = openTicket(threadTs);

        accepted(postDeskReply(Messages.deskReply("T-" + opened.conversationId(), "slack-reply-" + threadTs, answer,
                false)));

        PostedMessage post = awaitPostsInThread(threadTs, 1).get(0);
        assertThat(post.ok()).as("Slack accepted " + post.answer()).isTrue();
        assertThat(post.channel()).isEqualTo(CHANNEL_ID);
        assertThat(post.contentType()).startsWith("application/json");
        assertThat(post.text()).as("Slack's markup characters sent as entities")
                .isEqualTo("Yes: send it here &amp; we'll update &lt;your&gt; order.");
        JsonNode delivery = awaitSlackDeliveryDone(opened.conversationId());
        assertThat(Json.text(delivery, "/resultRef")).as("the reply's ts in Slack, kept by the hub")
                .isEqualTo(post.answer().path("ts").asText());
        assertThat(slack.postsInThread(threadTs)).as("posted once").hasSize(1);
        assertThat(deadLettersOf(opened.conversationId())).isEmpty();
    }

    @Test
    @Order(3)
    void aRateLimitedReplyIsRetriedAndARefusedOneIsDeadLetteredUntilReplayed() {
        String threadTs = slack.userPosts(CHANNEL_ID, "U0DAN0001", "Is the shop open on Sunday?");
        ReceivedRequest opened = openTicket(threadTs);
        String ticket = "T-" + opened.conversationId();

        slack.failNextPosts("429");
        accepted(postDeskReply(Messages.deskReply(ticket, "slack-retry-" + threadTs, "Yes, from 10 to 4.", false)));
        List<PostedMessage> retried = awaitPostsInThread(threadTs, 2);
        assertThat(retried).extracting(PostedMessage::ok).containsExactly(false, true);
        assertThat(retried.get(1).text()).isEqualTo("Yes, from 10 to 4.");

        slack.failNextPosts("not_in_channel");
        accepted(postDeskReply(Messages.deskReply(ticket, "slack-refused-" + threadTs, "See you then!", false)));
        JsonNode refused = awaitDeadLetter(opened.conversationId());
        assertThat(Json.text(refused, "/reason")).contains("not_in_channel");
        assertThat(slack.postsInThread(threadTs)).as("a permanent refusal is not retried").hasSize(3);

        // The app is back in the channel: the operator replays the reply.
        HttpResponse<String> replay = hub.http().admin("POST", "/api/dead-letters/" + refused.path("id").asLong()
                + "/replay");
        assertThat(replay.statusCode()).as(describe(replay)).isEqualTo(202);
        List<PostedMessage> posts = awaitPostsInThread(threadTs, 4);
        assertThat(posts.get(3).ok()).isTrue();
        assertThat(posts.get(3).text()).isEqualTo("See you then!");
    }

    /** The desk's first event of the thread's conversation, once the hub has linked the ticket. */
    private ReceivedRequest openTicket(String threadTs) {
        ReceivedRequest first = awaitDeskAccepted(threadTs, 1, ARRIVAL).get(0);
        assertThat(first.ticketRef()).isNull();
        awaitTicketLinked(first);
        return first;
    }

    private List<PostedMessage> awaitPostsInThread(String threadTs, int count) {
        try {
            Poll.until(ARRIVAL, count + " chat.postMessage call(s) into thread " + threadTs,
                    () -> slack.postsInThread(threadTs).size() >= count);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; posts: " + slack.posts().stream()
                    .map(p -> p.params() + " -> " + p.answer()).toList() + "; dead letters: " + deadLetters(), e);
        }
        return slack.postsInThread(threadTs);
    }

    /** The conversation's delivery to the Slack channel, once DONE. */
    private JsonNode awaitSlackDeliveryDone(String conversationId) {
        String path = "/api/messages?limit=100&conversationId=" + conversationId;
        JsonNode[] done = new JsonNode[1];
        Poll.until(ARRIVAL, "a DONE delivery to " + SLACK + " in conversation " + conversationId, () -> {
            for (JsonNode m : hub.http().adminJson(path).path("messages")) {
                for (JsonNode d : m.path("deliveries")) {
                    if (SLACK.equals(d.path("target").asText()) && "DONE".equals(d.path("status").asText())) {
                        done[0] = d;
                        return true;
                    }
                }
            }
            return false;
        });
        return done[0];
    }

    private JsonNode awaitDeadLetter(String conversationId) {
        Poll.until(ARRIVAL, "a dead letter for conversation " + conversationId,
                () -> !deadLettersOf(conversationId).isEmpty());
        return deadLettersOf(conversationId).get(0);
    }

    private List<JsonNode> deadLettersOf(String conversationId) {
        return StreamSupport.stream(deadLetters().spliterator(), false)
                .filter(d -> conversationId.equals(Json.text(d, "/conversationId"))).toList();
    }

    private static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isBetween(200, 299);
    }
}
