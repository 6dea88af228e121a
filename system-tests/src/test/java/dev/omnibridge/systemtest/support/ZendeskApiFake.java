package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * WireMock in the test JVM standing in for a Zendesk account's Ticketing API, with enough state (users, uploads,
 * tickets, comments, audits) for the connector's look-ups to see what it created earlier. Shapes follow
 * https://developer.zendesk.com/api-reference/ticketing/ : Show Self ({@code GET /api/v2/users/me}), Create Or Update
 * User, Upload Files ({@code POST /api/v2/uploads?filename=} with raw bytes, answer {@code upload.token}), Create
 * Ticket (honouring {@code Idempotency-Key}: a repeat answers the first ticket with {@code x-idempotency-lookup: hit}),
 * {@code via_followup_source_id}, {@code group_id}), Update Ticket (a {@code priority} in the update is applied;
 * answer with {@code audit.events}; closed tickets answer 422
 * RecordInvalid "Status: closed prevents ticket update"), Show Ticket, List Tickets by {@code external_id}, List
 * Audits ({@code metadata.custom}), List Comments with {@code include=users}. Auth is Basic
 * {@code {email}/token:{api_token}}; anything else answers 401.
 */
public final class ZendeskApiFake implements AutoCloseable {
    public static final long API_USER = 900;
    public static final long AGENT = 42;
    public static final String AGENT_NAME = "Alice Agent";
    private static final String TRANSFORMER = "zendesk-state";
    private static final Pattern TICKET = Pattern.compile("/api/v2/tickets/(\\d+)(?:\\.json)?");
    private static final Pattern TICKET_SUB = Pattern.compile("/api/v2/tickets/(\\d+)/(comments|audits)(?:\\.json)?");

    public record Upload(String fileName, String contentType, byte[] bytes) {
    }

    private final WireMockServer server;
    private final String email;
    private final String apiToken;
    private final String authorization;
    private final AtomicLong ids = new AtomicLong(1000);
    private final Map<Long, ObjectNode> users = new ConcurrentHashMap<>();
    private final Map<Long, ObjectNode> tickets = new ConcurrentHashMap<>();
    private final Map<Long, List<ObjectNode>> comments = new ConcurrentHashMap<>();
    private final Map<Long, List<ObjectNode>> audits = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final Map<Long, List<String>> commentUploads = new ConcurrentHashMap<>();
    private final Map<String, Long> idempotency = new ConcurrentHashMap<>();
    /** First comment texts whose ticket creation commits but whose answer is lost (connection reset). */
    private final Set<String> loseAnswerOnce = ConcurrentHashMap.newKeySet();
    private final AtomicLong answersLost = new AtomicLong();

