package dev.omnibridge.hub.web;

import dev.omnibridge.hub.console.ConsoleSessions;
import dev.omnibridge.hub.console.ConsoleWeb;
import dev.omnibridge.webhook.HmacSignatures;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may call the admin API under {@code /api/}: the bearer token, or a console session cookie. A cookie is sent by
 * the browser on its own, so a call that changes something must also carry the session's CSRF token in
 * {@code X-CSRF-Token} and, when the browser names its Origin, come from the hub's own.
 */
final class AdminAuthorization implements Handler<RoutingContext> {
    private final String adminToken;
    private final ConsoleSessions sessions;

    /** @param sessions console logins whose cookie is accepted besides the bearer token (null: none) */
    AdminAuthorization(String adminToken, ConsoleSessions sessions) {
        this.adminToken = adminToken;
        this.sessions = sessions;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        String cookie = ConsoleWeb.cookie(ctx);
        if (header == null && cookie != null && sessions != null) {
            var session = sessions.find(cookie);
            if (session.isEmpty()) {
                HttpApi.error(ctx, 401, "console session expired; log in again");
                return;
            }
            String method = ctx.request().method().name();
            boolean changes = !method.equals("GET") && !method.equals("HEAD");
            if (changes && !ConsoleWeb.sameOrigin(ctx)) {
                HttpApi.error(ctx, 403, "cross-origin call refused");
                return;
            }
            if (changes && !ConsoleSessions.csrfMatches(session.get(),
                    ctx.request().getHeader(ConsoleSessions.CSRF_HEADER))) {
                HttpApi.error(ctx, 403, "missing or wrong " + ConsoleSessions.CSRF_HEADER);
                return;
            }
            ConsoleWeb.secured(ctx);
            ctx.next();
            return;
        }
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip()
                : null;
        if (!HmacSignatures.constantTimeEquals(adminToken, token)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            HttpApi.error(ctx, 401, token == null ? "missing bearer token" : "invalid bearer token");
            return;
        }
        ctx.next();
    }
}
