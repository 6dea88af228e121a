package dev.omnibridge.systemtest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A stateful stand-in for api.hubapi.com: contacts, tickets (with the unique conversation-id property), notes with
 * their ticket association, File Manager uploads and Conversations threads/messages an agent wrote. Shapes follow
 * HubSpot's reference:
 * https://developers.hubspot.com/docs/api-reference/crm-tickets-v3/guide,
 * https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide,
 * https://developers.hubspot.com/docs/api-reference/files-files-v3/guide,
 * https://developers.hubspot.com/docs/reference/api/crm/associations/association-details,
 * https://developers.hubspot.com/docs/api-reference/conversations-conversations-v3/public-thread/get-conversations-v3-conversations-threads-threadId,
 * https://developers.hubspot.com/docs/api-reference/conversations-conversations-v3/public-message/get-conversations-v3-conversations-threads-threadId-messages-messageId
 */
public final class HubSpotApiFake implements AutoCloseable {
    public static final String TOKEN = "pat-na1-system-test-token";
    public static final String CONVERSATION_PROPERTY = "omnibridge_conversation_id";
    private static final String NAME = "hubspot-api";

    /** A record as the fake keeps it. */
    public record Record(String id, ObjectNode properties, List<String> associatedIds) {
        public String property(String name) {
            return properties.path(name).asText(null);
        }
    }

    private final WireMockServer server;
    private final Object lock = new Object();
    private final AtomicLong nextId = new AtomicLong(10_000);
    private final Map<String, Record> contacts = new LinkedHashMap<>();
    private final Map<String, Record> tickets = new LinkedHashMap<>();
    private final Map<String, Record> notes = new LinkedHashMap<>();
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, ObjectNode> threads = new LinkedHashMap<>();
    private final Map<String, ObjectNode> messages = new LinkedHashMap<>();
    private final List<String> loseTicketAnswerFor = new ArrayList<>();
    private final AtomicInteger noteRateLimits = new AtomicInteger();
    private final AtomicInteger ticketCreateCalls = new AtomicInteger();
    private final AtomicInteger rateLimited = new AtomicInteger();

