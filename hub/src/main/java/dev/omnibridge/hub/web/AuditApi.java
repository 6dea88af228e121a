package dev.omnibridge.hub.web;

import dev.omnibridge.hub.audit.AuditEntry;
import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.store.AuditEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail, behind {@link HttpApi}'s admin authorisation:
 * <pre>
 *   GET /api/audit?subject=&amp;action=&amp;actor=&amp;from=&amp;to=&amp;before=&amp;limit=   newest first, a page
 *                                                              {entries: [...], next: id}
 *   GET /api/audit?format=jsonl&amp;...  (or /api/audit.jsonl?...) every matching entry, one JSON object per line
 * </pre>
 * {@code subject} is an id (contact, link, account); {@code action} a prefix ({@code contact.erase} matches
 * {@code contact.erase.done}); {@code actor} who exactly (an account id, {@code admin-token}, {@code token:name});
 * {@code from}/{@code to} ISO-8601 instants (from inclusive, to exclusive); {@code before} an entry id to page on
 * from ({@code next} of the previous page).
 */
public final class AuditApi {
    private static final int JSONL_PAGE = 1000;
    private final AuditTrail audit;

    public AuditApi(AuditTrail audit) {
        this.audit = audit;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler checks the admin token first. */
    public void mount(Router router, HttpApi api) {
        router.get("/api/audit").handler(ctx -> api.offload(ctx, () -> page(ctx)));
        router.get("/api/audit.jsonl").handler(ctx -> api.offload(ctx, () -> jsonl(ctx)));
    }

    private void page(RoutingContext ctx) throws Exception {
        if ("jsonl".equals(ctx.queryParams().get("format"))) {
            jsonl(ctx);
            return;
        }
        AuditEvents.Filter filter = filter(ctx);
        if (filter == null) {
            return;
        }
        long before;
        try {
            String b = ctx.queryParams().get("before");
            before = b == null || b.isBlank() ? 0 : Long.parseLong(b);
        } catch (NumberFormatException e) {
            HttpApi.error(ctx, 400, "before must be an audit entry id (a number)");
            return;
        }
        int limit = HttpApi.limit(ctx);
        List<AuditEntry> entries = audit.list(filter, before, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", entries.stream().map(AuditApi::json).toList());
        body.put("next", entries.size() < limit ? null : entries.get(entries.size() - 1).id());
        HttpApi.json(ctx, 200, body);
    }

    private void jsonl(RoutingContext ctx) throws Exception {
        AuditEvents.Filter filter = filter(ctx);
        if (filter == null) {
            return;
        }
        StringBuilder out = new StringBuilder();
        var mapper = dev.omnibridge.model.json.CanonicalJson.mapperCopy();
        long before = 0;
        while (true) {
            List<AuditEntry> page = audit.list(filter, before, JSONL_PAGE);
            for (AuditEntry e : page) {
                out.append(mapper.writeValueAsString(json(e))).append('\n');
            }
            if (page.size() < JSONL_PAGE) {
                break;
            }
            before = page.get(page.size() - 1).id();
        }
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/x-ndjson")
                .putHeader("Content-Disposition", "attachment; filename=\"audit.jsonl\"")
                .end(Buffer.buffer(out.toString()));
    }

    /** The request's filter, or null after answering 400. */
    private static AuditEvents.Filter filter(RoutingContext ctx) {
        java.time.Instant from;
        java.time.Instant to;
        try {
            from = param(ctx, "from") == null ? null : java.time.Instant.parse(param(ctx, "from"));
            to = param(ctx, "to") == null ? null : java.time.Instant.parse(param(ctx, "to"));
        } catch (java.time.format.DateTimeParseException e) {
            HttpApi.error(ctx, 400, "from and to must be ISO-8601 instants, e.g. 2026-12-04T10:00:00Z");
            return null;
        }
        return new AuditEvents.Filter(param(ctx, "subject"), param(ctx, "action"), param(ctx, "actor"), from, to);
    }

    private static String param(RoutingContext ctx, String name) {
        String v = ctx.queryParams().get(name);
        return v == null || v.isBlank() ? null : v;
    }

    static Map<String, Object> json(AuditEntry e) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", e.id());
        n.put("at", e.at().toString());
        n.put("actor", e.actor());
        n.put("action", e.action());
        n.put("subject", e.subject());
        n.put("detail", e.detail());
        return n;
    }
}
