package dev.omnibridge.hub.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnibridge.hub.access.AccessException;
import dev.omnibridge.hub.access.Accounts;
import dev.omnibridge.hub.access.Logins;
import dev.omnibridge.hub.access.OidcLogins;
import dev.omnibridge.hub.access.OidcProvider;
import dev.omnibridge.hub.access.SsoRefusal;
import dev.omnibridge.hub.security.AuthFailures;
import dev.omnibridge.hub.access.Principal;
import dev.omnibridge.hub.access.Sessions;
import dev.omnibridge.hub.security.RetryAfter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.omnibridge.model.json.CanonicalJson;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The operator console's own routes: its static page (HTML, CSS and plain JavaScript from the hub's resources, no
 * build step) and the login that trades an account's email and password (or, before any account exists, the admin
 * token) for a session cookie. Everything it shows comes from the
 * admin API under {@code /api/}, which accepts that cookie (see {@code AdminAuthorization}).
 */
public final class ConsoleWeb {
    /**
     * No inline script or style and no third-party origin: even if hostile text reached the DOM as markup, it could
     * not run. The page draws its charts as SVG through DOM calls, which this policy allows.
     */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final ObjectMapper JSON = CanonicalJson.mapperCopy();
    private static final Map<String, String> ASSETS = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleWeb.class);

    private final Sessions sessions;
    private final Logins logins;
    private final Accounts accounts;
    private final ExecutorService blocking;
    private final boolean secureCookie;
    private final Map<String, Buffer> assets;
    private final OidcLogins sso;
    private final AuthFailures failures;

    /**
     * @param secureCookie whether the session cookie is {@code Secure} (the public URL is https)
     * @param blocking     where logins run (bcrypt, the store)
     */
    public ConsoleWeb(Sessions sessions, Logins logins, Accounts accounts, ExecutorService blocking,
                      boolean secureCookie) {
        this(sessions, logins, accounts, blocking, secureCookie, null, null);
    }

    /**
     * @param sso      single sign-on; null when not configured
     * @param failures counts forged or replayed sign-in answers per address, like wrong tokens
     */
    public ConsoleWeb(Sessions sessions, Logins logins, Accounts accounts, ExecutorService blocking,
                      boolean secureCookie, OidcLogins sso, AuthFailures failures) {
        this.sso = sso;
        this.failures = failures;
        this.sessions = sessions;
        this.logins = logins;
        this.accounts = accounts;
        this.blocking = blocking;
        this.secureCookie = secureCookie;
        this.assets = Map.of("index.html", load("index.html"), "console.js", load("console.js"),
                "console.css", load("console.css"));
    }

    public void mount(Router router, Handler<RoutingContext> bodyHandler) {
        // Vert.x lets "/console" also match "/console/" (not the other way round): serve the page first, so that
        // only the bare path is redirected and the page's relative URLs resolve under /console/.
        router.get("/console/").handler(ctx -> asset(ctx, "index.html"));
        router.get("/console").handler(ctx -> secured(ctx).setStatusCode(302).putHeader("Location", "/console/").end());
        router.post("/console/login").handler(bodyHandler).handler(this::login);
        router.post("/console/logout").handler(this::logout);
        router.get("/console/session").handler(this::session);
        router.get("/console/login/oidc").handler(this::ssoStart);
        router.get("/console/login/oidc/callback").handler(this::ssoCallback);
        router.get("/console/:asset").handler(ctx -> asset(ctx, ctx.pathParam("asset")));
    }

    /** The headers every console response carries. */
    public static HttpServerResponse secured(RoutingContext ctx) {
        return ctx.response().putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-store");
    }

    private void asset(RoutingContext ctx, String name) {
        Buffer body = assets.get(name);
        if (body == null) {
            json(ctx, 404, Map.of("error", "not found"));
            return;
        }
        secured(ctx).putHeader("Content-Type", ASSETS.get(name)).end(body);
    }

    /**
     * {@code {"email","password"}} for an account, or {@code {"token"}} for the admin token while no account exists.
     * Runs off the event loop: a bcrypt check takes a while on purpose.
     */
    private void login(RoutingContext ctx) {
        if (!sameOrigin(ctx)) {
            json(ctx, 403, Map.of("error", "cross-origin login refused"));
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            json(ctx, 400, Map.of("error", "body must be JSON {\"email\":\"...\",\"password\":\"...\"}"));
            return;
        }
        String client = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        JsonNode b = body;
        blocking.execute(() -> {
            try {
                Sessions.Opened opened = b.hasNonNull("token") && !b.hasNonNull("email")
                        ? logins.adminToken(b.path("token").asText(null), client)
                        : logins.password(b.path("email").asText(""), b.path("password").asText(null), client);
                secured(ctx).putHeader("Set-Cookie", sessionCookie(opened).encode());
                json(ctx, 200, sessionJson(opened.session()));
            } catch (AccessException e) {
                if (e.retryAfter() != null) {
                    ctx.response().putHeader("Retry-After", RetryAfter.seconds(e.retryAfter()));
                }
                json(ctx, e.status(), Map.of("error", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.error("console login failed", e);
                json(ctx, 500, Map.of("error", "internal error"));
            }
        });
    }

    private Cookie sessionCookie(Sessions.Opened opened) {
        return Cookie.cookie(Sessions.COOKIE, opened.id()).setPath("/").setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(secureCookie)
                .setMaxAge(sessions.absoluteTimeout().toSeconds());
    }

    /**
     * The console's "Sign in with ..." link: to the provider, with this sign-in bound to the browser by a cookie.
     * That cookie is SameSite=Lax, not Strict: it must come back on the provider's cross-site redirect to the
     * callback (a top-level GET), which a Strict cookie would not.
     */
    private void ssoStart(RoutingContext ctx) {
        if (sso == null) {
            json(ctx, 404, Map.of("error", "single sign-on is not configured"));
            return;
        }
        blocking.execute(() -> {
            try {
                OidcLogins.Start start = sso.begin();
                Cookie browser = Cookie.cookie(OidcLogins.BROWSER_COOKIE, start.browser())
                        .setPath(OidcLogins.COOKIE_PATH).setHttpOnly(true).setSameSite(CookieSameSite.LAX)
                        .setSecure(secureCookie).setMaxAge(600);
                secured(ctx).putHeader("Set-Cookie", browser.encode()).setStatusCode(302)
                        .putHeader("Location", start.authorizeUrl().toString()).end();
            } catch (SsoRefusal e) {
                redirectRefused(ctx, e.code());
            } catch (OidcProvider.Unavailable e) {
                LOG.warn("Single sign-on cannot start: {}", e.getMessage());
                redirectRefused(ctx, "provider_unavailable");
            } catch (RuntimeException e) {
                LOG.error("single sign-on failed to start", e);
                redirectRefused(ctx, "internal");
            }
        });
    }

    /** The provider's redirect back: a session and the console, or the console with the reason it was refused. */
    private void ssoCallback(RoutingContext ctx) {
        if (sso == null) {
            json(ctx, 404, Map.of("error", "single sign-on is not configured"));
            return;
        }
        String client = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : java.util.List.of("code", "state", "iss", "error")) {
            String v = ctx.request().getParam(name);
            if (v != null) {
                query.put(name, v);
            }
        }
        Cookie browser = ctx.request().getCookie(OidcLogins.BROWSER_COOKIE);
        String browserValue = browser == null ? null : browser.getValue();
        blocking.execute(() -> {
            Cookie gone = Cookie.cookie(OidcLogins.BROWSER_COOKIE, "").setPath(OidcLogins.COOKIE_PATH)
                    .setHttpOnly(true).setSameSite(CookieSameSite.LAX).setSecure(secureCookie).setMaxAge(0);
            secured(ctx).putHeader("Set-Cookie", gone.encode());
            try {
                Sessions.Opened opened = sso.complete(query, browserValue);
                ctx.response().headers().add("Set-Cookie", sessionCookie(opened).encode());
                ctx.response().setStatusCode(302).putHeader("Location", "/console/").end();
            } catch (SsoRefusal e) {
                var wait = e.countsAsFailure() && failures != null ? failures.failed(client)
                        : java.util.Optional.<java.time.Duration>empty();
                if (wait.isPresent()) {
                    ctx.response().putHeader("Retry-After", RetryAfter.seconds(wait.get()));
                    redirectRefused(ctx, "too_many");
                } else {
                    redirectRefused(ctx, e.code());
                }
            } catch (OidcProvider.Unavailable e) {
                LOG.warn("Single sign-on cannot complete: {}", e.getMessage());
                redirectRefused(ctx, "provider_unavailable");
            } catch (RuntimeException e) {
                LOG.error("single sign-on failed", e);
                redirectRefused(ctx, "internal");
            }
        });
    }

    private static void redirectRefused(RoutingContext ctx, String code) {
        secured(ctx).setStatusCode(302).putHeader("Location", "/console/?sso_error=" + code).end();
    }

    /**
     * Checked like every other console POST: a forged logout is a nuisance, but an unchecked one would also be the
     * one console call a foreign page could make with the operator's cookie.
     */
    private void logout(RoutingContext ctx) {
        if (!sameOrigin(ctx)) {
            json(ctx, 403, Map.of("error", "cross-origin logout refused"));
            return;
        }
        var session = sessions.find(cookie(ctx));
        if (session.isPresent()
                && !Sessions.csrfMatches(session.get(), ctx.request().getHeader(Sessions.CSRF_HEADER))) {
            json(ctx, 403, Map.of("error", "missing or wrong " + Sessions.CSRF_HEADER));
            return;
        }
        blocking.execute(() -> {
            try {
                session.ifPresent(logins::logout);
                Cookie gone = Cookie.cookie(Sessions.COOKIE, "").setPath("/").setHttpOnly(true)
                        .setSameSite(CookieSameSite.STRICT).setSecure(secureCookie).setMaxAge(0);
                secured(ctx).putHeader("Set-Cookie", gone.encode());
                json(ctx, 200, Map.of("status", "logged out"));
            } catch (RuntimeException e) {
                LOG.error("console logout failed", e);
                json(ctx, 500, Map.of("error", "internal error"));
            }
        });
    }

    /**
     * Lets a reloaded page pick up its session (CSRF token, who is logged in) without logging in again; when there
     * is none, says whether the admin token may still log in (no account exists yet).
     */
    private void session(RoutingContext ctx) {
        var session = sessions.find(cookie(ctx));
        if (session.isPresent() && logins.principal(session.get()).isPresent()) {
            json(ctx, 200, sessionJson(session.get()));
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "not logged in");
            body.put("tokenLogin", accounts.none());
            if (sso != null) {
                body.put("sso", Map.of("label", sso.label()));
            }
            json(ctx, 401, body);
        }
    }

    private Map<String, Object> sessionJson(Sessions.Session s) {
        Principal p = logins.principal(s).orElse(Principal.ADMIN_TOKEN);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("csrf", s.csrf());
        body.put("expiresAt", s.expiresAt().toString());
        body.put("principal", Map.of("id", p.id(), "name", p.name(), "role", p.role().name().toLowerCase(Locale.ROOT),
                "kind", p.kind().name().toLowerCase(Locale.ROOT)));
        return body;
    }

    public static String cookie(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(Sessions.COOKIE);
        return c == null || c.getValue().isEmpty() ? null : c.getValue();
    }

    /** A browser sends Origin on POST; when it does, it must be this host. */
    public static boolean sameOrigin(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        String host = ctx.request().getHeader("Host");
        if (origin == null) {
            return true;
        }
        try {
            URI o = URI.create(origin);
            String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return host != null && host.equalsIgnoreCase(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        try {
            secured(ctx).setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            ctx.response().setStatusCode(500).end();
        }
    }

    private static Buffer load(String name) {
        try (InputStream in = ConsoleWeb.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console resource /console/" + name + " is missing from the hub jar");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
