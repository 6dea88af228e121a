package dev.omnibridge.hub.web;

import dev.omnibridge.hub.runtime.Refused;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.hub.access.Principal;
import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.mirror.Backfills;
import dev.omnibridge.hub.store.BackfillTables.Backfill;
import dev.omnibridge.model.json.CanonicalJson;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Backfills (issue 22), behind {@link HttpApi}'s admin authorisation:
 * <pre>
 *   POST /api/backfills        {"desk": "crm", "from": "2026-01-01T00:00:00Z", "to": "2026-07-01T00:00:00Z"}
 *                              or {"desk": "crm", "open": true}: 202 with the backfill
 *   GET  /api/backfills        the latest backfills with their progress, newest first
 *   GET  /api/backfills/{id}   one backfill's progress: state RUNNING or DONE, conversations, skipped, messages
 * </pre>
 */
public final class BackfillsApi {
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    private final Backfills backfills;
    private final AuditTrail audit;

    public BackfillsApi(Backfills backfills, AuditTrail audit) {
        this.backfills = backfills;
        this.audit = audit;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler checks who calls first. */
    public void mount(Router router, Handler<RoutingContext> bodyHandler, HttpApi api) {
        router.post("/api/backfills").handler(bodyHandler).handler(ctx -> api.offload(ctx, () -> start(ctx)));
        router.get("/api/backfills").handler(ctx -> api.offload(ctx, () -> HttpApi.json(ctx, 200,
                Map.of("backfills", backfills.list(HttpApi.limit(ctx)).stream().map(BackfillsApi::json).toList()))));
        router.get("/api/backfills/:id").handler(ctx -> api.offload(ctx, () -> {
            var found = backfills.find(ctx.pathParam("id"));
            if (found.isEmpty()) {
                HttpApi.error(ctx, 404, "no backfill with id " + ctx.pathParam("id"));
            } else {
                HttpApi.json(ctx, 200, json(found.get()));
            }
        }));
    }

    private void start(RoutingContext ctx) throws Exception {
        JsonNode body;
        try {
            var buffer = ctx.body() == null ? null : ctx.body().buffer();
            body = buffer == null || buffer.length() == 0 ? JSON.createObjectNode() : JSON.readTree(buffer.getBytes());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            HttpApi.error(ctx, 400, "body must be a JSON object: {desk, from, to} or {desk, open: true}");
            return;
        }
        Instant from;
        Instant to;
        try {
            from = instant(body, "from");
            to = instant(body, "to");
        } catch (DateTimeParseException e) {
            HttpApi.error(ctx, 400, "from and to must be ISO-8601 instants, e.g. 2026-01-01T00:00:00Z");
            return;
        }
        String actor = Principal.of(ctx).id();
        try {
            Backfill b = backfills.start(body.path("desk").asText(null), from, to, body.path("open").asBoolean(false),
                    actor);
            audit.record(actor, "backfill.start", b.id(), "desk=" + b.desk() + (b.openOnly() ? " open" : " from="
                    + b.from() + " to=" + b.to()));
            HttpApi.json(ctx, 202, json(b));
        } catch (Refused e) {
            HttpApi.error(ctx, e.status(), e.getMessage());
        }
    }

    private static Instant instant(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() || n.asText().isBlank() ? null : Instant.parse(n.asText().strip());
    }

    static Map<String, Object> json(Backfill b) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", b.id());
        n.put("desk", b.desk());
        n.put("open", b.openOnly());
        n.put("from", b.from() == null ? null : b.from().toString());
        n.put("to", b.to() == null ? null : b.to().toString());
        n.put("state", b.state());
        n.put("conversations", b.conversations());
        n.put("skipped", b.skipped());
        n.put("messages", b.messages());
        n.put("requestedBy", b.requestedBy());
        n.put("createdAt", b.createdAt().toString());
        n.put("updatedAt", b.updatedAt().toString());
        n.put("finishedAt", b.finishedAt() == null ? null : b.finishedAt().toString());
        return n;
    }
}
