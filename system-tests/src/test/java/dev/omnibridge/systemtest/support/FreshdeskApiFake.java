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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * WireMock in the test JVM standing in for a Freshdesk account's API v2, with just enough state (contacts, tickets,
 * conversations) for the connector's look-ups to see what it created earlier. Shapes follow
 * https://developers.freshdesk.com/api/ : Create a Ticket (JSON or multipart with {@code tags[]},
 * {@code custom_fields[...]}, {@code attachments[]}), View a Ticket, List All Tickets ({@code requester_id} filter),
 * Create a Note, List All Conversations of a Ticket, List All Contacts ({@code email}/{@code phone}/{@code mobile}
 * filters), Create a Contact (409 {@code duplicate_value} with {@code additional_info.user_id}), View an Agent,
 * View Me. Auth is Basic {@code <apiKey>:X}; anything else answers 401 as Freshdesk does.
 */
public final class FreshdeskApiFake implements AutoCloseable {
    public static final long AGENT_ID = 5;
    public static final String AGENT_NAME = "Alice Agent";
    private static final String TRANSFORMER = "freshdesk-state";
    private static final Pattern TICKET = Pattern.compile("/api/v2/tickets/(\\d+)");
    private static final Pattern TICKET_SUB = Pattern.compile("/api/v2/tickets/(\\d+)/(notes|conversations)");
    private static final Pattern AGENT = Pattern.compile("/api/v2/agents/(\\d+)");

    /** An uploaded file as the fake received it. */
    public record Upload(String fileName, String contentType, byte[] bytes) {
    }

    private final WireMockServer server;
    private final String authorization;
    private final AtomicLong ids = new AtomicLong(1000);
    private final Map<Long, ObjectNode> contacts = new ConcurrentHashMap<>();
    private final Map<Long, ObjectNode> tickets = new ConcurrentHashMap<>();
    private final Map<Long, List<ObjectNode>> conversations = new ConcurrentHashMap<>();
    private final Map<Long, List<Upload>> uploads = new ConcurrentHashMap<>();
    /** Subjects (or note texts) whose next create commits but whose answer is lost (connection reset). */
    private final Set<String> loseAnswerOnce = ConcurrentHashMap.newKeySet();
    /** Subjects whose next create is refused with 429 Retry-After: 1 before anything is created. */
    private final Set<String> rateLimitOnce = ConcurrentHashMap.newKeySet();

