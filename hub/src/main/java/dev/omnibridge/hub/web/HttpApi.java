package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.hub.delivery.Dispatcher;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.metrics.MetricsEndpoint;
import dev.omnibridge.hub.runtime.ConnectorInstance;
import dev.omnibridge.hub.runtime.InstanceManager;
import dev.omnibridge.hub.runtime.InstanceState;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.JournalQueries;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.spi.Skipped;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ExecutorService;

/**
 * The hub's operator-facing HTTP surface on the Vert.x router of Camel's platform-http server: health, metrics and
 * the admin API under {@code /api/} (see {@link AdminAuthorization}). Vendors' webhooks come in through
 * {@link WebhookIngress}; the console's page and login through {@code ConsoleWeb}.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();

    private final InstanceManager instances;
    private final Dispatcher dispatcher;
    private final DeliveryStore deliveries;
    private final JournalQueries queries;
    private final Metrics metrics;
    private final AdminAuthorization authorization;
    private final ExecutorService blocking;
    private final OperatorApi operator;
    /** Features' own parts of {@code /health} (e.g. the knowledge base's sources), by key. */
    private final java.util.Map<String, java.util.function.Supplier<Object>> healthParts =
            new java.util.concurrent.ConcurrentSkipListMap<>();

    /**
     * @param authorization who may call what under {@code /api/} (tokens, console sessions, roles)
     * @param operator      the console's additions to the admin API (null: not mounted)
     */
    public HttpApi(InstanceManager instances, Dispatcher dispatcher, DeliveryStore deliveries, JournalQueries queries,
                   Metrics metrics, AdminAuthorization authorization, ExecutorService blocking,
                   OperatorApi operator) {
        this.authorization = authorization;
        this.operator = operator;
        this.instances = instances;
        this.dispatcher = dispatcher;
        this.deliveries = deliveries;
        this.queries = queries;
        this.metrics = metrics;
        this.blocking = blocking;
    }

    public void mount(Router router, Handler<RoutingContext> bodyHandler) {
        router.get("/health").handler(ctx -> offload(ctx, () -> health(ctx)));
        router.get("/metrics").handler(new MetricsEndpoint(metrics.registry()));
        router.route("/api/*").handler(authorization);
        router.get("/api/instances").handler(ctx -> offload(ctx, () -> json(ctx, 200, instancesJson())));
        router.post("/api/instances/:id/restart").handler(ctx -> offload(ctx, () -> restart(ctx)));
        router.get("/api/dead-letters").handler(ctx -> offload(ctx, () -> deadLetters(ctx)));
        router.post("/api/dead-letters/:id/replay").handler(ctx -> offload(ctx, () -> replay(ctx)));
        router.get("/api/skipped").handler(ctx -> offload(ctx, () -> skipped(ctx)));
        router.get("/api/attachments/:sha256").handler(ctx -> offload(ctx, () -> attachment(ctx)));
        router.get("/api/messages").handler(ctx -> offload(ctx, () -> messages(ctx)));
        router.get("/api/messages/:id").handler(ctx -> offload(ctx, () -> message(ctx)));
        // The conversation routes are ConversationsApi's (issue 22).
        if (operator != null) {
            operator.mount(router, bodyHandler, this);
        }
    }

    private void health(RoutingContext ctx) {
        ObjectNode body = JSON.createObjectNode();
        boolean up = true;
        ObjectNode list = body.putObject("instances");
        for (ConnectorInstance i : instances.instances()) {
            if (i.enabled() && i.state() != InstanceState.RUNNING) {
                up = false;
            }
            list.set(i.id(), instanceJson(i));
        }
        // A feature's part says how it is doing without changing the hub's status (it is not an instance).
        healthParts.forEach((key, part) -> body.set(key, JSON.valueToTree(part.get())));
        // While the hub starts, instances still queued or starting are no failure: say so apart from DOWN.
        String status = instances.startingUp() ? "STARTING" : up ? "UP" : "DOWN";
        body.put("status", status);
        json(ctx, status.equals("UP") ? 200 : 503, body);
    }

    /** Adds a feature's part to {@code /health} under {@code key}; it does not change the hub's status. */
    public void healthPart(String key, java.util.function.Supplier<Object> part) {
        healthParts.put(key, part);
    }

    private ObjectNode instancesJson() {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode list = body.putObject("instances");
        instances.instances().forEach(i -> {
            ObjectNode n = instanceJson(i);
            // Channels only, while running: what the hub fits their outbound messages to.
            i.capabilities().ifPresent(c -> n.set("capabilities", CapabilitiesJson.of(JSON, c)));
            list.set(i.id(), n);
        });
        return body;
    }

    private ObjectNode instanceJson(ConnectorInstance i) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", i.type());
        n.put("enabled", i.enabled());
        n.put("state", i.state().name());
        n.put("lastError", i.lastError());
        n.put("lastErrorAt", i.lastErrorAt() == null ? null : i.lastErrorAt().toString());
        n.put("lastMessageAt", i.lastMessageAt() == null ? null : i.lastMessageAt().toString());
        n.put("messagesIn", metrics.messagesIn(i.id()));
        n.put("messagesOut", metrics.messagesOut(i.id()));
        var quotas = i.quotas();
        if (!quotas.isEmpty()) {
            // Only for connectors that report one (e.g. Salesforce's daily API requests); sorted by name.
            ObjectNode q = n.putObject("quotas");
            new java.util.TreeMap<>(quotas).forEach((name, quota) -> q.putObject(name)
                    .put("remaining", quota.remaining()).put("limit", quota.limit())
                    .put("reportedAt", quota.at().toString()));
        }
        // Issue 24: only for instances with polled sources: how each polls (failures, backoff, last success).
        var polling = instances.pollers().health(i.id());
        if (!polling.isEmpty()) {
            n.set("polling", JSON.valueToTree(polling));
        }
        // Only while it is failing: deliveries wait, and one of them probes it now and then.
        dispatcher.paused(i.id()).ifPresent(p -> {
            ObjectNode paused = n.putObject("deliveriesPaused");
            paused.put("since", p.since().toString());
            if (p.nextProbeAt() != null) {
                paused.put("nextProbeAt", p.nextProbeAt().toString());
            }
            paused.put("lastError", p.lastError());
        });
        return n;
    }

    private void restart(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (instances.find(id).isEmpty()) {
            error(ctx, 404, "no connector instance '" + id + "'");
            return;
        }
        instances.restart(id);
        json(ctx, 200, instanceJson(instances.find(id).orElseThrow()));
    }

    private void deadLetters(RoutingContext ctx) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("deadLetters", JSON.valueToTree(deliveries.deadLetters(limit(ctx))));
        ArrayNode inbound = body.putArray("inboundDeadLetters");
        for (JournalQueries.SkippedView v : queries.skipped(Skipped.Disposition.DEAD_LETTER.name(), limit(ctx))) {
            inbound.addObject().put("id", v.id()).put("instance", v.instance()).put("sourceId", v.sourceId())
                    .put("reason", v.reason()).put("original", v.original()).put("failedAt", v.at().toString());
        }
        json(ctx, 200, body);
    }

    private void skipped(RoutingContext ctx) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("skipped");
        for (JournalQueries.SkippedView v : queries.skipped(Skipped.Disposition.IGNORED.name(), limit(ctx))) {
            list.addObject().put("id", v.id()).put("instance", v.instance()).put("sourceId", v.sourceId())
                    .put("reason", v.reason()).put("original", v.original()).put("at", v.at().toString());
        }
        json(ctx, 200, body);
    }

    /** Stored bytes (e.g. an original mail) by hash, always as a download so a browser never renders them. */
    private void attachment(RoutingContext ctx) throws Exception {
        String sha = ctx.pathParam("sha256");
        if (!sha.matches("[0-9a-f]{64}")) {
            error(ctx, 400, "attachment id must be a lower-case hex SHA-256");
            return;
        }
        Attachment ref = new Attachment(sha, "application/octet-stream", -1, sha, URI.create("attachment:" + sha));
        byte[] bytes;
        try (var in = instances.attachments().open(ref)) {
            bytes = in.readAllBytes();
        } catch (java.nio.file.NoSuchFileException e) {
            error(ctx, 404, "no stored attachment " + sha);
            return;
        }
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/octet-stream")
                .putHeader("Content-Disposition", "attachment; filename=\"" + sha + "\"")
                .putHeader("X-Content-Type-Options", "nosniff").end(Buffer.buffer(bytes));
    }

    private void replay(RoutingContext ctx) throws Exception {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            error(ctx, 400, "dead letter id must be a number");
            return;
        }
        if (!dispatcher.replay(id)) {
            error(ctx, 404, "no dead letter with id " + id);
            return;
        }
        json(ctx, 202, JSON.createObjectNode().put("id", id).put("status", "PENDING"));
    }

    private void messages(RoutingContext ctx) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        String conversationId = ctx.queryParams().get("conversationId");
        body.set("messages", JSON.valueToTree(queries.messages(conversationId, limit(ctx))));
        if (conversationId != null) {
            // The conversation's timeline also shows what the automation did not do for a message, and why.
            body.set("automation", JSON.valueToTree(queries.automationEvents(conversationId, limit(ctx))));
        }
        json(ctx, 200, body);
    }

    private void message(RoutingContext ctx) throws Exception {
        var view = queries.message(ctx.pathParam("id"));
        if (view.isEmpty()) {
            error(ctx, 404, "no message with id " + ctx.pathParam("id"));
        } else {
            json(ctx, 200, view.get());
        }
    }

    static int limit(RoutingContext ctx) {
        String v = ctx.queryParams().get("limit");
        try {
            return v == null ? 100 : Math.max(1, Math.min(1000, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    // Store reads and connector restarts block: keep them off the event loop.
    void offload(RoutingContext ctx, Work work) {
        blocking.execute(() -> {
            try {
                work.run();
            } catch (Exception e) {
                LOG.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), e);
                error(ctx, 500, "internal error");
            }
        });
    }

    static void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(JSON.writeValueAsBytes(body)));
        } catch (Exception e) {
            ctx.response().setStatusCode(500).end();
        }
    }

    static void error(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        json(ctx, status, JSON.createObjectNode().put("error", message));
    }

    /** The JSON body (an empty one counts as {}), or null after answering 400. */
    static JsonNode objectBody(RoutingContext ctx) {
        var buffer = ctx.body() == null ? null : ctx.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(buffer.getBytes());
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // answered below
        }
        error(ctx, 400, "body must be a JSON object");
        return null;
    }
}
