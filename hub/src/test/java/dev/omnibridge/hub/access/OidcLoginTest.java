package dev.omnibridge.hub.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.Secret;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Console single sign-on through a real OpenID provider stand-in (discovery, JWKS, authorization endpoint with
 * PKCE, token endpoint): the browser's round trips are made by hand, as a browser would follow the redirects. A
 * group maps to the agent role; tampered, expired and foreign ID tokens and forged or replayed callbacks are
 * refused, each in the audit trail, and none opens a session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcLoginTest {
    private static final String TOKEN = "oidc-login-admin-token";
    private static final String CLIENT_ID = "omnibridge-console";
    private static final String SECRET = "oidc-test-client-secret-1";
    @TempDir
    static Path dir;
    private final MockOAuth2Server idp = new MockOAuth2Server();
    private final LocalHub local = new LocalHub(TOKEN);
    private final ConsoleLogins console = new ConsoleLogins(local);
    /** java.net.http follows no redirects by default: each hop is checked. */
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<UnaryOperator<String>> tamper = new AtomicReference<>();
    private Hub hub;

    @BeforeAll
    void start() throws Exception {
        idp.start();
        String issuer = idp.issuerUrl("default").toString();
        wrapTokenEndpoint();
        HubConfig config = local.config(dir, LocalHub.QUICK_DELIVERY, List.of(instance("inbox", "console-inbox")),
                List.of()).withAccess(AccessConfig.standard().withOidc(new OidcConfig(issuer, CLIENT_ID,
                new Secret(SECRET), List.of("openid", "email", "profile"), "groups",
                Map.of("support-agents", Principal.Role.AGENT, "support-leads", Principal.Role.ADMIN), null,
                "Test SSO", Set.of("RS256"), Duration.ofSeconds(60))));
        // The real clock: the provider stamps its tokens with the time of day.
        hub = Hub.start(config, List.of(), Clock.systemUTC());
        console.createAccount("root@example.com", "Rita Root", "admin", "correct horse battery");
    }

    @AfterAll
    void stop() {
        if (hub != null) {
            hub.close();
        }
        idp.shutdown();
    }

    /** Lets a test alter the token endpoint's answer on its way to the hub (a token changed in transit). */
    private void wrapTokenEndpoint() {
        MockWebServer server = ((MockWebServerWrapper) idp.getConfig().getHttpServer()).getMockWebServer();
        Dispatcher real = server.getDispatcher();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                MockResponse response = real.dispatch(request);
                UnaryOperator<String> t = tamper.get();
                if (t != null && request.getPath() != null && request.getPath().endsWith("/token")
                        && response.getBody() != null) {
                    response.setBody(t.apply(response.getBody().clone().readUtf8()));
                }
                return response;
            }
        });
    }

    /** What the browser holds after a sign-in attempt. */
    record Attempt(HttpResponse<String> callback, String authorizeUrl, String browserCookie, String callbackUrl) {
        String location() {
            return callback.headers().firstValue("Location").orElse("");
        }

        String sessionCookie() {
            return callback.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith(Sessions.COOKIE + "=")).map(c -> c.substring(0, c.indexOf(';')))
                    .findFirst().orElse(null);
        }
    }

    private HttpResponse<String> get(String url, String cookie) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).GET();
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        try {
            return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Clicks "Sign in with ..." and follows the provider back to the hub with the given identity. */
    private Attempt signIn(String subject, Map<String, Object> claims) {
        HttpResponse<String> start = get(local.base() + "/console/login/oidc", null);
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        String authorize = start.headers().firstValue("Location").orElseThrow();
        String setCookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Lax").contains("Path=/console/login/oidc");
        String browser = setCookie.substring(0, setCookie.indexOf(';'));
        HttpResponse<String> atProvider = get(authorize, null);
        assertThat(atProvider.statusCode()).isEqualTo(302);
        String callbackUrl = atProvider.headers().firstValue("Location").orElseThrow();
        assertThat(callbackUrl).startsWith(local.base() + "/console/login/oidc/callback?");
        if (subject != null) {
            idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, "JWT", null, claims, 3600L));
        }
        return new Attempt(get(callbackUrl, browser), authorize, browser, callbackUrl);
    }

    private static Map<String, Object> claims(String email, String name, List<String> groups) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("email", email);
        c.put("name", name);
        c.put("groups", groups);
        return c;
    }

    private static Map<String, String> query(String url) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private void refusedWith(Attempt a, String code) {
        assertThat(a.callback().statusCode()).isEqualTo(302);
        assertThat(a.location()).isEqualTo("/console/?sso_error=" + code);
        assertThat(a.sessionCookie()).as("no session").isNull();
        assertThat(failedLogins()).anySatisfy(detail -> assertThat(detail).startsWith("sso: " + code + ":"));
    }

    private static JsonNode readJson(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The stand-in's next recorded request, or null when it has none left. */
    private RecordedRequest nextRequest() {
        try {
            return idp.takeRequest(200, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private List<String> failedLogins() {
        return console.admin("/api/audit?limit=1000&action=login.failed").path("entries").findValues("detail")
                .stream().map(JsonNode::asText).toList();
    }

    private JsonNode accountByEmail(String email) {
        for (JsonNode a : console.admin("/api/accounts").path("accounts")) {
            if (a.path("email").asText().equals(email)) {
                return a;
            }
        }
        return null;
    }

    @Test
    void aGroupMapsToTheAgentRoleAndTheRoleFollowsTheProvider() throws Exception {
        Attempt a = signIn("alan-sub", claims("alan@example.com", "Alan Agent", List.of("support-agents", "all")));

        assertThat(a.location()).isEqualTo("/console/");
        String session = a.sessionCookie();
        assertThat(session).as("session cookie").isNotNull();
        assertThat(a.callback().headers().allValues("Set-Cookie"))
                .anySatisfy(c -> assertThat(c).startsWith("omnibridge_oidc=;").contains("Max-Age=0"));
        HttpResponse<String> me = local.send(local.get("/api/me").header("Cookie", session));
        assertThat(json(me).path("role").asText()).isEqualTo("agent");
        assertThat(json(me).path("name").asText()).isEqualTo("Alan Agent");
        HttpResponse<String> stop = local.send(local.postJson("/api/instances/inbox/stop", "")
                .header("Cookie", session).header("X-CSRF-Token", json(local.send(local.get("/console/session")
                        .header("Cookie", session))).path("csrf").asText()));
        assertThat(stop.statusCode()).isEqualTo(403);
        assertThat(json(stop).path("needed").asText()).isEqualTo("admin");
        JsonNode account = accountByEmail("alan@example.com");
        assertThat(account.path("hasPassword").asBoolean()).isFalse();
        String id = account.path("id").asText();
        assertThat(console.admin("/api/audit?limit=100&subject=" + id).path("entries"))
                .anySatisfy(e -> assertThat(e.path("action").asText() + " " + e.path("detail").asText())
                        .isEqualTo("login single sign-on"))
                .anySatisfy(e -> assertThat(e.path("action").asText()).isEqualTo("account.create"));

        // PKCE: the hub sent the verifier whose S256 challenge it put in the authorization request (the stand-in
        // accepts a token request without any verifier, so only this shows that the hub sends it).
        String challenge = query(a.authorizeUrl()).get("code_challenge");
        assertThat(query(a.authorizeUrl())).containsEntry("code_challenge_method", "S256")
                .containsEntry("client_id", CLIENT_ID).containsKey("nonce").containsKey("state");
        List<String> verifiers = new java.util.ArrayList<>();
        for (RecordedRequest r = nextRequest(); r != null; r = nextRequest()) {
            if (r.getPath() != null && r.getPath().endsWith("/token")) {
                verifiers.add(query("http://x/?" + r.getBody().readUtf8()).get("code_verifier"));
                assertThat(r.getHeader("Authorization")).startsWith("Basic ");
            }
        }
        assertThat(verifiers).anySatisfy(v -> assertThat(v).hasSize(43).satisfies(verifier -> assertThat(
                Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                        .digest(verifier.getBytes(StandardCharsets.US_ASCII)))).isEqualTo(challenge)));

        Attempt promoted = signIn("alan-sub", claims("alan@example.com", "Alan Agent", List.of("support-leads")));
        assertThat(json(local.send(local.get("/api/me").header("Cookie", promoted.sessionCookie())))
                .path("role").asText()).isEqualTo("admin");
    }

    @Test
    void aTamperedIdTokenIsRefused() {
        // A privilege escalation in transit: the payload says support-leads, the signature was made for agents.
        tamper.set(body -> {
            JsonNode answer = readJson(body);
            String[] parts = answer.path("id_token").asText().split("\\.");
            String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                    .replace("support-agents", "support-leads");
            String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
            return body.replace(answer.path("id_token").asText(), forged);
        });
        try {
            Attempt a = signIn("mallory-sub", claims("mallory@example.com", "Mallory", List.of("support-agents")));
            refusedWith(a, "id_token_signature");
        } finally {
            tamper.set(null);
        }
        assertThat(accountByEmail("mallory@example.com")).as("no account created").isNull();
    }

    @Test
    void anExpiredIdTokenIsRefused() {
        HttpResponse<String> start = get(local.base() + "/console/login/oidc", null);
        String setCookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        String callbackUrl = get(start.headers().firstValue("Location").orElseThrow(), null).headers()
                .firstValue("Location").orElseThrow();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", "late-sub", "JWT", null,
                claims("late@example.com", "Late", List.of("support-agents")), -600L));

        refusedWith(new Attempt(get(callbackUrl, setCookie.substring(0, setCookie.indexOf(';'))), null, null,
                callbackUrl), "id_token_expired");
        assertThat(accountByEmail("late@example.com")).isNull();
    }

    @Test
    void anIdTokenOfAnotherSignInIsRefused() {
        Map<String, Object> c = claims("nancy@example.com", "Nancy", List.of("support-agents"));
        c.put("nonce", "not-the-nonce-the-hub-sent");

        refusedWith(signIn("nancy-sub", c), "id_token_nonce");
    }

    @Test
    void forgedAndReplayedCallbacksAreRefused() {
        HttpResponse<String> made = get(local.base() + "/console/login/oidc/callback?code=abc&state=made-up", null);
        assertThat(made.headers().firstValue("Location")).contains("/console/?sso_error=state_invalid");

        // The right state, but in a browser that did not start the sign-in (login CSRF).
        HttpResponse<String> start = get(local.base() + "/console/login/oidc", null);
        String callbackUrl = get(start.headers().firstValue("Location").orElseThrow(), null).headers()
                .firstValue("Location").orElseThrow();
        refusedWith(new Attempt(get(callbackUrl, null), null, null, callbackUrl), "state_invalid");

        // A successful callback replayed.
        Attempt ok = signIn("rory-sub", claims("rory@example.com", "Rory", List.of("support-agents")));
        assertThat(ok.sessionCookie()).isNotNull();
        refusedWith(new Attempt(get(ok.callbackUrl(), ok.browserCookie()), null, null, null), "state_invalid");
    }

    @Test
    void someoneInNoMappedGroupIsRefused() {
        refusedWith(signIn("mark-sub", claims("mark@example.com", "Mark", List.of("marketing"))), "no_role");
        assertThat(failedLogins()).anySatisfy(d -> assertThat(d).contains("marketing"));
        assertThat(accountByEmail("mark@example.com")).isNull();
    }

    @Test
    void anEmailOfALocalAccountIsNotTakenOver() {
        refusedWith(signIn("rita-elsewhere", claims("root@example.com", "Rita?", List.of("support-leads"))),
                "email_taken");
    }

    @Test
    void aDisabledAccountCannotSignIn() {
        assertThat(signIn("dora-sub", claims("dora@example.com", "Dora", List.of("support-agents")))
                .sessionCookie()).isNotNull();
        String id = accountByEmail("dora@example.com").path("id").asText();
        HttpResponse<String> disable = local.send(local.withToken(local.postJson("/api/accounts/" + id, "")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"disabled\":true}"))));
        assertThat(disable.statusCode()).as(disable.body()).isEqualTo(200);

        Attempt again = signIn("dora-sub", claims("dora@example.com", "Dora", List.of("support-agents")));
        assertThat(again.location()).isEqualTo("/console/?sso_error=account_disabled");
        assertThat(again.sessionCookie()).isNull();
    }

    @Test
    void theConsoleOffersSingleSignOn() {
        HttpResponse<String> session = local.send(local.get("/console/session"));
        assertThat(session.statusCode()).isEqualTo(401);
        assertThat(json(session).path("sso").path("label").asText()).isEqualTo("Test SSO");
    }
}