    private HubSpotApiFake() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(24)
                .extensions(new Api()));
    }

    public static HubSpotApiFake start() {
        HubSpotApiFake fake = new HubSpotApiFake();
        fake.server.start();
        fake.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withTransformers(NAME)));
        return fake;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    /** The next create of a ticket whose subject contains {@code text} is stored but answered with 500. */
    public void loseTicketAnswerFor(String text) {
        synchronized (lock) {
            loseTicketAnswerFor.add(text);
        }
    }

    /** The next {@code n} note creates are refused with 429 and Retry-After: 1. */
    public void rateLimitNextNotes(int n) {
        noteRateLimits.set(n);
    }

    public int rateLimitedCount() {
        return rateLimited.get();
    }

    public int ticketCreateCalls() {
        return ticketCreateCalls.get();
    }

    public List<Record> ticketsWithSubjectContaining(String text) {
        synchronized (lock) {
            return tickets.values().stream().filter(t -> t.property("subject").contains(text)).toList();
        }
    }

    public Optional<Record> contact(String id) {
        synchronized (lock) {
            return Optional.ofNullable(contacts.get(id));
        }
    }

    public List<Record> notesOf(String ticketId) {
        synchronized (lock) {
            return notes.values().stream().filter(n -> n.associatedIds().contains(ticketId)).toList();
        }
    }

    public Optional<byte[]> file(String id) {
        synchronized (lock) {
            return Optional.ofNullable(files.get(id));
        }
    }

    /** An agent (or someone else) wrote {@code text} on a thread associated with {@code ticketId}. */
    public void threadMessage(String threadId, String messageId, String ticketId, String type, String actorId,
                              String direction, String text) {
        synchronized (lock) {
            ObjectNode thread = Json.object().put("id", threadId).put("status", "OPEN").put("spam", false)
                    .put("inboxId", "1").put("associatedContactId", "1");
            thread.putObject("threadAssociations").put("associatedTicketId", ticketId);
            threads.put(threadId, thread);
            ObjectNode m = Json.object().put("type", type).put("id", messageId).put("conversationsThreadId", threadId)
                    .put("createdAt", "2026-01-05T10:00:00Z").put("createdBy", actorId).put("archived", false)
                    .put("text", text).put("richText", "<p>" + text + "</p>").put("direction", direction)
                    .put("truncationStatus", "NOT_TRUNCATED").put("channelId", "1000").put("channelAccountId", "1");
            m.putArray("senders").addObject().put("actorId", actorId).put("name", "Alice Agent");
            m.putArray("recipients");
            m.putArray("attachments");
            messages.put(threadId + "/" + messageId, m);
        }
    }

    public WireMockServer server() {
        return server;
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Api extends StatefulApi {
        Api() {
            super(NAME);
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request r = event.getRequest();
            ResponseDefinition stubbed = event.getResponseDefinition();
            if (!("Bearer " + TOKEN).equals(r.getHeader("Authorization"))) {
                return json(stubbed, 401, Json.object().put("status", "error").put("category", "INVALID_AUTHENTICATION"));
            }
            URI uri = URI.create(r.getUrl());
            String path = uri.getRawPath();
            Map<String, String> query = query(uri.getRawQuery());
            String[] p = path.substring(1).split("/");
            synchronized (lock) {
                try {
                    return route(stubbed, r, path, p, query);
                } catch (RuntimeException e) {
                    return json(stubbed, 500, Json.object().put("status", "error").put("message", e.toString()));
                }
            }
        }

        private ResponseDefinition route(ResponseDefinition s, Request r, String path, String[] p,
                                         Map<String, String> query) {
            String method = r.getMethod().getName();
            if (path.equals("/crm/v3/objects/tickets") && method.equals("GET")) {
                return json(s, 200, Json.object().set("results", Json.MAPPER.createArrayNode()));
            }
            if (path.equals("/crm/v3/objects/contacts/search")) {
                String phone = Json.parse(r.getBodyAsString()).at("/filterGroups/0/filters/0/value").asText();
                ArrayNode results = Json.MAPPER.createArrayNode();
                contacts.values().stream().filter(c -> phone.equals(c.property("phone"))).findFirst()
                        .ifPresent(c -> results.add(view(c)));
                return json(s, 200, Json.object().put("total", results.size()).set("results", results));
            }
            if (path.equals("/crm/v3/objects/notes/batch/read")) {
                ArrayNode results = Json.MAPPER.createArrayNode();
                for (JsonNode in : Json.parse(r.getBodyAsString()).path("inputs")) {
                    Record n = notes.get(in.path("id").asText());
                    if (n != null) {
                        results.add(view(n));
                    }
                }
                return json(s, 200, Json.object().put("status", "COMPLETE").set("results", results));
            }
            if (p.length == 4 && path.startsWith("/crm/v3/objects/") && method.equals("POST")) {
                return create(s, p[3], Json.parse(r.getBodyAsString()));
            }
            if (p.length == 5 && path.startsWith("/crm/v3/objects/") && method.equals("GET")) {
                String value = URLDecoder.decode(p[4], StandardCharsets.UTF_8);
                Map<String, Record> store = "tickets".equals(p[3]) ? tickets : "contacts".equals(p[3]) ? contacts : notes;
                String idProperty = query.get("idProperty");
                Optional<Record> found = idProperty == null ? Optional.ofNullable(store.get(value))
                        : store.values().stream().filter(x -> value.equals(x.property(idProperty))).findFirst();
                return found.map(x -> json(s, 200, view(x))).orElseGet(() -> json(s, 404,
                        Json.object().put("status", "error").put("category", "OBJECT_NOT_FOUND")));
            }
            if (p.length == 7 && path.startsWith("/crm/v4/objects/tickets/") && p[6].equals("notes")) {
                ArrayNode results = Json.MAPPER.createArrayNode();
                notesOf(p[4]).forEach(n -> results.addObject().put("toObjectId", Long.parseLong(n.id())));
                return json(s, 200, Json.object().set("results", results));
            }
            if (path.equals("/files/v3/files") && method.equals("POST")) {
                String id = Long.toString(nextId.incrementAndGet());
                files.put(id, r.getBody());
                return json(s, 201, Json.object().put("id", id).put("access", "PRIVATE"));
            }
            if (p.length == 5 && path.startsWith("/conversations/v3/conversations/threads/")) {
                ObjectNode thread = threads.get(p[4]);
                return thread == null ? json(s, 404, Json.object()) : json(s, 200, thread);
            }
            if (p.length == 7 && path.startsWith("/conversations/v3/conversations/threads/")) {
                ObjectNode m = messages.get(p[4] + "/" + p[6]);
                return m == null ? json(s, 404, Json.object()) : json(s, 200, m);
            }
            return json(s, 404, Json.object().put("status", "error").put("message", "no such fake route " + path));
        }

        private ResponseDefinition create(ResponseDefinition s, String type, JsonNode body) {
            ObjectNode props = (ObjectNode) body.path("properties");
            List<String> to = new ArrayList<>();
            body.path("associations").forEach(a -> to.add(a.at("/to/id").asText()));
            if (type.equals("notes") && noteRateLimits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                rateLimited.incrementAndGet();
                return ResponseDefinitionBuilder.like(s).withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"status\":\"error\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}").build();
            }
            if (type.equals("tickets")) {
                ticketCreateCalls.incrementAndGet();
                String conv = props.path(CONVERSATION_PROPERTY).asText();
                if (tickets.values().stream().anyMatch(t -> conv.equals(t.property(CONVERSATION_PROPERTY)))) {
                    return json(s, 409, Json.object().put("status", "error").put("category", "CONFLICT")
                            .put("message", "unique value already exists"));
                }
            }
            Map<String, Record> store = switch (type) {
                case "tickets" -> tickets;
                case "contacts" -> contacts;
                default -> notes;
            };
            Record rec = new Record(Long.toString(nextId.incrementAndGet()), props, to);
            store.put(rec.id(), rec);
            if (type.equals("tickets")) {
                String subject = props.path("subject").asText();
                Optional<String> lose = loseTicketAnswerFor.stream().filter(subject::contains).findFirst();
                if (lose.isPresent()) {
                    loseTicketAnswerFor.remove(lose.get());
                    return json(s, 500, Json.object().put("status", "error").put("message", "internal error"));
                }
            }
            return json(s, 201, view(rec));
        }
    }

    private static ObjectNode view(Record r) {
        ObjectNode o = Json.object().put("id", r.id());
        o.set("properties", r.properties().deepCopy());
        return o;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static ResponseDefinition json(ResponseDefinition stubbed, int status, JsonNode body) {
        return ResponseDefinitionBuilder.like(stubbed).withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(Json.write(body)).build();
    }
}