    private FreshdeskApiFake(String apiKey) {
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((apiKey + ":X")
                .getBytes(StandardCharsets.UTF_8));
        this.server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(24)
                .extensions(new State()));
    }

    public static FreshdeskApiFake start(String apiKey) {
        FreshdeskApiFake fake = new FreshdeskApiFake(apiKey);
        fake.server.start();
        fake.server.stubFor(any(urlPathMatching("/api/v2/.*")).atPriority(10)
                .willReturn(aResponse().withTransformers(TRANSFORMER)));
        return fake;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public WireMockServer server() {
        return server;
    }

    public void loseAnswerOnce(String subject) {
        loseAnswerOnce.add(subject);
    }

    public void rateLimitOnce(String subject) {
        rateLimitOnce.add(subject);
    }

    public List<ObjectNode> ticketsWithSubject(String subject) {
        return tickets.values().stream().filter(t -> subject.equals(t.path("subject").asText())).toList();
    }

    public Optional<ObjectNode> contactByEmail(String email) {
        return contacts.values().stream().filter(c -> email.equals(c.path("email").asText())).findFirst();
    }

    /** The contact with this id (the hub's contacts carry no email: Freshdesk would mail the replies too). */
    public Optional<ObjectNode> contact(long id) {
        return Optional.ofNullable(contacts.get(id));
    }

    public List<ObjectNode> conversationsOf(long ticketId) {
        return List.copyOf(conversations.getOrDefault(ticketId, List.of()));
    }

    public List<Upload> uploadsOf(long ticketId) {
        return List.copyOf(uploads.getOrDefault(ticketId, List.of()));
    }

    /** An agent answers publicly, optionally with a file served by the fake (as Freshdesk's signed storage URL). */
    public long agentReply(long ticketId, String text, Upload file) {
        ObjectNode c = conversation(ticketId, "<div>" + text + "</div>", text, false, false, AGENT_ID, 0);
        if (file != null) {
            String path = "/files/" + c.path("id").asText() + "/" + file.fileName() + "?X-Amz-Signature=fake";
            server.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", file.contentType()).withBody(file.bytes())));
            c.putArray("attachments").addObject().put("id", ids.incrementAndGet()).put("name", file.fileName())
                    .put("content_type", file.contentType()).put("size", file.bytes().length)
                    .put("attachment_url", baseUrl() + path);
        }
        return c.path("id").asLong();
    }

    public long privateNote(long ticketId, String text) {
        return conversation(ticketId, "<div>" + text + "</div>", text, false, true, AGENT_ID, 2).path("id").asLong();
    }

    public void setStatus(long ticketId, int status) {
        tickets.get(ticketId).put("status", status);
    }

    /** Requests the connector made to {@code method path} (path without query), oldest first. */
    public List<LoggedRequest> requests(String method, String path) {
        return server.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(r -> r.getMethod().getName().equals(method) && r.getUrl().split("\\?")[0].equals(path))
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .toList();
    }

    @Override
    public void close() {
        server.stop();
    }

    private synchronized ObjectNode conversation(long ticketId, String body, String bodyText, boolean incoming,
                                                 boolean isPrivate, long userId, int source) {
        ObjectNode c = Json.object().put("id", ids.incrementAndGet()).put("body", body).put("body_text", bodyText)
                .put("incoming", incoming).put("private", isPrivate).put("user_id", userId).put("source", source)
                .put("ticket_id", ticketId).put("created_at", Instant.now().toString());
        c.putArray("attachments");
        conversations.computeIfAbsent(ticketId, k -> new ArrayList<>()).add(c);
        return c;
    }

    /** The account's state behind every /api/v2 call. */
    private final class State extends StatefulApi {
        State() {
            super(TRANSFORMER);
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            LoggedRequest req = event.getRequest();
            if (!authorization.equals(req.getHeader("Authorization"))) {
                return jsonAnswer(401, Json.object().put("code", "invalid_credentials").put("message", "You have to be"
                        + " logged in to perform this action."));
            }
            synchronized (FreshdeskApiFake.this) {
                return route(req);
            }
        }

        private ResponseDefinition route(LoggedRequest req) {
            String method = req.getMethod().getName();
            String[] pathAndQuery = req.getUrl().split("\\?", 2);
            String path = pathAndQuery[0];
            Map<String, String> query = query(pathAndQuery.length > 1 ? pathAndQuery[1] : "");
            Matcher m;
            if (method.equals("GET") && path.equals("/api/v2/agents/me")) {
                return jsonAnswer(200, agent());
            }
            if (method.equals("GET") && (m = AGENT.matcher(path)).matches()) {
                return Long.parseLong(m.group(1)) == AGENT_ID ? jsonAnswer(200, agent())
                        : jsonAnswer(404, Json.object().put("code", "not_found"));
            }
            if (path.equals("/api/v2/contacts")) {
                return method.equals("GET") ? listContacts(query) : createContact(Json.parse(req.getBodyAsString()));
            }
            if (path.equals("/api/v2/tickets")) {
                return method.equals("GET") ? listTickets(query) : createTicket(req);
            }
            if (method.equals("GET") && (m = TICKET.matcher(path)).matches()) {
                ObjectNode t = tickets.get(Long.parseLong(m.group(1)));
                return t == null ? jsonAnswer(404, Json.object().put("code", "not_found")) : jsonAnswer(200, t);
            }
            if ((m = TICKET_SUB.matcher(path)).matches()) {
                long id = Long.parseLong(m.group(1));
                if (!tickets.containsKey(id)) {
                    return jsonAnswer(404, Json.object().put("code", "not_found"));
                }
                if (m.group(2).equals("conversations") && method.equals("GET")) {
                    ArrayNode list = Json.MAPPER.createArrayNode();
                    int perPage = Integer.parseInt(query.getOrDefault("per_page", "30"));
                    int page = Integer.parseInt(query.getOrDefault("page", "1"));
                    List<ObjectNode> all = conversationsOf(id);
                    all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(list::add);
                    return jsonAnswer(200, list);
                }
                if (m.group(2).equals("notes") && method.equals("POST")) {
                    return addNote(id, req);
                }
            }
            return jsonAnswer(404, Json.object().put("code", "not_found").put("message", method + " " + path));
        }

        private ObjectNode agent() {
            ObjectNode a = Json.object().put("id", AGENT_ID).put("available", true);
            a.putObject("contact").put("name", AGENT_NAME).put("email", "alice@acme.example");
            return a;
        }

        private ResponseDefinition listContacts(Map<String, String> query) {
            ArrayNode list = Json.MAPPER.createArrayNode();
            for (String filter : List.of("email", "phone", "mobile")) {
                if (query.containsKey(filter)) {
                    contacts.values().stream().filter(c -> query.get(filter).equals(c.path(filter).asText()))
                            .forEach(list::add);
                }
            }
            return jsonAnswer(200, list);
        }

        private ResponseDefinition createContact(JsonNode body) {
            for (String unique : List.of("email", "phone", "unique_external_id")) {
                String value = body.path(unique).asText("");
                Optional<ObjectNode> existing = value.isEmpty() ? Optional.empty() : contacts.values().stream()
                        .filter(c -> value.equals(c.path(unique).asText())).findFirst();
                if (existing.isPresent()) {
                    ObjectNode error = Json.object().put("description", "Validation failed");
                    error.putArray("errors").addObject().put("field", unique)
                            .put("message", "It should be a unique value").put("code", "duplicate_value")
                            .putObject("additional_info").put("user_id", existing.get().path("id").asLong());
                    return jsonAnswer(409, error);
                }
            }
            ObjectNode contact = ((ObjectNode) body.deepCopy()).put("id", ids.incrementAndGet());
            contacts.put(contact.path("id").asLong(), contact);
            return jsonAnswer(201, contact);
        }

        private ResponseDefinition listTickets(Map<String, String> query) {
            long requester = Long.parseLong(query.getOrDefault("requester_id", "-1"));
            ArrayNode list = Json.MAPPER.createArrayNode();
            tickets.values().stream().filter(t -> t.path("requester_id").asLong() == requester)
                    .sorted((a, b) -> Long.compare(b.path("id").asLong(), a.path("id").asLong()))
                    .limit(Integer.parseInt(query.getOrDefault("per_page", "30"))).forEach(list::add);
            return jsonAnswer(200, list);
        }

        private ResponseDefinition createTicket(LoggedRequest req) {
            Form form = Form.of(req);
            String subject = form.fields().path("subject").asText();
            if (rateLimitOnce.remove(subject)) {
                return aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"You have exceeded the limit of requests per minute\"}").build();
            }
            ObjectNode t = ((ObjectNode) form.fields().deepCopy()).put("id", ids.incrementAndGet())
                    .put("created_at", Instant.now().toString());
            tickets.put(t.path("id").asLong(), t);
            uploads.computeIfAbsent(t.path("id").asLong(), k -> new ArrayList<>()).addAll(form.files());
            if (loseAnswerOnce.remove(subject)) {
                return ResponseDefinitionBuilder.responseDefinition().withFault(Fault.CONNECTION_RESET_BY_PEER).build();
            }
            return jsonAnswer(201, t);
        }

        private ResponseDefinition addNote(long ticketId, LoggedRequest req) {
            Form form = Form.of(req);
            JsonNode f = form.fields();
            String body = f.path("body").asText();
            ObjectNode c = conversation(ticketId, body, body.replaceAll("<!--.*?-->", "").replaceAll("<[^>]+>", ""),
                    f.path("incoming").asBoolean(false), f.path("private").asBoolean(true),
                    f.path("user_id").asLong(AGENT_ID), 2);
            uploads.computeIfAbsent(ticketId, k -> new ArrayList<>()).addAll(form.files());
            return jsonAnswer(201, c);
        }
    }

    /** A request body as fields and files: JSON, or multipart with {@code a[]} lists and {@code a[b]} objects. */
    private record Form(ObjectNode fields, List<Upload> files) {
        static Form of(LoggedRequest req) {
            String type = req.getHeader("Content-Type");
            if (type == null || !type.startsWith("multipart/form-data")) {
                return new Form((ObjectNode) Json.parse(req.getBodyAsString()), List.of());
            }
            String boundary = "--" + type.substring(type.indexOf("boundary=") + 9);
            String raw = new String(req.getBody(), StandardCharsets.ISO_8859_1);
            ObjectNode fields = Json.object();
            List<Upload> files = new ArrayList<>();
            for (String part : raw.split(Pattern.quote(boundary))) {
                int split = part.indexOf("\r\n\r\n");
                if (split < 0) {
                    continue;
                }
                String head = part.substring(0, split);
                String value = part.substring(split + 4, part.length() - 2);   // minus the CRLF before the boundary
                Matcher name = Pattern.compile("name=\"([^\"]*)\"").matcher(head);
                if (!name.find()) {
                    continue;
                }
                Matcher fileName = Pattern.compile("filename=\"([^\"]*)\"").matcher(head);
                if (fileName.find()) {
                    Matcher ct = Pattern.compile("Content-Type: (.*)").matcher(head);
                    files.add(new Upload(fileName.group(1), ct.find() ? ct.group(1).strip() : "",
                            value.getBytes(StandardCharsets.ISO_8859_1)));
                    continue;
                }
                String text = new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                String key = name.group(1);
                if (key.endsWith("[]")) {
                    ArrayNode list = fields.has(key.substring(0, key.length() - 2))
                            ? (ArrayNode) fields.get(key.substring(0, key.length() - 2))
                            : fields.putArray(key.substring(0, key.length() - 2));
                    list.add(text);
                } else if (key.matches("[a-z_]+\\[[^]]+]")) {
                    String outer = key.substring(0, key.indexOf('['));
                    ObjectNode obj = fields.has(outer) ? (ObjectNode) fields.get(outer) : fields.putObject(outer);
                    obj.put(key.substring(key.indexOf('[') + 1, key.length() - 1), text);
                } else if (text.matches("-?\\d{1,18}")) {
                    fields.put(key, Long.parseLong(text));
                } else if (text.equals("true") || text.equals("false")) {
                    fields.put(key, Boolean.parseBoolean(text));
                } else {
                    fields.put(key, text);
                }
            }
            return new Form(fields, files);
        }
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
