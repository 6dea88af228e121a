package dev.omnibridge.hub.web;

import dev.omnibridge.hub.privacy.ContactErasure;
import dev.omnibridge.hub.privacy.ContactExport;
import dev.omnibridge.hub.store.ContactErasures.DeskStep;
import dev.omnibridge.hub.store.ContactErasures.Job;
import dev.omnibridge.hub.store.ContactErasures.State;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A contact's data under control (issue 20), behind {@link HttpApi}'s admin authorisation:
 * <pre>
 *   GET    /api/contacts/{id}/export     the zip archive of everything the hub holds on the contact
 *   DELETE /api/contacts/{id}            erase: 202 with the job (200 once done); again: the same job
 *   GET    /api/contacts/{id}/erasure    the contact's erasure job
 *   GET    /api/erasures/{jobId}         an erasure job
 * </pre>
 * A joined contact's id leads to its survivor (export and erasure cover the survivor and every contact joined into
 * it: they are one customer). Job answers carry ids, states, figures and each desk's outcome, never personal data.
 */
public final class PrivacyApi {
    private final ContactExport export;
    private final ContactErasure erasure;

    public PrivacyApi(ContactExport export, ContactErasure erasure) {
        this.export = export;
        this.erasure = erasure;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler checks the admin token first. */
    public void mount(Router router, HttpApi api) {
        router.get("/api/contacts/:id/export").handler(ctx -> api.offload(ctx, () -> export(ctx)));
        router.delete("/api/contacts/:id").handler(ctx -> api.offload(ctx, () -> erase(ctx)));
        router.get("/api/contacts/:id/erasure").handler(ctx -> api.offload(ctx, () -> contactStatus(ctx)));
        router.get("/api/erasures/:jobId").handler(ctx -> api.offload(ctx, () -> jobStatus(ctx)));
    }

    private void export(RoutingContext ctx) throws Exception {
        var archive = export.export(ctx.pathParam("id"), actor(ctx));
        if (archive.isEmpty()) {
            HttpApi.error(ctx, 404, "no contact " + ctx.pathParam("id"));
            return;
        }
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/zip")
                .putHeader("Content-Disposition", "attachment; filename=\"contact-" + archive.get().contactId()
                        + ".zip\"")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Content-Type-Options", "nosniff").end(Buffer.buffer(archive.get().zip()));
    }

    private void erase(RoutingContext ctx) throws Exception {
        var requested = erasure.request(ctx.pathParam("id"), actor(ctx));
        if (requested.isEmpty()) {
            HttpApi.error(ctx, 404, "no contact " + ctx.pathParam("id"));
            return;
        }
        Job job = requested.get().job();
        Map<String, Object> body = json(job);
        body.put("created", requested.get().created());
        body.put("statusUrl", "/api/erasures/" + job.id());
        HttpApi.json(ctx, job.state() == State.DONE ? 200 : 202, body);
    }

    private void contactStatus(RoutingContext ctx) throws Exception {
        var job = erasure.status(ctx.pathParam("id"));
        if (job.isEmpty()) {
            HttpApi.error(ctx, 404, "no erasure of contact " + ctx.pathParam("id"));
            return;
        }
        HttpApi.json(ctx, 200, json(job.get()));
    }

    private void jobStatus(RoutingContext ctx) throws Exception {
        var job = erasure.status(ctx.pathParam("jobId"));
        if (job.isEmpty()) {
            HttpApi.error(ctx, 404, "no erasure " + ctx.pathParam("jobId"));
            return;
        }
        HttpApi.json(ctx, 200, json(job.get()));
    }

    static Map<String, Object> json(Job job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.id());
        body.put("contactId", job.contactId());
        body.put("state", job.state().name());
        body.put("done", job.state() == State.DONE);
        body.put("requestedBy", job.requestedBy());
        body.put("requestedAt", String.valueOf(job.requestedAt()));
        body.put("updatedAt", String.valueOf(job.updatedAt()));
        body.put("finishedAt", job.finishedAt() == null ? null : job.finishedAt().toString());
        body.put("figures", job.figures());
        List<Map<String, Object>> desks = new ArrayList<>();
        for (DeskStep d : job.desks()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("desk", d.desk());
            n.put("outcome", d.outcome() == null ? "PENDING" : d.outcome());
            n.put("detail", d.detail());
            n.put("attempts", d.attempts());
            n.put("tickets", d.ticketRefs().size());
            n.put("nextAttemptAt", d.outcome() == null && d.nextAttemptAt() != null ? d.nextAttemptAt().toString()
                    : null);
            n.put("finishedAt", d.finishedAt() == null ? null : d.finishedAt().toString());
            desks.add(n);
        }
        body.put("desks", desks);
        return body;
    }

    /** Who is asking, for the audit trail: the account or token the request runs as. */
    static String actor(RoutingContext ctx) {
        return dev.omnibridge.hub.access.Principal.of(ctx).id();
    }
}
