package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnibridge.hub.identity.ContactIdentity;
import dev.omnibridge.hub.store.ContactLinks;
import dev.omnibridge.hub.store.ContactQueries;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.json.CanonicalJson;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The contacts of the admin API (issue 20), behind {@link HttpApi}'s admin authorisation:
 * <pre>
 * GET  /api/contacts?q=&amp;limit=          {contacts: [{id, name, addresses, lastActivity}]}
 * GET  /api/contacts/{id}                  the contact page (see docs/api.md); an id that was joined into another
 *                                          contact answers 200 with the surviving contact's page: its "id" is the
 *                                          survivor's, "requestedId" the id asked for, "mergedInto" the survivor's
 *                                          id (null when the id asked for is the survivor)
 * POST /api/contacts/{id}/links            {kind, address} or {otherContactId}: an agent's link (verified, AGENT)
 * POST /api/contacts/links/{linkId}/accept | reject | split
 * </pre>
 * Link answers: {@code {link: {...}, contactId}} where contactId is the contact to show now (the survivor). Errors:
 * 400 bad input, 404 no such contact or link, 409 the link's state does not allow it.
 */
public final class ContactsApi {
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();

    private final ContactQueries queries;
    private final ContactIdentity identity;

    public ContactsApi(ContactQueries queries, ContactIdentity identity) {
        this.queries = queries;
        this.identity = identity;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler checks the admin token first. */
    public void mount(Router router, Handler<RoutingContext> bodyHandler, HttpApi api) {
        router.get("/api/contacts").handler(ctx -> api.offload(ctx, () -> list(ctx)));
        router.post("/api/contacts/links/:linkId/accept").handler(bodyHandler)
                .handler(ctx -> api.offload(ctx, () -> decide(ctx, "accept")));
        router.post("/api/contacts/links/:linkId/reject").handler(bodyHandler)
                .handler(ctx -> api.offload(ctx, () -> decide(ctx, "reject")));
        router.post("/api/contacts/links/:linkId/split").handler(bodyHandler)
                .handler(ctx -> api.offload(ctx, () -> decide(ctx, "split")));
        router.get("/api/contacts/:id").handler(ctx -> api.offload(ctx, () -> page(ctx)));
        router.post("/api/contacts/:id/links").handler(bodyHandler).handler(ctx -> api.offload(ctx, () -> link(ctx)));
    }

    private void list(RoutingContext ctx) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("contacts");
        for (ContactQueries.Summary s : queries.list(ctx.queryParams().get("q"), HttpApi.limit(ctx))) {
            list.addObject().put("id", s.id()).put("name", s.name()).put("addresses", s.addresses())
                    .put("lastActivity", text(s.lastActivity()));
        }
        HttpApi.json(ctx, 200, body);
    }

    private void page(RoutingContext ctx) throws Exception {
        var page = queries.page(ctx.pathParam("id"));
        if (page.isEmpty()) {
            HttpApi.error(ctx, 404, "no contact " + ctx.pathParam("id"));
            return;
        }
        ContactQueries.Page p = page.get();
        ObjectNode body = JSON.createObjectNode();
        body.put("id", p.id());
        body.put("requestedId", p.requestedId());
        body.put("mergedInto", p.mergedInto());
        ArrayNode names = body.putArray("names");
        p.names().forEach(names::add);
        ArrayNode addresses = body.putArray("addresses");
        for (ContactQueries.AddressView a : p.addresses()) {
            ObjectNode o = addresses.addObject().put("kind", a.kind()).put("value", a.value());
            ArrayNode channels = o.putArray("channels");
            a.channels().forEach(channels::add);
            o.put("reachable", a.reachable()).put("unreachableReason", a.unreachableReason())
                    .put("verified", a.verified());
        }
        ArrayNode conversations = body.putArray("conversations");
        for (ContactQueries.ConversationView v : p.conversations()) {
            ObjectNode o = conversations.addObject().put("id", v.id()).put("channel", v.channel())
                    .put("channelType", v.channelType()).put("subject", v.subject()).put("status", v.status())
                    .put("lastAt", text(v.lastAt()));
            ObjectNode tickets = o.putObject("ticketRefs");
            v.ticketRefs().forEach(tickets::put);
        }
        ArrayNode timeline = body.putArray("timeline");
        for (ContactQueries.TimelineEntry t : p.timeline()) {
            timeline.addObject().put("at", text(t.at())).put("conversationId", t.conversationId())
                    .put("messageId", t.messageId()).put("channel", t.channel()).put("direction", t.direction())
                    .put("text", t.text()).put("author", t.author());
        }
        ArrayNode proposals = body.putArray("proposals");
        for (ContactQueries.Proposal pr : p.proposals()) {
            proposals.addObject().put("linkId", pr.linkId()).put("otherContactId", pr.otherContactId())
                    .put("otherName", pr.otherName()).put("evidence", pr.evidence()).put("detail", pr.detail());
        }
        ArrayNode links = body.putArray("links");
        p.links().forEach(l -> links.add(linkJson(l)));
        body.put("erased", p.erased());
        HttpApi.json(ctx, 200, body);
    }

