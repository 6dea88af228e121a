package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;

/**
 * A WireMock server in the test JVM standing in for {@code https://api.telegram.org} for one bot: the Bot API
 * ({@code <base>/bot<token>/<method>}, GET or POST, parameters in the query string, a form body or a JSON body, as
 * https://core.telegram.org/bots/api#making-requests allows) and file downloads ({@code <base>/file/bot<token>/<path>}).
 *
 * <p>{@code getUpdates} behaves as Telegram documents it: pending updates are kept until a later call confirms them
 * with an {@code offset} higher than their {@code update_id}, and each call answers at once with every pending update
 * whose id is at least the offset (an empty array when there is none; the fake does not hold long polls).
 * {@link #reserveOnNextPoll} makes the next call answer updates regardless of the offset, as a misbehaving or
 * recovering server might. {@code sendMessage} answers with a Message as Telegram does, or with 403 "bot was blocked
 * by the user" for chats {@link #blockedBy blocked}. Everything the fake received is read back from WireMock's journal.
 */
public final class TelegramBotApiFake implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    private static final String BOT_API = "telegram-bot-api";
    private static final long BOT_USER_ID = 7_000_000_001L;

    /** One Bot API call as received: the method, its parameters (query, form or JSON body merged) and the answer. */
    public record BotApiCall(ServeEvent event, String method, ObjectNode params) {
        /** A parameter as text (numbers and booleans in their JSON text form), or null when absent. */
        public String param(String name) {
            JsonNode value = params.get(name);
            return value == null || value.isNull() ? null : value.isValueNode() ? value.asText() : value.toString();
        }

        public String httpMethod() {
            return event.getRequest().getMethod().getName();
        }

        public String header(String name) {
            return event.getRequest().getHeader(name);
        }

        public int status() {
            return event.getResponse().getStatus();
        }

        /** The JSON the fake answered with. */
        public JsonNode answer() {
            return Json.parse(event.getResponse().getBodyAsString());
        }

        /** For getUpdates: the update_ids the fake answered, in order. */
        public List<Long> servedUpdateIds() {
            List<Long> ids = new ArrayList<>();
            answer().path("result").forEach(u -> ids.add(u.path("update_id").asLong()));
            return ids;
        }

        /** For getUpdates: the {@code offset} parameter, or null when the call had none. */
        public Long offset() {
            String offset = param("offset");
            return offset == null || offset.isBlank() ? null : Long.parseLong(offset.strip());
        }
    }

    private record ServedFile(String fileId, String fileUniqueId, String filePath, byte[] bytes) {
    }

    private final String token;
    private final WireMockServer server;
    private final Object lock = new Object();
    /** Pending updates by update_id, as Telegram keeps them until confirmed. */
    private final TreeMap<Long, ObjectNode> pending = new TreeMap<>();
    private final List<ObjectNode> reserve = new ArrayList<>();
    private final Map<String, ServedFile> files = new HashMap<>();
    private final Set<String> blockedChats = new HashSet<>();
    private final Map<String, Long> migratedChats = new HashMap<>();
    private final AtomicLong nextSentMessageId = new AtomicLong(90_000);

    private TelegramBotApiFake(String token) {
        this.token = token;
        this.server = new WireMockServer(options().dynamicPort().bindAddress(HOST).containerThreads(24)
                .extensions(new BotApi()));
    }

    /** Starts the fake for the bot with this token. */
    public static TelegramBotApiFake start(String token) {
        TelegramBotApiFake fake = new TelegramBotApiFake(token);
        fake.server.start();
        fake.server.stubFor(any(urlPathMatching("/bot" + Pattern.quote(token) + "/[A-Za-z]+")).atPriority(10)
                .willReturn(aResponse().withStatus(200).withTransformers(BOT_API)));
        return fake;
    }

    /** {@code http://127.0.0.1:<port>}: the connector's {@code apiBaseUrl}. */
    public String baseUrl() {
        return "http://" + HOST + ":" + server.port();
    }

    public WireMockServer server() {
        return server;
    }

    /** Makes updates pending: the next getUpdates calls answer them until an offset above their ids confirms them. */
    public void enqueue(ObjectNode... updates) {
        synchronized (lock) {
            for (ObjectNode update : updates) {
                pending.put(update.path("update_id").asLong(), update.deepCopy());
            }
        }
    }

    /** The next getUpdates call answers these first, whatever its offset (ids already confirmed included). */
    public void reserveOnNextPoll(ObjectNode... updates) {
        synchronized (lock) {
            for (ObjectNode update : updates) {
                reserve.add(update.deepCopy());
            }
        }
    }

    /** Whether some update is still pending (not yet confirmed by an offset). */
    public boolean hasPendingUpdates() {
        synchronized (lock) {
            return !pending.isEmpty() || !reserve.isEmpty();
        }
    }

    /**
     * Registers a file: getFile with {@code fileId} answers its {@code file_path} and size, and
     * {@code /file/bot<token>/<filePath>} serves the bytes with {@code contentType}.
     */
    public void serveFile(String fileId, String fileUniqueId, String filePath, String contentType, byte[] bytes) {
        synchronized (lock) {
            files.put(fileId, new ServedFile(fileId, fileUniqueId, filePath, bytes));
        }
        server.stubFor(get(urlEqualTo(filePathOf(filePath))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType).withBody(bytes)));
    }

    /**
     * Like {@link #serveFile}, but the first download of the file fails with a connection reset (a network error on
     * the way from Telegram's file server); later downloads get the bytes.
     */
    public void serveFileAfterAReset(String fileId, String fileUniqueId, String filePath, String contentType,
                                     byte[] bytes) {
        synchronized (lock) {
            files.put(fileId, new ServedFile(fileId, fileUniqueId, filePath, bytes));
        }
        String scenario = "download " + filePath;
        server.stubFor(get(urlEqualTo(filePathOf(filePath))).inScenario(scenario).whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("reset once"));
        server.stubFor(get(urlEqualTo(filePathOf(filePath))).inScenario(scenario).whenScenarioStateIs("reset once")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", contentType).withBody(bytes)));
    }

    /**
     * Registers a file whose {@code file_path} (as getFile answers it) is not usable in a URL, e.g. with a {@code |}:
     * a client that builds the download URL from it fails before sending anything.
     */
    public void serveUnusableFilePath(String fileId, String fileUniqueId, String filePath) {
        synchronized (lock) {
            files.put(fileId, new ServedFile(fileId, fileUniqueId, filePath, new byte[0]));
        }
    }

    /** {@code /file/bot<token>/<filePath>}: where the bytes of a file are downloaded. */
    public String filePathOf(String filePath) {
        return "/file/bot" + token + "/" + filePath;
    }

    /** From now on sendMessage (and every other send) to this chat answers 403 "bot was blocked by the user". */
    public void blockedBy(long chatId) {
        synchronized (lock) {
            blockedChats.add(String.valueOf(chatId));
        }
    }

    /** The user unblocked the bot: sends to this chat succeed again. */
    public void unblockedBy(long chatId) {
        synchronized (lock) {
            blockedChats.remove(String.valueOf(chatId));
        }
    }

    /**
     * The group was upgraded to a supergroup: from now on every send to {@code groupId} answers 400 "group chat was
     * upgraded to a supergroup chat" with {@code parameters.migrate_to_chat_id}, as the Bot API does.
     */
    public void migrated(long groupId, long supergroupId) {
        synchronized (lock) {
            migratedChats.put(String.valueOf(groupId), supergroupId);
        }
    }

    /** Every Bot API call of {@code method}, oldest first. */
    public List<BotApiCall> calls(String method) {
        return allCalls().stream().filter(c -> c.method().equals(method)).toList();
    }

    /** Every Bot API call, oldest first. */
    public List<BotApiCall> allCalls() {
        String prefix = "/bot" + token + "/";
        List<BotApiCall> calls = new ArrayList<>();
        for (ServeEvent event : journal()) {
            String path = URI.create(event.getRequest().getUrl()).getPath();
            if (path.startsWith(prefix)) {
                calls.add(new BotApiCall(event, path.substring(prefix.length()), params(event.getRequest())));
            }
        }
        return calls;
    }

    /** sendMessage calls to {@code chatId}, oldest first. */
    public List<BotApiCall> sendMessagesTo(long chatId) {
        return calls("sendMessage").stream().filter(c -> String.valueOf(chatId).equals(c.param("chat_id"))).toList();
    }

    /** Requests for exactly {@code path} (file downloads), oldest first. */
    public List<ServeEvent> requestsFor(String path) {
        return journal().stream().filter(e -> path.equals(e.getRequest().getUrl())).toList();
    }

    @Override
    public void close() {
        server.stop();
    }

    private List<ServeEvent> journal() {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        Collections.reverse(events);
        return events;
    }

    /** The request's parameters: query string, then a form or JSON body (which wins). */
    static ObjectNode params(Request request) {
        ObjectNode params = Json.object();
        String url = request.getUrl();
        int q = url.indexOf('?');
        if (q >= 0) {
            for (String pair : url.substring(q + 1).split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    params.put(name, value);
                }
            }
        }
        String contentType = request.getHeader("Content-Type");
        String body = request.getBodyAsString();
        if (body == null || body.isBlank()) {
            return params;
        }
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/json") || (type.isEmpty() && body.strip().startsWith("{"))) {
            JsonNode json = Json.parse(body);
            if (json.isObject()) {
                params.setAll((ObjectNode) json);
            }
        } else if (type.startsWith("application/x-www-form-urlencoded")) {
            params.setAll(formParams(body));
        } else if (type.startsWith("multipart/form-data")) {
            // sendPhoto/sendDocument uploads: the plain fields only, never the file part
            for (Request.Part part : request.getParts()) {
                if (part.getFileName() == null) {
                    params.put(part.getName(), part.getBody().asString());
                }
            }
        }
        return params;
    }

    private static ObjectNode formParams(String body) {
        ObjectNode params = Json.object();
        TwilioForm.decode(body).forEach(params::put);
        return params;
    }

    private static ObjectNode botUser() {
        return Json.object().put("id", BOT_USER_ID).put("is_bot", true).put("first_name", "Acme Support")
                .put("username", "acme_support_bot");
    }

    private static ResponseDefinition ok(ResponseDefinition stubbed, JsonNode result) {
        ObjectNode body = Json.object().put("ok", true);
        body.set("result", result);
        return json(stubbed, 200, body);
    }

    private static ResponseDefinition error(ResponseDefinition stubbed, int code, String description) {
        return json(stubbed, code, Json.object().put("ok", false).put("error_code", code).put("description", description));
    }

    private static ResponseDefinition json(ResponseDefinition stubbed, int status, JsonNode body) {
        return ResponseDefinitionBuilder.like(stubbed).withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(Json.write(body))
                .build();
    }

    /** Answers Bot API methods from the fake's state. */
    private final class BotApi implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return BOT_API;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            Request request = serveEvent.getRequest();
            ResponseDefinition stubbed = serveEvent.getResponseDefinition();
            String path = URI.create(request.getUrl()).getPath();
            String method = path.substring(path.lastIndexOf('/') + 1);
            ObjectNode params = params(request);
            synchronized (lock) {
                return switch (method) {
                    case "getMe" -> ok(stubbed, botUser());
                    case "getUpdates" -> getUpdates(stubbed, params);
                    case "deleteWebhook", "setWebhook" -> ok(stubbed, Json.MAPPER.getNodeFactory().booleanNode(true));
                    case "getWebhookInfo" -> ok(stubbed, Json.object().put("url", "").put("pending_update_count", 0));
                    case "getFile" -> getFile(stubbed, params);
                    case "sendMessage", "sendPhoto", "sendDocument" -> send(stubbed, method, params);
                    default -> error(stubbed, 404, "Not Found");
                };
            }
        }

        private ResponseDefinition getUpdates(ResponseDefinition stubbed, ObjectNode params) {
            String offsetText = params.hasNonNull("offset") ? params.get("offset").asText() : null;
            Long offset = offsetText == null || offsetText.isBlank() ? null : Long.parseLong(offsetText.strip());
            int limit = params.hasNonNull("limit") ? Math.max(1, Math.min(100, params.get("limit").asInt(100))) : 100;
            if (offset != null) {
                pending.headMap(offset).clear();
            }
            ArrayNode result = Json.MAPPER.createArrayNode();
            reserve.forEach(result::add);
            reserve.clear();
            for (ObjectNode update : pending.values()) {
                if (result.size() >= limit) {
                    break;
                }
                result.add(update);
            }
            return ok(stubbed, result);
        }

        private ResponseDefinition getFile(ResponseDefinition stubbed, ObjectNode params) {
            ServedFile file = files.get(params.path("file_id").asText(""));
            if (file == null) {
                return error(stubbed, 400, "Bad Request: invalid file_id");
            }
            return ok(stubbed, Json.object().put("file_id", file.fileId()).put("file_unique_id", file.fileUniqueId())
                    .put("file_size", file.bytes().length).put("file_path", file.filePath()));
        }

        private ResponseDefinition send(ResponseDefinition stubbed, String method, ObjectNode params) {
            String chatId = params.path("chat_id").asText("");
            if (chatId.isEmpty()) {
                return error(stubbed, 400, "Bad Request: chat_id is empty");
            }
            if (blockedChats.contains(chatId)) {
                return error(stubbed, 403, "Forbidden: bot was blocked by the user");
            }
            if (migratedChats.containsKey(chatId)) {
                ObjectNode body = Json.object().put("ok", false).put("error_code", 400)
                        .put("description", "Bad Request: group chat was upgraded to a supergroup chat");
                body.putObject("parameters").put("migrate_to_chat_id", migratedChats.get(chatId));
                return json(stubbed, 400, body);
            }
            if (method.equals("sendMessage") && params.path("text").asText("").isEmpty()) {
                return error(stubbed, 400, "Bad Request: message text is empty");
            }
            ObjectNode message = Json.object().put("message_id", nextSentMessageId.incrementAndGet());
            message.set("from", botUser());
            ObjectNode chat = message.putObject("chat");
            try {
                chat.put("id", Long.parseLong(chatId));
            } catch (NumberFormatException e) {
                chat.put("id", chatId);
            }
            chat.put("type", chatId.startsWith("-") ? "group" : "private");
            message.put("date", System.currentTimeMillis() / 1000);
            if (method.equals("sendMessage")) {
                message.put("text", params.path("text").asText());
            }
            return ok(stubbed, message);
        }
    }
}
