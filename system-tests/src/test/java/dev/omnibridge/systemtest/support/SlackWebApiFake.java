package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A WireMock server in the test JVM standing in for Slack's Web API ({@code <serverUrl>/api/<method>}) for one
 * workspace and one bot token, answering from its own state as Slack's method reference describes:
 * <ul>
 *   <li>{@code auth.test}: the bot user of the workspace (the Slack SDK calls it for its rate-limit bookkeeping);</li>
 *   <li>{@code conversations.list}: the channels {@link #channel added}, filtered by {@code types};</li>
 *   <li>{@code conversations.history}: the channel's top-level messages and thread broadcasts, newest first, those
 *       after {@code oldest} (exclusive unless {@code inclusive}) and up to {@code latest}, at most {@code limit}
 *       (the newest ones), with {@code has_more};</li>
 *   <li>{@code chat.postMessage} (form or JSON body): a message posted as the bot, into the thread named by
 *       {@code thread_ts} when given (a thread reply is not in the history, as on Slack), answered with
 *       {@code ok, channel, ts, message}; or a {@link #failNextPosts failure} queued by the test.</li>
 * </ul>
 * Every method checks {@code Authorization: Bearer <token>} ({@code not_authed} / {@code invalid_auth} otherwise).
 * Errors are HTTP 200 with {@code ok:false}, as Slack does, except rate limiting (429 with Retry-After).
 * Timestamps are Slack's {@code <unix seconds>.<6 digits>}, unique and increasing within the fake. What users type
 * is stored with {@code & < >} as entities, as Slack sends it.
 */
public final class SlackWebApiFake implements AutoCloseable {
    private static final String TRANSFORMER = "slack-web-api";
    private static final String BOT_ID = "B0OMNIBOT";
    private static final String BOT_USER = "U0OMNIBOT";

    /** A chat.postMessage call as received: its parameters and the fake's answer. */
    public record PostedMessage(ServeEvent event, ObjectNode params) {
        public String channel() {
            return params.path("channel").asText(null);
        }

        public String threadTs() {
            return params.hasNonNull("thread_ts") ? params.get("thread_ts").asText() : null;
        }

        public String text() {
            return params.path("text").asText(null);
        }

        public String contentType() {
            return event.getRequest().getHeader("Content-Type");
        }

        /** The JSON the fake answered with. */
        public JsonNode answer() {
            return Json.parse(event.getResponse().getBodyAsString());
        }

        public boolean ok() {
            return event.getResponse().getStatus() == 200 && answer().path("ok").asBoolean(false);
        }
    }

    private record Channel(String id, String name, String type) {
    }

    private final String token;
    private final WireMockServer server;
    private final Object lock = new Object();
    private final Map<String, Channel> channelsById = new LinkedHashMap<>();
    /** Per channel id: what conversations.history shows (top-level messages and thread broadcasts). */
    private final Map<String, List<ObjectNode>> history = new LinkedHashMap<>();
    /** Per channel id: thread replies (not in the history). */
    private final Map<String, List<ObjectNode>> replies = new LinkedHashMap<>();
    private final Deque<String> postFailures = new ArrayDeque<>();
    private long lastMicros = System.currentTimeMillis() * 1000;

    private SlackWebApiFake(String token) {
        this.token = token;
        this.server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(16)
                .extensions(new WebApi()));
    }

    /** Starts the fake for the workspace whose bot token is {@code token}. */
    public static SlackWebApiFake start(String token) {
        SlackWebApiFake fake = new SlackWebApiFake(token);
        fake.server.start();
        fake.server.stubFor(post(urlPathMatching("/api/[A-Za-z.]+")).atPriority(10)
                .willReturn(aResponse().withStatus(200).withTransformers(TRANSFORMER)));
        return fake;
    }

    /** {@code http://127.0.0.1:<port>}: camel-slack's {@code serverUrl} (the SDK calls {@code <it>/api/<method>}). */
    public String serverUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Adds a channel of type {@code public_channel}, {@code private_channel}, {@code mpim} or {@code im}. */
    public SlackWebApiFake channel(String id, String name, String type) {
        synchronized (lock) {
            channelsById.put(id, new Channel(id, name, type));
            history.putIfAbsent(id, new ArrayList<>());
            replies.putIfAbsent(id, new ArrayList<>());
        }
        return this;
    }

    /** A user writes a top-level message in the channel; returns its ts. */
    public String userPosts(String channelId, String userId, String text) {
        synchronized (lock) {
            ObjectNode message = userMessage(userId, text, nextTs());
            historyOf(channelId).add(message);
            return message.get("ts").asText();
        }
    }

    /** A user replies in a thread and also sends the reply to the channel (subtype thread_broadcast); returns its ts. */
    public String userBroadcastsReply(String channelId, String threadTs, String userId, String text) {
        synchronized (lock) {
            ObjectNode message = userMessage(userId, text, nextTs());
            message.put("subtype", "thread_broadcast");
            message.put("thread_ts", threadTs);
            historyOf(channelId).add(message);
            return message.get("ts").asText();
        }
    }

    /** Something that is not a customer's message shows in the channel, e.g. {@code channel_join}; returns its ts. */
    public String channelEvent(String channelId, String userId, String subtype, String text) {
        synchronized (lock) {
            ObjectNode message = userMessage(userId, text, nextTs());
            message.put("subtype", subtype);
            historyOf(channelId).add(message);
            return message.get("ts").asText();
        }
    }

    /** The next chat.postMessage calls answer these, one each: a Slack error code, or {@code 429} for rate limiting. */
    public void failNextPosts(String... errors) {
        synchronized (lock) {
            postFailures.addAll(List.of(errors));
        }
    }

    /** Every chat.postMessage call, oldest first (failed ones included). */
    public List<PostedMessage> posts() {
        return calls("chat.postMessage").stream()
                .map(e -> new PostedMessage(e, TelegramBotApiFake.params(e.getRequest()))).toList();
    }

    /** chat.postMessage calls into the thread {@code threadTs}, oldest first. */
    public List<PostedMessage> postsInThread(String threadTs) {
        return posts().stream().filter(p -> threadTs.equals(p.threadTs())).toList();
    }

    /** Requests for a method, oldest first. */
    public List<ServeEvent> calls(String method) {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        Collections.reverse(events);
        return events.stream().filter(e -> ("/api/" + method).equals(URI.create(e.getRequest().getUrl()).getPath()))
                .toList();
    }

    public WireMockServer server() {
        return server;
    }

    @Override
    public void close() {
        server.stop();
    }

    private List<ObjectNode> historyOf(String channelId) {
        List<ObjectNode> messages = history.get(channelId);
        if (messages == null) {
            throw new IllegalArgumentException("no channel " + channelId + " in the fake");
        }
        return messages;
    }

    /** As Slack stores what a user typed: {@code &}, {@code <} and {@code >} as entities (its markup characters). */
    private ObjectNode userMessage(String userId, String typed, String ts) {
        String text = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        ObjectNode message = Json.object().put("type", "message").put("user", userId).put("text", text)
                .put("ts", ts);
        message.put("team", "T0FAKE");
        return message;
    }

    /** Slack's message timestamp: unix seconds, a dot, six digits; unique and increasing here. */
    private String nextTs() {
        long micros = Math.max(System.currentTimeMillis() * 1000, lastMicros + 100);
        lastMicros = micros;
        return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    private static ResponseDefinition ok(ObjectNode body) {
        body.put("ok", true);
        return StatefulApi.jsonAnswer(200, body);
    }

    private static ResponseDefinition error(String error) {
        return StatefulApi.jsonAnswer(200, Json.object().put("ok", false).put("error", error));
    }

    /** Answers the Web API methods from the fake's state. */
    private final class WebApi extends StatefulApi {
        WebApi() {
            super(TRANSFORMER);
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            Request request = serveEvent.getRequest();
            String method = URI.create(request.getUrl()).getPath().substring("/api/".length());
            String authorization = request.getHeader("Authorization");
            if (authorization == null || authorization.isBlank()) {
                return error("not_authed");
            }
            if (!authorization.equals("Bearer " + token)) {
                return error("invalid_auth");
            }
            ObjectNode params = TelegramBotApiFake.params(request);
            synchronized (lock) {
                return switch (method) {
                    case "auth.test" -> authTest();
                    case "conversations.list" -> conversationsList(params);
                    case "conversations.history" -> conversationsHistory(params);
                    case "chat.postMessage" -> chatPostMessage(params);
                    default -> error("unknown_method");
                };
            }
        }

        /** Who the token is; the Slack SDK asks once for the team id it keys its rate-limit bookkeeping on. */
        private ResponseDefinition authTest() {
            return ok(Json.object().put("url", "https://omnibridge-test.slack.com/").put("team", "Omnibridge Test")
                    .put("user", "omnibridge").put("team_id", "T0FAKE").put("user_id", BOT_USER)
                    .put("bot_id", BOT_ID));
        }

        private ResponseDefinition conversationsList(ObjectNode params) {
            List<String> types = List.of(params.path("types").asText("public_channel").split(","));
            ObjectNode body = Json.object();
            ArrayNode channels = body.putArray("channels");
            for (Channel channel : channelsById.values()) {
                if (types.contains(channel.type())) {
                    channels.addObject().put("id", channel.id()).put("name", channel.name())
                            .put("is_channel", channel.type().equals("public_channel"))
                            .put("is_private", channel.type().equals("private_channel"))
                            .put("is_archived", false).put("is_member", true);
                }
            }
            body.putObject("response_metadata").put("next_cursor", "");
            return ok(body);
        }

        private ResponseDefinition conversationsHistory(ObjectNode params) {
            String channelId = params.path("channel").asText("");
            if (!history.containsKey(channelId)) {
                return error("channel_not_found");
            }
            boolean inclusive = List.of("1", "true").contains(params.path("inclusive").asText("0"));
            BigDecimal oldest = decimal(params.path("oldest").asText(""), BigDecimal.ZERO);
            BigDecimal latest = decimal(params.path("latest").asText(""), null);
            int limit = Math.max(1, Math.min(999, params.path("limit").asInt(100)));
            List<ObjectNode> inRange = new ArrayList<>();
            for (ObjectNode message : history.get(channelId)) {
                BigDecimal ts = new BigDecimal(message.get("ts").asText());
                int fromOldest = ts.compareTo(oldest);
                int toLatest = latest == null ? -1 : ts.compareTo(latest);
                if ((fromOldest > 0 || inclusive && fromOldest == 0) && (toLatest < 0 || inclusive && toLatest == 0)) {
                    inRange.add(message);
                }
            }
            inRange.sort(Comparator.comparing((ObjectNode m) -> new BigDecimal(m.get("ts").asText())).reversed());
            ObjectNode body = Json.object();
            ArrayNode messages = body.putArray("messages");
            inRange.stream().limit(limit).forEach(messages::add);
            body.put("has_more", inRange.size() > limit);
            body.put("pin_count", 0);
            body.putObject("response_metadata").put("next_cursor", "");
            return ok(body);
        }

        private ResponseDefinition chatPostMessage(ObjectNode params) {
            String failure = postFailures.poll();
            if ("429".equals(failure)) {
                return aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"ok\":false,\"error\":\"ratelimited\"}").build();
            }
            if (failure != null) {
                return error(failure);
            }
            String channelId = params.path("channel").asText("");
            if (!history.containsKey(channelId)) {
                return error("channel_not_found");
            }
            String text = params.path("text").asText("");
            if (text.isEmpty()) {
                return error("no_text");
            }
            ObjectNode message = Json.object().put("type", "message").put("subtype", "bot_message")
                    .put("text", text).put("user", BOT_USER).put("bot_id", BOT_ID).put("ts", nextTs());
            String threadTs = params.path("thread_ts").asText("");
            if (threadTs.isEmpty()) {
                history.get(channelId).add(message);
            } else {
                message.put("thread_ts", threadTs);
                replies.get(channelId).add(message);
            }
            ObjectNode body = Json.object().put("channel", channelId).put("ts", message.get("ts").asText());
            body.set("message", message.deepCopy());
            return ok(body);
        }

        private BigDecimal decimal(String text, BigDecimal absent) {
            return text == null || text.isBlank() ? absent : new BigDecimal(text.strip());
        }
    }
}
