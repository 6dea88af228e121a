package dev.omnibridge.hub.web;

import dev.omnibridge.hub.access.Principal;
import dev.omnibridge.hub.console.ConsoleSessions;
import dev.omnibridge.hub.console.ConsoleWeb;
import dev.omnibridge.hub.security.AuthFailures;
import dev.omnibridge.hub.security.RetryAfter;
import dev.omnibridge.webhook.HmacSignatures;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Optional;

/**
 * Who may call the admin API under {@code /api/}: the bearer token, or a console session cookie. A cookie is sent by
 * the browser on its own, so a call that changes something must also carry the session's CSRF token in
 * {@code X-CSRF-Token} and, when the browser names its Origin, come from the hub's own.
 */
final class AdminAuthorization implements Handler<RoutingContext> {
    private final String adminToken;
    private final ConsoleSessions sessions;
    private final AuthFailures failures;

    /**
     * @param sessions console logins whose cookie is accepted besides the bearer token (null: none)
     * @param failures wrong tokens per client address, shared with the console login
     */
    AdminAuthorization(String adminToken, ConsoleSessions sessions, AuthFailures failures) {
        this.adminToken = adminToken;
        this.sessions = sessions;
        this.failures = failures;
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
            Principal.set(ctx, Principal.ADMIN_TOKEN);
            ctx.next();
            return;
        }
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip()
                : null;
        if (token == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            HttpApi.error(ctx, 401, "missing bearer token");
            return;
        }
        // The right token passes even from an address past its budget of wrong ones (see AuthFailures).
        if (!HmacSignatures.constantTimeEquals(adminToken, token)) {
            var address = ctx.request().remoteAddress();
            Optional<Duration> wait = failures.failed(address == null ? null : address.hostAddress());
            if (wait.isPresent()) {
                ctx.response().putHeader("Retry-After", RetryAfter.seconds(wait.get()));
                HttpApi.error(ctx, 429, "too many invalid bearer tokens from this address; retry later");
            } else {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                HttpApi.error(ctx, 401, "invalid bearer token");
            }
            return;
        }
        Principal.set(ctx, Principal.ADMIN_TOKEN);
        ctx.next();
    }
}
