package dev.omnibridge.hub.web;

import dev.omnibridge.hub.runtime.Refused;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.hub.access.Principal;
import dev.omnibridge.hub.inbox.InboxService;
import dev.omnibridge.hub.runtime.InstanceManager;
import dev.omnibridge.hub.store.ConversationOutbox;
import dev.omnibridge.hub.store.InternalNote;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.hub.store.WorkspaceTables;
import dev.omnibridge.hub.workspace.SnippetText;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.DeskConnector;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The conversation routes of the admin API (issue 22: the agents' workspace): the list with its filters, sort,
 * paging and search; one conversation by id or reference ({@code C-1042}) with its events, the customer's other
 * conversations and links to the desks' tickets; assignment, reopening, internal notes; canned replies. Answering and
 * resolving stay in {@link OperatorApi}. Mounted behind {@link HttpApi}'s authorization; who acts is
 * {@link Principal#of}.
 */
public final class ConversationsApi {
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    static final int MAX_NOTE = 20_000;
    static final int MAX_SNIPPET_NAME = 100;
    static final int MAX_SNIPPET_BODY = 4_000;
    static final int MAX_ASSIGNEE = 200;
    static final int OTHER_CONVERSATIONS = 20;

    private final JournalQueries queries;
    private final WorkspaceTables tables;
    private final Journal journal;
    private final ConversationOutbox outbox;
    private final InboxService inbox;
    private final InstanceManager instances;
    private final OperatorApi operator;
    private final Clock clock;

    /** @param operator the console's parts of a conversation (inboxes, typing, first response); null: none */
    public ConversationsApi(JournalQueries queries, WorkspaceTables tables, Journal journal, ConversationOutbox outbox,
                            InboxService inbox, InstanceManager instances, OperatorApi operator, Clock clock) {
        this.queries = queries;
        this.tables = tables;
        this.journal = journal;
        this.outbox = outbox;
        this.inbox = inbox;
        this.instances = instances;
        this.operator = operator;
        this.clock = clock;
    }

    public void mount(Router router, Handler<RoutingContext> bodyHandler, HttpApi api) {
        router.get("/api/conversations").handler(ctx -> api.offload(ctx, () -> list(ctx)));
        router.get("/api/conversations/:id").handler(ctx -> api.offload(ctx, () -> conversation(ctx)));
        router.post("/api/conversations/:id/assign").handler(bodyHandler)
                .handler(ctx -> api.offload(ctx, () -> assign(ctx)));
        router.post("/api/conversations/:id/reopen").handler(bodyHandler)
                .handler(ctx -> api.offload(ctx, () -> reopen(ctx)));
        router.post("/api/conversations/:id/notes").handler(bodyHandler)
                .handler(ctx -> api.offload(ctx, () -> note(ctx)));
        router.get("/api/conversations/:id/snippets").handler(ctx -> api.offload(ctx, () -> renderedSnippets(ctx)));
        router.get("/api/snippets").handler(ctx -> api.offload(ctx, () -> snippets(ctx)));
        router.post("/api/snippets").handler(bodyHandler).handler(ctx -> api.offload(ctx, () -> saveSnippet(ctx)));
        router.put("/api/snippets/:id").handler(bodyHandler).handler(ctx -> api.offload(ctx, () -> saveSnippet(ctx)));
        router.delete("/api/snippets/:id").handler(ctx -> api.offload(ctx, () -> deleteSnippet(ctx)));
    }

    // --- the list

    private void list(RoutingContext ctx) throws Exception {
        var p = ctx.queryParams();
        String status = upper(p.get("status"));
        if (status != null && !Set.of("OPEN", "RESOLVED").contains(status)) {
            HttpApi.error(ctx, 400, "status must be OPEN or RESOLVED");
            return;
        }
        String priority = upper(p.get("priority"));
        if (priority != null && !isPriority(priority)) {
            HttpApi.error(ctx, 400, "priority must be one of LOW, NORMAL, HIGH, URGENT");
            return;
        }
        String sort = p.get("sort") == null ? "newest" : p.get("sort").strip().toLowerCase(Locale.ROOT);
        if (!Set.of("newest", "waiting").contains(sort)) {
            HttpApi.error(ctx, 400, "sort must be newest or waiting (longest waiting for a first response first)");
            return;
        }
        int offset;
        try {
            offset = p.get("offset") == null ? 0 : Math.max(0, Integer.parseInt(p.get("offset")));
        } catch (NumberFormatException e) {
            HttpApi.error(ctx, 400, "offset must be a number");
            return;
        }
        int limit = HttpApi.limit(ctx);
        WorkspaceTables.Page page = tables.list(new WorkspaceTables.Filter(status, blank(p.get("channel")), priority,
                assignee(ctx, p.get("assignee")), blank(p.get("contact")), blank(p.get("q")),
                sort.equals("waiting") ? WorkspaceTables.Sort.WAITING : WorkspaceTables.Sort.NEWEST, limit, offset));
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("conversations");
        Map<String, ?> timers = operator == null ? Map.of()
                : operator.firstResponses(page.rows().stream().map(WorkspaceTables.Row::id).toList());
        for (WorkspaceTables.Row r : page.rows()) {
            Optional<Conversation> conv = queries.conversation(r.id());
            if (conv.isEmpty()) {
                continue;
            }
            ObjectNode n = JSON.valueToTree(conv.get());
            n.put("reference", r.reference());
            n.put("contactName", r.contactName());
            n.put("lastMessageAt", r.lastMessageAt() == null ? null : r.lastMessageAt().toString());
            n.put("assignee", r.assignee());
            n.put("assigneeName", r.assigneeName());
            n.put("priority", r.priority());
            n.put("waitingSince", r.waitingSince() == null ? null : r.waitingSince().toString());
            if (timers.containsKey(r.id())) {
                n.set("firstResponse", JSON.valueToTree(timers.get(r.id())));
            }
            list.add(n);
        }
        body.put("offset", offset);
        body.put("limit", limit);
        if (page.more()) {
            body.put("nextOffset", offset + limit);
        }
        HttpApi.json(ctx, 200, body);
    }

    /** "me": the principal; "unassigned": nobody (""); absent or "anyone": no filter; else an assignee id. */
    private static String assignee(RoutingContext ctx, String value) {
        String v = blank(value);
        if (v == null || v.equalsIgnoreCase("anyone") || v.equalsIgnoreCase("any")) {
            return null;
        }
        if (v.equalsIgnoreCase("me")) {
            return Principal.of(ctx).id();
        }
        return v.equalsIgnoreCase("unassigned") || v.equalsIgnoreCase("none") ? "" : v;
    }

    // --- one conversation

    private void conversation(RoutingContext ctx) throws Exception {
        Optional<Conversation> found = find(ctx);
        if (found.isEmpty()) {
            return;
        }
        Conversation conv = found.get();
        ObjectNode body = JSON.valueToTree(conv);
        tables.details(conv.id()).ifPresent(d -> {
            body.put("reference", d.reference());
            body.put("assignee", d.assignee());
            body.put("assigneeName", d.assigneeName());
            body.put("resolvedAt", d.resolvedAt() == null ? null : d.resolvedAt().toString());
        });
        body.put("customerUnreachable", queries.unreachableReason(conv.customer()).orElse(null));
        body.set("contact", JSON.valueToTree(queries.contact(conv.contactId()).orElse(null)));
        if (operator != null) {
            body.set("inboxes", JSON.valueToTree(operator.inboxesFor(conv)));
            body.put("customerTypingAt", operator.customerTypingAt(conv));
            body.set("firstResponse", JSON.valueToTree(operator.firstResponse(conv)));
        }
        ObjectNode links = body.putObject("ticketLinks");
        conv.deskTickets().forEach((desk, ref) -> instances.connector(desk, DeskConnector.class)
                .flatMap(d -> d.ticketUrl(ref)).ifPresent(url -> links.put(desk, url.toString())));
        body.set("events", JSON.valueToTree(tables.events(conv.id())));
        ArrayNode others = body.putArray("otherConversations");
        if (conv.contactId() != null) {
            for (WorkspaceTables.Row r : tables.list(new WorkspaceTables.Filter(null, null, null, null,
                    conv.contactId(), null, WorkspaceTables.Sort.NEWEST, OTHER_CONVERSATIONS + 1, 0)).rows()) {
                if (r.id().equals(conv.id())) {
                    continue;
                }
                queries.conversation(r.id()).ifPresent(o -> others.addObject().put("id", o.id())
                        .put("reference", r.reference()).put("channel", o.channel().instanceId())
                        .put("status", o.status().name())
                        .put("lastMessageAt", r.lastMessageAt() == null ? null : r.lastMessageAt().toString()));
            }
        }
        HttpApi.json(ctx, 200, body);
    }

    /** The conversation the path names by id or reference; empty after answering 404. */
    private Optional<Conversation> find(RoutingContext ctx) throws SQLException {
        String requested = ctx.pathParam("id");
        Optional<Conversation> conv = tables.find(requested).flatMap(id -> {
            try {
                return queries.conversation(id);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        if (conv.isEmpty()) {
            HttpApi.error(ctx, 404, "no conversation with id or reference " + requested);
        }
        return conv;
    }

    // --- actions

    private void assign(RoutingContext ctx) throws Exception {
        JsonNode body = HttpApi.objectBody(ctx);
        if (body == null) {
            return;
        }
        if (!body.has("to")) {
            HttpApi.error(ctx, 400, "to is required: an account id, \"me\", or null to unassign");
            return;
        }
        Principal actor = Principal.of(ctx);
        JsonNode to = body.get("to");
        String assignee;
        String name;
        if (to.isNull()) {
            assignee = null;
            name = null;
        } else if (!to.isTextual() || to.asText().isBlank() || to.asText().length() > MAX_ASSIGNEE) {
            HttpApi.error(ctx, 400, "to must be an account id (at most " + MAX_ASSIGNEE + " characters), \"me\" or "
                    + "null");
            return;
        } else if (to.asText().equals("me") || to.asText().equals(actor.id())) {
            assignee = actor.id();
            name = actor.name();
        } else {
            assignee = to.asText().strip();
            String given = body.path("name").asText("").strip();
            name = given.isEmpty() ? assignee : given.substring(0, Math.min(given.length(), MAX_ASSIGNEE));
        }
        Optional<Conversation> conv = find(ctx);
        if (conv.isEmpty()) {
            return;
        }
        boolean done = await(journal.submit(WorkspaceTables.assign(conv.get().id(), assignee, name, actor.id(),
                clock.instant())));
        if (!done) {
            HttpApi.error(ctx, 404, "no conversation with id " + conv.get().id());
            return;
        }
        ObjectNode out = JSON.createObjectNode().put("conversationId", conv.get().id());
        out.put("assignee", assignee);
        out.put("assigneeName", name);
        HttpApi.json(ctx, 200, out);
    }

    private void reopen(RoutingContext ctx) throws Exception {
        JsonNode body = HttpApi.objectBody(ctx);
        if (body == null) {
            return;
        }
        Optional<Conversation> conv = find(ctx);
        if (conv.isEmpty()) {
            return;
        }
        try {
            inbox.reopen(conv.get().id(), body.path("inbox").asText(null));
            HttpApi.json(ctx, 202, Map.of("conversationId", conv.get().id(), "status", "OPEN"));
        } catch (Refused e) {
            HttpApi.error(ctx, e.status(), e.getMessage());
        }
    }

    /**
     * An agent's internal note: stored in the conversation (direction INTERNAL, the agent as author) and queued to
     * its desks as an internal note through the outbox; never sent to the customer's channel.
     */
    private void note(RoutingContext ctx) throws Exception {
        JsonNode body = HttpApi.objectBody(ctx);
        if (body == null) {
            return;
        }
        String text = body.path("text").asText("");
        if (text.isBlank()) {
            HttpApi.error(ctx, 400, "text is required");
            return;
        }
        if (text.length() > MAX_NOTE) {
            HttpApi.error(ctx, 400, "text is longer than " + MAX_NOTE + " characters");
            return;
        }
        Optional<Conversation> found = find(ctx);
        if (found.isEmpty()) {
            return;
        }
        Conversation conv = found.get();
        if (conv.status() == ConversationStatus.RESOLVED) {
            HttpApi.error(ctx, 409, "conversation " + conv.id() + " is resolved; reopen it to add a note");
            return;
        }
        Principal agent = Principal.of(ctx);
        String noteId = "agent-note-" + UUID.randomUUID();
        InternalNote note = new InternalNote(conv.id(), conv.channel().instanceId(), noteId, text.strip(),
                Set.of("agent-note"), null, Map.of("omnibridge.noteBy", agent.id()));
        List<String> desks = await(journal.submit((c, after) -> outbox.agentNote(c, after, note, agent.name(),
                clock.instant())));
        HttpApi.json(ctx, 201, Map.of("noteId", noteId, "desks", desks, "status", "STORED"));
    }

    // --- canned replies

    private void snippets(RoutingContext ctx) throws Exception {
        HttpApi.json(ctx, 200, Map.of("snippets", tables.snippets(), "placeholders", SnippetText.PLACEHOLDERS));
    }

    /** The canned replies with their placeholders filled for this conversation and the agent asking. */
    private void renderedSnippets(RoutingContext ctx) throws Exception {
        Optional<Conversation> conv = find(ctx);
        if (conv.isEmpty()) {
            return;
        }
        String contactName = conv.get().contactId() == null ? null
                : queries.contact(conv.get().contactId()).map(dev.omnibridge.model.Contact::displayName).orElse(null);
        Map<String, String> values = new java.util.HashMap<>();
        values.put("contact.name", contactName == null ? "" : contactName);
        values.put("agent.name", Principal.of(ctx).name());
        values.put("conversation.reference", tables.details(conv.get().id())
                .map(WorkspaceTables.Details::reference).orElse(""));
        ArrayNode list = JSON.createArrayNode();
        for (WorkspaceTables.Snippet s : tables.snippets()) {
            list.addObject().put("id", s.id()).put("name", s.name()).put("text", SnippetText.render(s.body(), values));
        }
        HttpApi.json(ctx, 200, JSON.createObjectNode().set("snippets", list));
    }

    /** Admins manage the canned replies; agents only use them. */
    private static boolean admin(RoutingContext ctx) {
        if (Principal.of(ctx).role().allows(Principal.Role.ADMIN)) {
            return true;
        }
        HttpApi.error(ctx, 403, "managing canned replies needs the ADMIN role");
        return false;
    }

    private void saveSnippet(RoutingContext ctx) throws Exception {
        if (!admin(ctx)) {
            return;
        }
        JsonNode body = HttpApi.objectBody(ctx);
        if (body == null) {
            return;
        }
        String name = body.path("name").asText("").strip();
        String text = body.path("body").asText("");
        if (name.isEmpty() || name.length() > MAX_SNIPPET_NAME) {
            HttpApi.error(ctx, 400, "name is required (at most " + MAX_SNIPPET_NAME + " characters)");
            return;
        }
        if (text.isBlank() || text.length() > MAX_SNIPPET_BODY) {
            HttpApi.error(ctx, 400, "body is required (at most " + MAX_SNIPPET_BODY + " characters)");
            return;
        }
        String idParam = ctx.pathParam("id");
        if (idParam == null) {
            Optional<Long> id = await(journal.submit(WorkspaceTables.createSnippet(name, text, clock.instant())));
            if (id.isEmpty()) {
                HttpApi.error(ctx, 409, "a canned reply named '" + name + "' exists");
            } else {
                HttpApi.json(ctx, 201, Map.of("id", id.get(), "name", name));
            }
            return;
        }
        long id;
        try {
            id = Long.parseLong(idParam);
        } catch (NumberFormatException e) {
            HttpApi.error(ctx, 400, "snippet id must be a number");
            return;
        }
        switch (await(journal.submit(WorkspaceTables.updateSnippet(id, name, text, clock.instant())))) {
            case NOT_FOUND -> HttpApi.error(ctx, 404, "no canned reply with id " + id);
            case NAME_TAKEN -> HttpApi.error(ctx, 409, "a canned reply named '" + name + "' exists");
            case UPDATED -> HttpApi.json(ctx, 200, Map.of("id", id, "name", name));
        }
    }

    private void deleteSnippet(RoutingContext ctx) throws Exception {
        if (!admin(ctx)) {
            return;
        }
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            HttpApi.error(ctx, 400, "snippet id must be a number");
            return;
        }
        if (!await(journal.submit(WorkspaceTables.deleteSnippet(id)))) {
            HttpApi.error(ctx, 404, "no canned reply with id " + id);
            return;
        }
        ctx.response().setStatusCode(204).end();
    }

    // --- helpers

    private static <T> T await(java.util.concurrent.CompletableFuture<T> stored) throws Exception {
        try {
            return stored.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the store refused the change", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the store did not answer in time");
        }
    }

    private static boolean isPriority(String p) {
        for (Priority v : Priority.values()) {
            if (v.name().equals(p)) {
                return true;
            }
        }
        return false;
    }

    private static String upper(String v) {
        String b = blank(v);
        return b == null ? null : b.toUpperCase(Locale.ROOT);
    }

    private static String blank(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }
}
