package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubCluster;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubHttp;
import dev.omnibridge.systemtest.support.HubLogScan;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25, done-means 4: a chat visitor on one hub node gets a reply an agent posted through another node. Two
 * nodes in cluster mode on one PostgreSQL database run the webchat instance {@value #CHAT} and the built-in console
 * inbox {@value #INBOX} as its desk. The visitor's socket (a plain {@link WebSocket}, as the widget opens it) is on
 * node 0, a second tab of the same visitor on node 1; the agent answers through node 1's API (the console's reply
 * box); the frame reaches both tabs within a second of node 1 answering the post, so at least one of them through
 * the cluster (PostgreSQL LISTEN/NOTIFY), whichever node delivered the reply.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveChatAcrossNodesTest {
    private static final String CHAT = "chat";
    private static final String INBOX = "inbox";
    private static final String TOKEN_SECRET = "webchat-token-secret-for-cluster-tests-0123456789";
    private static final Duration ARRIVAL = Duration.ofSeconds(30);

    private HubCluster cluster;

    @RegisterExtension
    final TestWatcher logsOnFailure = HubCluster.printLogsOnFailure(() -> cluster);

    @RegisterExtension
    final HubLogScan logScan = HubLogScan.ofAll(() -> cluster == null ? null : cluster.nodes());

    @BeforeAll
    void twoNodes() {
        HubConfig config = HubConfig.create()
                .instance(CHAT, "webchat", Map.of("tokenSecret", TOKEN_SECRET, "handOffAfter", "1h"))
                .instance(INBOX, "console-inbox", Map.of())
                .route(CHAT, INBOX);
        logScan.secrets(config.secrets());
        cluster = HubCluster.of(getClass(), config).nodes(2).leaseTtl(Duration.ofSeconds(3)).connectors("webchat")
                .start();
        for (int i = 0; i < cluster.size(); i++) {
            HubHttp http = cluster.http(i);
            Poll.until(ARRIVAL, CHAT + " and " + INBOX + " running on " + cluster.nodeId(i), () -> {
                JsonNode instances = http.health().path("instances");
                return instances.at("/" + CHAT + "/state").asText().equals("RUNNING")
                        && instances.at("/" + INBOX + "/state").asText().equals("RUNNING");
            });
        }
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aVisitorOnOneNodeGetsTheReplyAnAgentPostedThroughAnotherWithinASecond() throws Exception {
        HubHttp nodeA = cluster.http(0);
        HubHttp nodeB = cluster.http(1);
        String token = nodeA.widgetSession(CHAT, "{\"name\":\"Ann\"}");
        // The visitor's tab on node 0, and a second tab that the load balancer sent to node 1: whichever node
        // delivers the reply (the owner of the conversation's share of deliveries), the other tab needs the cluster.
        Frames onA = new Frames();
        Frames onB = new Frames();
        WebSocket tabA = open(0, token, onA);
        WebSocket tabB = open(1, token, onB);
        try {
            assertThat(onA.next(Duration.ofSeconds(10))).as("the chat greets the socket").contains("\"hello\"");
            assertThat(onB.next(Duration.ofSeconds(10))).as("the chat greets the socket").contains("\"hello\"");
            String question = "Is my order on its way? " + System.nanoTime();
            logScan.texts(question);
            HttpResponse<String> sent = nodeA.widget(CHAT, "POST", "messages", token,
                    "{\"clientId\":\"across-nodes-1\",\"text\":\"" + question + "\"}");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
            String conversation = awaitConversation(nodeB);
            Poll.until(ARRIVAL, "the console inbox has the chat", () -> nodeB
                    .adminJson("/api/conversations/" + conversation).path("deskTickets").has(INBOX));
            onA.clear();
            onB.clear();

            String replyText = "Yes, it left the warehouse today " + System.nanoTime();
            logScan.texts(replyText);
            HttpResponse<String> reply = nodeB.post("/api/conversations/" + conversation + "/replies",
                    "{\"inbox\":\"" + INBOX + "\",\"text\":\"" + replyText + "\"}",
                    "Authorization", "Bearer " + HubProcess.ADMIN_TOKEN);
            long answered = System.nanoTime();
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);

            for (Frames tab : java.util.List.of(onA, onB)) {
                String node = cluster.nodeId(tab == onA ? 0 : 1);
                assertThat(tab.until(replyText, Duration.ofSeconds(5))).as("the reply reached the tab on " + node)
                        .isNotNull();
                Duration latency = Duration.ofNanos(tab.lastArrival - answered);
                System.out.println("LiveChatAcrossNodesTest: reply frame on " + node + " " + latency.toMillis()
                        + " ms after node-1 answered the post");
                assertThat(latency).as("from node-1's answer to the frame on " + node)
                        .isLessThan(Duration.ofSeconds(1));
            }
            // One node delivered the reply and published it; the other pushed what it received to its tab.
            assertThat(receivedFrames(nodeA) + receivedFrames(nodeB)).as("frames received from the other node")
                    .isGreaterThanOrEqualTo(1);
        } finally {
            tabA.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            tabB.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    /** The widget's socket on node {@code i}, with the node's own address as the page's origin. */
    private WebSocket open(int i, String token, Frames frames) throws Exception {
        String base = cluster.node(i).baseUrl();
        return HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", base)
                .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/hooks/" + CHAT + "/socket?token=" + token),
                        frames)
                .get(10, TimeUnit.SECONDS);
    }

    private static double receivedFrames(HubHttp node) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "(?m)^omnibridge_live_frames_total\\{direction=\"received\"[^}]*} (\\S+)$")
                .matcher(node.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private String awaitConversation(HubHttp http) {
        String[] id = new String[1];
        Poll.until(ARRIVAL, "a conversation on " + CHAT, () -> {
            Optional<JsonNode> found = java.util.stream.StreamSupport.stream(
                            http.adminJson("/api/conversations").path("conversations").spliterator(), false)
                    .filter(c -> c.path("channel").path("instanceId").asText().equals(CHAT)).findFirst();
            found.ifPresent(c -> id[0] = c.path("id").asText());
            return found.isPresent();
        });
        return id[0];
    }

    /** The text frames a socket received, each with when it arrived. */
    private static final class Frames implements WebSocket.Listener {
        private final BlockingQueue<Map.Entry<Long, String>> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        volatile long lastArrival;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(Map.entry(System.nanoTime(), partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        String next(Duration wait) throws InterruptedException {
            Map.Entry<Long, String> e = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                return null;
            }
            lastArrival = e.getKey();
            return e.getValue();
        }

        /** The first frame containing {@code text} within {@code wait}, or null. */
        String until(String text, Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                String frame = next(Duration.ofNanos(deadline - System.nanoTime()));
                if (frame != null && frame.contains(text)) {
                    return frame;
                }
            }
            return null;
        }

        void clear() {
            received.clear();
        }
    }
}