    private ZendeskApiFake(String email, String apiToken) {
        this.email = email;
        this.apiToken = apiToken;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((email + "/token:" + apiToken)
                .getBytes(StandardCharsets.UTF_8));
        this.server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(24)
                .extensions(new State()));
        users.put(API_USER, Json.object().put("id", API_USER).put("name", "Omnibridge").put("role", "admin")
                .put("email", email));
        users.put(AGENT, Json.object().put("id", AGENT).put("name", AGENT_NAME).put("role", "agent"));
    }

    public static ZendeskApiFake start(String email, String apiToken) {
        ZendeskApiFake fake = new ZendeskApiFake(email, apiToken);
        fake.server.start();
        fake.server.stubFor(any(urlPathMatching("/(api/v2|attachments)/.*")).atPriority(10)
                .willReturn(aResponse().withTransformers(TRANSFORMER)));
        return fake;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /**
     * The settings of a {@code zendesk} instance that talks to this fake with the credentials it was started with,
     * verifying the trigger's webhooks with {@code webhookSigningSecret}; no rate limit a test would notice.
     */
    public Map<String, Object> instanceSettings(String webhookSigningSecret) {
        Map<String, Object> zd = new LinkedHashMap<>();
        zd.put("baseUrl", baseUrl());
        zd.put("email", email);
        zd.put("apiToken", apiToken);
        zd.put("webhookSigningSecret", webhookSigningSecret);
        zd.put("requestsPerMinute", 6000);
        zd.put("timeout", "5s");
        return zd;
    }

    public WireMockServer server() {
        return server;
    }

    public void loseAnswerOnce(String firstCommentText) {
        loseAnswerOnce.add(firstCommentText);
    }

    /** How many ticket creations committed but had their answer lost. */
    public long answersLost() {
        return answersLost.get();
    }

    /** Tickets whose first comment is exactly {@code text}. */
    public synchronized List<ObjectNode> ticketsOpenedWith(String text) {
        return tickets.values().stream().filter(t -> {
            List<ObjectNode> c = comments.getOrDefault(t.path("id").asLong(), List.of());
            return !c.isEmpty() && text.equals(c.get(0).path("body").asText());
        }).toList();
    }

    public synchronized List<ObjectNode> commentsOf(long ticketId) {
        return List.copyOf(comments.getOrDefault(ticketId, List.of()));
    }

    /** The user as the fake holds it; a test may change it as an agent would (e.g. add an {@code email}). */
    public synchronized ObjectNode user(long id) {
        return users.get(id);
    }

    /** The ticket, or null when there is none. */
    public synchronized ObjectNode ticket(long id) {
        return tickets.get(id);
    }

    public synchronized List<Upload> uploadsOf(long ticketId) {
        List<Upload> out = new ArrayList<>();
        for (ObjectNode c : comments.getOrDefault(ticketId, List.of())) {
            commentUploads.getOrDefault(c.path("id").asLong(), List.of()).forEach(t -> out.add(uploads.get(t)));
        }
        return out;
    }

    /** An agent comments on the ticket (public reply or internal note), as the agent UI would. */
    public synchronized long agentComment(long ticketId, String text, boolean isPublic) {
        return comment(ticketId, AGENT, text, isPublic, List.of()).path("id").asLong();
    }

    public synchronized void setStatus(long ticketId, String status) {
        tickets.get(ticketId).put("status", status);
    }

    public synchronized int requests(String method, String pathPrefix) {
        return (int) server.getAllServeEvents().stream().filter(e -> e.getRequest().getMethod().getName().equals(method)
                && e.getRequest().getUrl().startsWith(pathPrefix)).count();
    }

    @Override
    public void close() {
        server.stop();
    }

    private ObjectNode comment(long ticketId, long author, String body, boolean isPublic, List<String> tokens) {
        ObjectNode c = Json.object();
        c.put("id", ids.incrementAndGet()).put("type", "Comment").put("author_id", author)
                .put("body", body).put("html_body", "<div class=\"zd-comment\"><p>" + body + "</p></div>")
                .put("plain_body", body).put("public", isPublic).put("created_at", Instant.now().toString());
        ArrayNode files = c.putArray("attachments");
        for (String token : tokens) {
            Upload u = uploads.get(token);
            if (u != null) {
                files.addObject().put("id", ids.incrementAndGet()).put("file_name", u.fileName())
                        .put("content_type", u.contentType()).put("size", u.bytes().length).put("inline", false)
                        .put("content_url", baseUrl() + "/attachments/token/" + token + "/?name=" + u.fileName());
                commentUploads.computeIfAbsent(c.path("id").asLong(), k -> new ArrayList<>()).add(token);
            }
        }
        comments.computeIfAbsent(ticketId, k -> new ArrayList<>()).add(c);
        return c;
    }

    private ObjectNode audit(long ticketId, long author, JsonNode metadata, ObjectNode comment) {
        ObjectNode a = Json.object().put("id", ids.incrementAndGet()).put("ticket_id", ticketId)
                .put("author_id", author).put("created_at", Instant.now().toString());
        ObjectNode meta = a.putObject("metadata");
        meta.set("custom", metadata == null || metadata.isMissingNode() ? Json.object() : metadata);
        meta.putObject("system");
        a.putObject("via").put("channel", "api");
        a.putArray("events").addObject().put("id", comment.path("id").asLong()).put("type", "Comment")
                .put("author_id", comment.path("author_id").asLong()).put("body", comment.path("body").asText())
                .put("public", comment.path("public").asBoolean());
        audits.computeIfAbsent(ticketId, k -> new ArrayList<>()).add(a);
        return a;
    }

    private final class State extends StatefulApi {
        State() {
            super(TRANSFORMER);
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            LoggedRequest req = event.getRequest();
            if (!authorization.equals(req.getHeader("Authorization"))) {
                return jsonAnswer(401, Json.object().put("error", "Couldn't authenticate you"));
            }
            synchronized (ZendeskApiFake.this) {
                return route(req);
            }
        }

        private ResponseDefinition route(LoggedRequest req) {
            String method = req.getMethod().getName();
            String[] pq = req.getUrl().split("\\?", 2);
            String path = pq[0];
            Map<String, String> query = query(pq.length > 1 ? pq[1] : "");
            Matcher m;
            if (method.equals("GET") && path.equals("/api/v2/users/me")) {
                return jsonAnswer(200, wrap("user", users.get(API_USER)));
            }
            if (method.equals("POST") && path.equals("/api/v2/users/create_or_update")) {
                return createOrUpdateUser(Json.parse(req.getBodyAsString()).path("user"));
            }
            if (method.equals("POST") && path.equals("/api/v2/uploads")) {
                String token = "tok" + ids.incrementAndGet();
                uploads.put(token, new Upload(query.get("filename"), req.getHeader("Content-Type"), req.getBody()));
                ObjectNode up = Json.object();
                up.putObject("upload").put("token", token).putObject("attachment").put("file_name", query.get("filename"));
                return jsonAnswer(201, up);
            }
            if (method.equals("POST") && path.equals("/api/v2/tickets")) {
                return createTicket(req);
            }
            if (method.equals("GET") && path.equals("/api/v2/tickets")) {
                ObjectNode out = Json.object();
                ArrayNode list = out.putArray("tickets");
                tickets.values().stream().filter(t -> t.path("external_id").asText().equals(query.get("external_id")))
                        .forEach(list::add);
                out.put("count", list.size());
                return jsonAnswer(200, out);
            }
            if ((m = TICKET_SUB.matcher(path)).matches() && method.equals("GET")) {
                long id = Long.parseLong(m.group(1));
                if (!tickets.containsKey(id)) {
                    return jsonAnswer(404, Json.object().put("error", "RecordNotFound"));
                }
                ObjectNode out = Json.object();
                if (m.group(2).equals("comments")) {
                    ArrayNode list = out.putArray("comments");
                    comments.getOrDefault(id, List.of()).forEach(list::add);
                    ArrayNode us = out.putArray("users");
                    comments.getOrDefault(id, List.of()).stream().map(c -> c.path("author_id").asLong()).distinct()
                            .map(users::get).filter(u -> u != null).forEach(us::add);
                } else {
                    ArrayNode list = out.putArray("audits");
                    List<ObjectNode> all = new ArrayList<>(audits.getOrDefault(id, List.of()));
                    java.util.Collections.reverse(all);   // sort_order=desc
                    all.forEach(list::add);
                }
                out.putObject("meta").put("has_more", false);
                out.putObject("links").putNull("next");
                return jsonAnswer(200, out);
            }
            if ((m = TICKET.matcher(path)).matches()) {
                long id = Long.parseLong(m.group(1));
                ObjectNode t = tickets.get(id);
                if (t == null) {
                    return jsonAnswer(404, Json.object().put("error", "RecordNotFound"));
                }
                if (method.equals("GET")) {
                    return jsonAnswer(200, wrap("ticket", t));
                }
                if (method.equals("PUT")) {
                    return updateTicket(t, Json.parse(req.getBodyAsString()).path("ticket"));
                }
            }
            if (method.equals("GET") && path.startsWith("/attachments/token/")) {
                String token = path.substring("/attachments/token/".length()).replace("/", "");
                Upload u = uploads.get(token);
                return u == null ? jsonAnswer(404, Json.object()) : aResponse().withStatus(200)
                        .withHeader("Content-Type", u.contentType()).withBody(u.bytes()).build();
            }
            return jsonAnswer(404, Json.object().put("error", "InvalidEndpoint"));
        }

        private ResponseDefinition createOrUpdateUser(JsonNode user) {
            ObjectNode found = users.values().stream().filter(u ->
                    (user.hasNonNull("email") && user.path("email").asText().equals(u.path("email").asText()))
                            || (user.hasNonNull("external_id")
                            && user.path("external_id").asText().equals(u.path("external_id").asText())))
                    .findFirst().orElse(null);
            int status = found == null ? 201 : 200;
            if (found == null) {
                found = Json.object().put("id", ids.incrementAndGet()).put("role", "end-user");
                users.put(found.path("id").asLong(), found);
            }
            ObjectNode target = found;
            user.fields().forEachRemaining(e -> target.set(e.getKey(), e.getValue()));
            return jsonAnswer(status, wrap("user", found));
        }

        private ResponseDefinition createTicket(LoggedRequest req) {
            String key = req.getHeader("Idempotency-Key");
            if (key != null && idempotency.containsKey(key)) {
                long id = idempotency.get(key);
                ObjectNode out = wrap("ticket", tickets.get(id));
                out.set("audit", audits.get(id).get(0));
                return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withHeader("x-idempotency-lookup", "hit").withBody(Json.write(out)).build();
            }
            JsonNode in = Json.parse(req.getBodyAsString()).path("ticket");
            long id = ids.incrementAndGet();
            ObjectNode t = Json.object().put("id", id).put("url", baseUrl() + "/api/v2/tickets/" + id + ".json")
                    .put("subject", in.path("subject").asText()).put("status", "new")
                    .put("priority", in.path("priority").asText(null))
                    .put("requester_id", in.path("requester_id").asLong())
                    .put("external_id", in.path("external_id").asText(null))
                    .put("created_at", Instant.now().toString());
            t.set("tags", in.path("tags"));
            if (in.hasNonNull("group_id")) {
                t.put("group_id", in.path("group_id").asLong());
            }
            if (in.has("via_followup_source_id")) {
                t.putObject("via").put("channel", "api");
                t.put("followup_source_id", in.path("via_followup_source_id").asLong());
            }
            tickets.put(id, t);
            JsonNode c = in.path("comment");
            long author = c.has("author_id") ? c.path("author_id").asLong() : API_USER;
            ObjectNode comment = comment(id, author, c.path("body").asText(), c.path("public").asBoolean(true),
                    tokens(c));
            ObjectNode audit = audit(id, author, in.path("metadata"), comment);
            if (key != null) {
                idempotency.put(key, id);
            }
            if (loseAnswerOnce.remove(c.path("body").asText())) {
                answersLost.incrementAndGet();
                return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
            }
            ObjectNode out = wrap("ticket", t);
            out.set("audit", audit);
            return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                    .withHeader("x-idempotency-lookup", "miss").withBody(Json.write(out)).build();
        }

        private ResponseDefinition updateTicket(ObjectNode t, JsonNode in) {
            if ("closed".equals(t.path("status").asText())) {
                ObjectNode err = Json.object().put("error", "RecordInvalid").put("description", "Record validation errors");
                err.putObject("details").putArray("status").addObject()
                        .put("description", "Status: closed prevents ticket update");
                return jsonAnswer(422, err);
            }
            long id = t.path("id").asLong();
            // Update Ticket may change the ticket's fields with its comment (priority: urgent, high, normal, low).
            if (in.hasNonNull("priority")) {
                t.put("priority", in.path("priority").asText());
            }
            JsonNode c = in.path("comment");
            long author = c.has("author_id") ? c.path("author_id").asLong() : API_USER;
            ObjectNode comment = comment(id, author, c.path("body").asText(), c.path("public").asBoolean(true),
                    tokens(c));
            ObjectNode out = wrap("ticket", t);
            out.set("audit", audit(id, author, in.path("metadata"), comment));
            return jsonAnswer(200, out);
        }

        private List<String> tokens(JsonNode comment) {
            List<String> out = new ArrayList<>();
            comment.path("uploads").forEach(u -> out.add(u.asText()));
            return out;
        }
    }

    private static ObjectNode wrap(String name, JsonNode value) {
        ObjectNode o = Json.object();
        o.set(name, value);
        return o;
    }

    private static Map<String, String> query(String q) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : q.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return out;
    }

}
