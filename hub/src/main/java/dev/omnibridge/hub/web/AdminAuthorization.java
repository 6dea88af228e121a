package dev.omnibridge.hub.web;

import dev.omnibridge.hub.access.AccessPolicy;
import dev.omnibridge.hub.access.ApiTokens;
import dev.omnibridge.hub.access.Logins;
import dev.omnibridge.hub.access.Principal;
import dev.omnibridge.hub.access.Sessions;
import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.console.ConsoleWeb;
import dev.omnibridge.hub.security.AuthFailures;
import dev.omnibridge.hub.security.RetryAfter;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who may call the admin API under {@code /api/}, checked for every route in one place: first who the caller is (a
 * bearer token of {@link ApiTokens}, or a console session cookie), then whether their role may make this call
 * ({@link AccessPolicy}: 403 naming the role needed otherwise). Refused calls and allowed changes go into the audit
 * trail with the caller. A cookie is sent by the browser on its own, so a call that changes something must also carry
 * the session's CSRF token in {@code X-CSRF-Token} and, when the browser names its Origin, come from the hub's own.
 * Nothing here reads the store: tokens, sessions and accounts are in memory, so it runs on the event loop.
 */
public final class AdminAuthorization implements Handler<RoutingContext> {
    private final ApiTokens tokens;
    private final Sessions sessions;
    private final Logins logins;
    private final AuthFailures failures;
    private final AccessPolicy policy;
    private final AuditTrail audit;

    /**
     * @param sessions console logins whose cookie is accepted besides a bearer token (null: none)
     * @param failures wrong tokens per client address, shared with the console login
     */
    public AdminAuthorization(ApiTokens tokens, Sessions sessions, Logins logins, AuthFailures failures,
                              AccessPolicy policy, AuditTrail audit) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.logins = logins;
        this.failures = failures;
        this.policy = policy;
        this.audit = audit;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<Principal> principal = authenticate(ctx);
        if (principal.isEmpty()) {
            return;
        }
        Principal who = principal.get();
        String method = ctx.request().method().name();
        AccessPolicy.Decision decision = policy.decide(method, ctx.normalizedPath());
        AccessPolicy.Rule rule = decision.rule();
        if (!who.role().allows(rule.role())) {
            String needed = rule.role().name().toLowerCase(Locale.ROOT);
            audit.record(who.id(), (rule.action() == null ? "api" : rule.action()) + ".denied",
                    decision.subject(), method + " " + ctx.normalizedPath() + " needs " + needed);
            HttpApi.json(ctx, 403, Map.of("error", "this needs the " + needed + " role (yours is "
                    + who.role().name().toLowerCase(Locale.ROOT) + ")", "needed", needed));
            return;
        }
        Principal.set(ctx, who);
        boolean changes = !method.equals("GET") && !method.equals("HEAD");
        if (rule.auditAllowed() && rule.action() != null && changes) {
            ctx.addEndHandler(done -> audit.record(who.id(), rule.action(), decision.subject(),
                    "HTTP " + ctx.response().getStatusCode()));
        }
        ctx.next();
    }

    /** The caller, or empty after answering 401/403/429. */
    private Optional<Principal> authenticate(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        String cookie = ConsoleWeb.cookie(ctx);
        if (header == null && cookie != null && sessions != null) {
            var session = sessions.find(cookie);
            Optional<Principal> p = session.flatMap(logins::principal);
            if (p.isEmpty()) {
                HttpApi.error(ctx, 401, "console session expired; log in again");
                return Optional.empty();
            }
            String method = ctx.request().method().name();
            boolean changes = !method.equals("GET") && !method.equals("HEAD");
            if (changes && !ConsoleWeb.sameOrigin(ctx)) {
                HttpApi.error(ctx, 403, "cross-origin call refused");
                return Optional.empty();
            }
            if (changes && !Sessions.csrfMatches(session.get(), ctx.request().getHeader(Sessions.CSRF_HEADER))) {
                HttpApi.error(ctx, 403, "missing or wrong " + Sessions.CSRF_HEADER);
                return Optional.empty();
            }
            ConsoleWeb.secured(ctx);
            return p;
        }
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip()
                : null;
        if (token == null) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            HttpApi.error(ctx, 401, "missing bearer token");
            return Optional.empty();
        }
        // A right token passes even from an address past its budget of wrong ones (see AuthFailures).
        Optional<Principal> p = tokens.match(token);
        if (p.isEmpty()) {
            var address = ctx.request().remoteAddress();
            Optional<Duration> wait = failures.failed(address == null ? null : address.hostAddress());
            if (wait.isPresent()) {
                ctx.response().putHeader("Retry-After", RetryAfter.seconds(wait.get()));
                HttpApi.error(ctx, 429, "too many invalid bearer tokens from this address; retry later");
            } else {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                HttpApi.error(ctx, 401, "invalid bearer token");
            }
        }
        return p;
    }
}
