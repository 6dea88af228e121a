package dev.omnibridge.hub.web;

import dev.omnibridge.hub.runtime.Refused;
import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.access.Principal;
import dev.omnibridge.hub.inbox.InboxService;
import dev.omnibridge.hub.runtime.ConnectorInstance;
import dev.omnibridge.hub.runtime.InstanceManager;
import dev.omnibridge.hub.sla.FirstResponseViews;
import dev.omnibridge.hub.store.JournalStats;
import dev.omnibridge.hub.store.Reachability;
import dev.omnibridge.model.Conversation;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The admin API calls the operator console added: instance start/stop, answering and resolving console-inbox
 * conversations, clearing a customer's unreachable mark, and chart data. Mounted behind {@link HttpApi}'s
 * authorization.
 */
public final class OperatorApi {

    private final InstanceManager instances;
    private final InboxService inbox;
    private final JournalStats stats;
    private final Reachability reachability;
    private final Clock clock;
    private final FirstResponseViews firstResponses;

    public OperatorApi(InstanceManager instances, InboxService inbox, JournalStats stats, Reachability reachability,
                       Clock clock, FirstResponseViews firstResponses) {
        this.firstResponses = firstResponses;
        this.instances = instances;
        this.inbox = inbox;
        this.stats = stats;
        this.reachability = reachability;
        this.clock = clock;
    }

    void mount(Router router, Handler<RoutingContext> bodyHandler, HttpApi api) {
        router.post("/api/instances/:id/start").handler(ctx -> api.offload(ctx, () -> control(ctx, true)));
        router.post("/api/instances/:id/stop").handler(ctx -> api.offload(ctx, () -> control(ctx, false)));
        router.post("/api/conversations/:id/replies").handler(bodyHandler)
                .handler(ctx -> api.offload(ctx, () -> reply(ctx)));
        router.post("/api/conversations/:id/resolve").handler(bodyHandler)
                .handler(ctx -> api.offload(ctx, () -> resolve(ctx)));
        router.post("/api/conversations/:id/typing").handler(ctx -> api.offload(ctx, () -> typing(ctx)));
        router.post("/api/conversations/:id/customer-reachable")
                .handler(ctx -> api.offload(ctx, () -> customerReachable(ctx)));
        router.get("/api/stats").handler(ctx -> api.offload(ctx, () -> stats(ctx)));
    }

    List<String> inboxesFor(Conversation conversation) {
        return inbox.inboxesFor(conversation);
    }

    private void control(RoutingContext ctx, boolean start) {
        String id = ctx.pathParam("id");
        if (instances.find(id).isEmpty()) {
            HttpApi.error(ctx, 404, "no connector instance '" + id + "'");
            return;
        }
        if (start) {
            instances.start(id);
        } else {
            instances.stop(id);
        }
        ConnectorInstance i = instances.find(id).orElseThrow();
        HttpApi.json(ctx, 200, Map.of("id", id, "state", i.state().name()));
    }

    private void reply(RoutingContext ctx) throws Exception {
        JsonNode body = HttpApi.objectBody(ctx);
        if (body == null) {
            return;
        }
        try {
            // A person's reply carries their account's name; a token (automation) may still name its author.
            Principal who = Principal.of(ctx);
            String author = who.kind() == Principal.Kind.ACCOUNT ? who.name() : body.path("author").asText(null);
            String replyId = inbox.answer(ctx.pathParam("id"), body.path("inbox").asText(null), author,
                    body.path("text").asText(null));
            HttpApi.json(ctx, 202, Map.of("replyId", replyId, "status", "STORED"));
        } catch (Refused e) {
            HttpApi.error(ctx, e.status(), e.getMessage());
        }
    }

    private void resolve(RoutingContext ctx) throws Exception {
        JsonNode body = HttpApi.objectBody(ctx);
        if (body == null) {
            return;
        }
        try {
            inbox.resolve(ctx.pathParam("id"), body.path("inbox").asText(null));
            HttpApi.json(ctx, 202, Map.of("status", "RESOLVED"));
        } catch (Refused e) {
            HttpApi.error(ctx, e.status(), e.getMessage());
        }
    }

    private void typing(RoutingContext ctx) throws Exception {
        try {
            inbox.agentTyping(ctx.pathParam("id"));
            ctx.response().setStatusCode(204).end();
        } catch (Refused e) {
            HttpApi.error(ctx, e.status(), e.getMessage());
        }
    }

    /**
     * Clears the unreachable mark of the conversation's customer address (an opt-out too: the operator answers for
     * it), so replies are handed to the channel again. The channel marks the address again if it still cannot
     * deliver.
     */
    private void customerReachable(RoutingContext ctx) throws Exception {
        String id = ctx.pathParam("id");
        switch (reachability.clear(id)) {
            case NO_CONVERSATION -> HttpApi.error(ctx, 404, "no conversation with id " + id);
            case NO_CUSTOMER_ADDRESS -> HttpApi.error(ctx, 409, "conversation " + id + " has no customer address");
            case CLEARED -> HttpApi.json(ctx, 200, Map.of("conversationId", id, "cleared", true));
            case WAS_REACHABLE -> HttpApi.json(ctx, 200, Map.of("conversationId", id, "cleared", false));
        }
    }

    /** The conversation's first-response timer with its timeline, or null when it never had a clock. */
    FirstResponseViews.TimerView firstResponse(Conversation conversation) throws java.sql.SQLException {
        return firstResponses.conversation(conversation.id()).orElse(null);
    }

    /** The listed conversations' timers (without timelines), by conversation id: the console marks breaches. */
    Map<String, FirstResponseViews.TimerView> firstResponses(List<String> conversationIds)
            throws java.sql.SQLException {
        return firstResponses.conversations(conversationIds);
    }

    /** When the customer was last seen typing, if recent: the console shows "typing". */
    String customerTypingAt(Conversation conversation) {
        return instances.typing().customerTypingAt(conversation.id()).map(Object::toString).orElse(null);
    }

    private void stats(RoutingContext ctx) throws Exception {
        int hours = 24;
        try {
            String h = ctx.queryParams().get("hours");
            hours = h == null ? 24 : Math.max(1, Math.min(24 * 14, Integer.parseInt(h)));
        } catch (NumberFormatException e) {
            HttpApi.error(ctx, 400, "hours must be a number");
            return;
        }
        HttpApi.json(ctx, 200, stats.lastHours(hours, clock.instant()));
    }
}
