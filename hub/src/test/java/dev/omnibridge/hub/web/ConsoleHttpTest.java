package dev.omnibridge.hub.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.testing.LocalHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The console's HTTP surface on a real hub whose only instance is the built-in console inbox. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleHttpTest {
    private static final String TOKEN = "console-test-admin-token";
    private final LocalHub local = new LocalHub(TOKEN);
    @TempDir
    static Path dir;
    private Hub hub;

    @BeforeAll
    void startHub() throws Exception {
        hub = local.start(dir, LocalHub.QUICK_DELIVERY, List.of(instance("inbox", "console-inbox")), List.of());
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void consolePageIsServedWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = send(get("/console/"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.body()).contains("<script src=\"/console/console.js\"").doesNotContain("<script>");
        assertThat(send(get("/console")).headers().firstValue("Location")).contains("/console/");
        assertThat(send(get("/console/console.js")).statusCode()).isEqualTo(200);
        assertThat(send(get("/console/secrets.txt")).statusCode()).isEqualTo(404);
    }

    @Test
    void wrongTokenGetsNoSessionCookie() throws Exception {
        HttpResponse<String> r = send(post("/console/login", "{\"token\":\"wrong\"}"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(r.body()).doesNotContain(TOKEN);
    }

    @Test
    void loginFromAnotherOriginIsRefused() throws Exception {
        HttpResponse<String> r = send(post("/console/login", "{\"token\":\"" + TOKEN + "\"}")
                .header("Origin", "https://evil.example"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void sessionCookieReadsTheAdminApiButChangesNeedTheCsrfToken() throws Exception {
        Login login = login();
        assertThat(login.setCookie()).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/");

        HttpResponse<String> instances = send(get("/api/instances").header("Cookie", login.cookie()));
        assertThat(instances.statusCode()).isEqualTo(200);
        assertThat(json(instances).at("/instances/inbox/type").asText()).isEqualTo("console-inbox");

        HttpResponse<String> forged = send(post("/api/instances/inbox/stop", "").header("Cookie", login.cookie()));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(state()).as("a call without the CSRF token changed nothing").isEqualTo("RUNNING");

        HttpResponse<String> stopped = send(post("/api/instances/inbox/stop", "").header("Cookie", login.cookie())
                .header("X-CSRF-Token", login.csrf()));
        assertThat(stopped.statusCode()).isEqualTo(200);
        assertThat(json(stopped).path("state").asText()).isEqualTo("STOPPED");
        assertThat(state()).isEqualTo("STOPPED");

        HttpResponse<String> started = send(post("/api/instances/inbox/start", "").header("Cookie", login.cookie())
                .header("X-CSRF-Token", login.csrf()));
        assertThat(json(started).path("state").asText()).isEqualTo("RUNNING");
        assertThat(state()).isEqualTo("RUNNING");
    }

    @Test
    void loggedOutSessionIsNoLongerAccepted() throws Exception {
        Login login = login();
        assertThat(send(get("/console/session").header("Cookie", login.cookie())).statusCode()).isEqualTo(200);

        HttpResponse<String> out = send(post("/console/logout", "").header("Cookie", login.cookie())
                .header("X-CSRF-Token", login.csrf()));

        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(v -> assertThat(v).contains("Max-Age=0"));
        assertThat(send(get("/console/session").header("Cookie", login.cookie())).statusCode()).isEqualTo(401);
        assertThat(send(get("/api/instances").header("Cookie", login.cookie())).statusCode()).isEqualTo(401);
    }

    @Test
    void logoutWithoutTheCsrfTokenIsRefusedAndTheSessionLives() throws Exception {
        Login login = login();

        HttpResponse<String> forged = send(post("/console/logout", "").header("Cookie", login.cookie()));
        HttpResponse<String> wrong = send(post("/console/logout", "").header("Cookie", login.cookie())
                .header("X-CSRF-Token", "not-the-token"));

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(send(get("/console/session").header("Cookie", login.cookie())).statusCode()).isEqualTo(200);
    }

    @Test
    void logoutFromAnotherOriginIsRefusedEvenWithTheCsrfToken() throws Exception {
        Login login = login();

        HttpResponse<String> r = send(post("/console/logout", "").header("Cookie", login.cookie())
                .header("X-CSRF-Token", login.csrf()).header("Origin", "https://evil.example"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(send(get("/console/session").header("Cookie", login.cookie())).statusCode()).isEqualTo(200);
    }

    @Test
    void aCookieCallFromAnotherOriginChangesNothingEvenWithTheCsrfToken() throws Exception {
        Login login = login();

        HttpResponse<String> r = send(post("/api/instances/inbox/stop", "").header("Cookie", login.cookie())
                .header("X-CSRF-Token", login.csrf()).header("Origin", "https://evil.example"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(state()).isEqualTo("RUNNING");
    }

    @Test
    void instanceControlAnswersNotFoundForAnUnknownInstance() throws Exception {
        assertThat(send(bearer(post("/api/instances/nope/stop", ""))).statusCode()).isEqualTo(404);
        assertThat(send(bearer(post("/api/instances/nope/start", ""))).statusCode()).isEqualTo(404);
    }

    @Test
    void replyToAnUnknownConversationIsNotFoundAndAnEmptyReplyIsRefused() throws Exception {
        HttpResponse<String> unknown = send(bearer(post("/api/conversations/nope/replies", "{\"text\":\"Hi\"}")));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("error").asText()).contains("nope");

        assertThat(send(bearer(post("/api/conversations/nope/replies", "{\"text\":\"  \"}"))).statusCode())
                .isEqualTo(400);
        assertThat(send(bearer(post("/api/conversations/nope/replies", "[1]"))).statusCode()).isEqualTo(400);
        assertThat(send(bearer(post("/api/conversations/nope/resolve", ""))).statusCode()).isEqualTo(404);
    }

    @Test
    void statsCoverTheAskedHoursInHourlyBuckets() throws Exception {
        HttpResponse<String> r = send(bearer(get("/api/stats?hours=6")));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode stats = json(r);
        assertThat(stats.path("buckets").asInt()).isEqualTo(6);
        assertThat(stats.path("bucketSeconds").asInt()).isEqualTo(3600);
        assertThat(stats.path("deliveryFailures")).hasSize(6);
        assertThat(stats.at("/firstResponse/histogram")).hasSize(7);
        assertThat(send(get("/api/stats").header("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
    }

    @Test
    void conversationSearchAnswersAnEmptyListWhenNothingMatches() throws Exception {
        HttpResponse<String> r = send(bearer(get("/api/conversations?q=%25_nobody")));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("conversations")).isEmpty();
    }

    @Test
    void clearingTheCustomerMarkOfAnUnknownConversationIs404AndNeedsTheToken() throws Exception {
        HttpResponse<String> r = send(bearer(post("/api/conversations/no-such-id/customer-reachable", "{}")));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).path("error").asText()).contains("no-such-id");
        assertThat(send(post("/api/conversations/no-such-id/customer-reachable", "{}")).statusCode()).isEqualTo(401);
    }

    private record Login(String cookie, String setCookie, String csrf) {
    }

    private Login login() throws Exception {
        HttpResponse<String> r = send(post("/console/login", "{\"token\":\"" + TOKEN + "\"}"));
        assertThat(r.statusCode()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new Login(setCookie.substring(0, setCookie.indexOf(';')), setCookie, json(r).path("csrf").asText());
    }

    private String state() throws Exception {
        return json(send(bearer(get("/api/instances"))))
                .at("/instances/inbox/state").asText();
    }

    private HttpRequest.Builder get(String path) {
        return local.get(path);
    }

    private HttpRequest.Builder post(String path, String body) {
        return local.postJson(path, body);
    }

    private HttpRequest.Builder bearer(HttpRequest.Builder b) {
        return local.withToken(b);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        return local.send(b);
    }
}