    private void link(RoutingContext ctx) throws Exception {
        JsonNode body = body(ctx);
        if (body == null) {
            HttpApi.error(ctx, 400, "the body must be a JSON object");
            return;
        }
        String id = ctx.pathParam("id");
        CompletableFuture<ContactLinks.Link> made;
        if (body.hasNonNull("otherContactId")) {
            made = identity.linkContacts(id, body.get("otherContactId").asText(), actor(ctx));
        } else if (body.hasNonNull("address")) {
            Address address;
            try {
                address = identity.address(body.path("kind").asText(null), body.get("address").asText());
            } catch (IllegalArgumentException e) {
                HttpApi.error(ctx, 400, e.getMessage());
                return;
            }
            made = identity.linkAddress(id, address, actor(ctx));
        } else {
            HttpApi.error(ctx, 400, "give {kind, address} or {otherContactId}");
            return;
        }
        answer(ctx, 201, made);
    }

    private void decide(RoutingContext ctx, String decision) throws Exception {
        long linkId;
        try {
            linkId = Long.parseLong(ctx.pathParam("linkId"));
        } catch (NumberFormatException e) {
            HttpApi.error(ctx, 404, "no link " + ctx.pathParam("linkId"));
            return;
        }
        answer(ctx, 200, switch (decision) {
            case "accept" -> identity.accept(linkId, actor(ctx));
            case "reject" -> identity.reject(linkId, actor(ctx));
            default -> identity.split(linkId, actor(ctx));
        });
    }

    private void answer(RoutingContext ctx, int status, CompletableFuture<ContactLinks.Link> decision)
            throws Exception {
        ContactLinks.Link link;
        try {
            link = decision.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NoSuchElementException) {
                HttpApi.error(ctx, 404, cause.getMessage());
            } else if (cause instanceof ContactLinks.WrongStateException) {
                HttpApi.error(ctx, 409, cause.getMessage());
            } else if (cause instanceof IllegalArgumentException) {
                HttpApi.error(ctx, 400, cause.getMessage());
            } else {
                throw e;
            }
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("link", linkJson(link));
        body.put("contactId", link.contactId());
        HttpApi.json(ctx, status, body);
    }

    static ObjectNode linkJson(ContactLinks.Link l) {
        return JSON.createObjectNode().put("linkId", l.id()).put("contactId", l.contactId())
                .put("otherContactId", l.otherContactId()).put("evidence", l.evidence().name())
                .put("strength", l.strength().name()).put("status", l.status().name())
                .put("addressKind", l.kind()).put("address", l.address())
                .put("otherAddressKind", l.otherKind()).put("otherAddress", l.otherAddress())
                .put("detail", l.detail()).put("movedAddresses", l.movedAddresses().size())
                .put("createdAt", text(l.createdAt())).put("decidedAt", text(l.decidedAt()))
                .put("decidedBy", l.decidedBy());
    }

    /** Who is asking, for the audit trail: the account or token the request runs as. */
    static String actor(RoutingContext ctx) {
        return dev.omnibridge.hub.access.Principal.of(ctx).id();
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    /** The JSON object of the request, or null when it is not one (an empty body is an empty object). */
    private static JsonNode body(RoutingContext ctx) {
        var buffer = ctx.body() == null ? null : ctx.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(buffer.getBytes());
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
