package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.hub.access.AccessException;
import dev.omnibridge.hub.access.Account;
import dev.omnibridge.hub.access.Accounts;
import dev.omnibridge.hub.access.Principal;
import dev.omnibridge.hub.access.Sessions;
import dev.omnibridge.hub.security.RetryAfter;
import dev.omnibridge.model.json.CanonicalJson;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Accounts through the admin API (admins only, see {@code AccessPolicy}; every change audited):
 * <pre>
 *   GET    /api/accounts                     the accounts (never a password hash)
 *   POST   /api/accounts                     {email, name, role, password?} -> 201 the account
 *   GET    /api/accounts/{id}
 *   PATCH  /api/accounts/{id}                {name?, email?, role?, disabled?}
 *   POST   /api/accounts/{id}/password       {password}
 *   DELETE /api/accounts/{id}/sessions       log the account out everywhere
 *   DELETE /api/accounts/{id}
 *   GET    /api/agents                       who conversations can be assigned to: enabled agents and admins, id and
 *                                            name only (any role; e.g. the console's "assign to" list)
 *   GET    /api/me                           who the caller is (any role)
 *   POST   /api/me/sessions/end              log out everywhere: every session of the caller's account
 * </pre>
 */
public final class AccountsApi {
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    private final Accounts accounts;
    private final Sessions sessions;

    public AccountsApi(Accounts accounts, Sessions sessions) {
        this.accounts = accounts;
        this.sessions = sessions;
    }

    /** Call after {@link HttpApi#mount}, whose {@code /api/*} handler authorises first. */
    public void mount(Router router, Handler<RoutingContext> bodyHandler, HttpApi api) {
        router.get("/api/me").handler(ctx -> me(ctx));
        router.get("/api/agents").handler(ctx -> HttpApi.json(ctx, 200, Map.of("agents", accounts.list().stream()
                .filter(a -> !a.disabled() && a.role().allows(Principal.Role.AGENT))
                .map(a -> Map.of("id", a.id(), "name", a.name(), "role", lower(a.role()))).toList())));
        router.post("/api/me/sessions/end").handler(ctx -> api.offload(ctx, () -> endMine(ctx)));
        router.get("/api/accounts").handler(ctx -> HttpApi.json(ctx, 200,
                Map.of("accounts", accounts.list().stream().map(this::json).toList())));
        router.post("/api/accounts").handler(bodyHandler).handler(ctx -> api.offload(ctx, () -> create(ctx)));
        router.get("/api/accounts/:id").handler(ctx -> accounts.find(ctx.pathParam("id")).ifPresentOrElse(
                a -> HttpApi.json(ctx, 200, json(a)),
                () -> HttpApi.error(ctx, 404, "no account " + ctx.pathParam("id"))));
        router.patch("/api/accounts/:id").handler(bodyHandler).handler(ctx -> api.offload(ctx, () -> update(ctx)));
        router.post("/api/accounts/:id/password").handler(bodyHandler)
                .handler(ctx -> api.offload(ctx, () -> password(ctx)));
        router.delete("/api/accounts/:id/sessions").handler(ctx -> api.offload(ctx, () -> refusing(ctx, () -> {
            int n = accounts.endSessions(Principal.of(ctx), ctx.pathParam("id"));
            HttpApi.json(ctx, 200, Map.of("ended", n));
        })));
        router.delete("/api/accounts/:id").handler(ctx -> api.offload(ctx, () -> refusing(ctx, () -> {
            accounts.delete(Principal.of(ctx), ctx.pathParam("id"));
            ctx.response().setStatusCode(204).end();
        })));
    }

    private void me(RoutingContext ctx) {
        Principal p = Principal.of(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", p.id());
        body.put("name", p.name());
        body.put("role", lower(p.role()));
        body.put("kind", lower(p.kind()));
        HttpApi.json(ctx, 200, body);
    }

    private void endMine(RoutingContext ctx) throws Exception {
        Principal p = Principal.of(ctx);
        if (p.kind() != Principal.Kind.ACCOUNT) {
            HttpApi.error(ctx, 400, "only an account has sessions to end; a token is revoked in the configuration");
            return;
        }
        refusing(ctx, () -> HttpApi.json(ctx, 200, Map.of("ended", accounts.endSessions(p, p.id()))));
    }

    private void create(RoutingContext ctx) throws Exception {
        JsonNode b = body(ctx);
        if (b == null) {
            return;
        }
        refusing(ctx, () -> {
            Account a = accounts.create(Principal.of(ctx), b.path("email").asText(null), b.path("name").asText(null),
                    role(b.path("role").asText(null)), b.hasNonNull("password") ? b.get("password").asText() : null);
            HttpApi.json(ctx, 201, json(a));
        });
    }

    private void update(RoutingContext ctx) throws Exception {
        JsonNode b = body(ctx);
        if (b == null) {
            return;
        }
        refusing(ctx, () -> {
            if (b.has("disabled") && !b.get("disabled").isBoolean()) {
                throw new AccessException(400, "disabled must be true or false");
            }
            Account a = accounts.update(Principal.of(ctx), ctx.pathParam("id"), text(b, "email"), text(b, "name"),
                    b.hasNonNull("role") ? role(b.get("role").asText()) : null,
                    b.has("disabled") ? b.get("disabled").asBoolean() : null);
            HttpApi.json(ctx, 200, json(a));
        });
    }

    private void password(RoutingContext ctx) throws Exception {
        JsonNode b = body(ctx);
        if (b == null) {
            return;
        }
        refusing(ctx, () -> {
            accounts.setPassword(Principal.of(ctx), ctx.pathParam("id"), b.path("password").asText(null));
            HttpApi.json(ctx, 200, Map.of("status", "password set"));
        });
    }

    private Map<String, Object> json(Account a) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", a.id());
        n.put("email", a.email());
        n.put("name", a.name());
        n.put("role", lower(a.role()));
        n.put("disabled", a.disabled());
        n.put("hasPassword", a.hasPassword());
        n.put("sso", a.issuer() != null);
        n.put("lockedUntil", a.lockedUntil() == null ? null : a.lockedUntil().toString());
        n.put("sessions", sessions.count(a.id()));
        n.put("createdAt", a.createdAt().toString());
        return n;
    }

    private static Principal.Role role(String text) throws AccessException {
        try {
            return Principal.Role.valueOf(text == null ? "" : text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AccessException(400, "role must be admin, agent or viewer");
        }
    }

    private static String text(JsonNode b, String field) {
        return b.hasNonNull(field) ? b.get(field).asText() : null;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    @FunctionalInterface
    private interface Change {
        void run() throws AccessException;
    }

    private static void refusing(RoutingContext ctx, Change change) {
        try {
            change.run();
        } catch (AccessException e) {
            if (e.retryAfter() != null) {
                ctx.response().putHeader("Retry-After", RetryAfter.seconds(e.retryAfter()));
            }
            HttpApi.error(ctx, e.status(), e.getMessage());
        }
    }

    /** The JSON object of the request, or null after answering 400. */
    private static JsonNode body(RoutingContext ctx) {
        var buffer = ctx.body() == null ? null : ctx.body().buffer();
        try {
            JsonNode node = buffer == null || buffer.length() == 0 ? null : JSON.readTree(buffer.getBytes());
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // answered below
        }
        HttpApi.error(ctx, 400, "body must be a JSON object");
        return null;
    }
}
