package dev.omnibridge.hub.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.testing.LocalHub;
import dev.omnibridge.hub.testing.Poll;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static dev.omnibridge.hub.testing.LocalHub.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Console logins of accounts on a real hub with a clock the test moves: lockout after five wrong passwords, sessions
 * stored so that they survive a restart, logout and "log out everywhere", idle and absolute timeouts, and the cookie's
 * attributes (the hub's public URL is https here, so the cookie is Secure).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountSessionsTest {
    private static final String TOKEN = "account-sessions-admin-token";
    private static final String PASSWORD = "a long enough password";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T09:00:00Z"));
    private final LocalHub local = new LocalHub(TOKEN);
    private final ConsoleLogins console = new ConsoleLogins(local);
    @TempDir
    static Path dir;
    private Hub hub;

    @BeforeAll
    void start() throws Exception {
        hub = Hub.start(config(), List.of(), clock);
        console.createAccount("admin@example.com", "Ada Admin", "admin", PASSWORD);
    }

    @AfterAll
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void fiveWrongPasswordsLockTheAccountForFifteenMinutesEvenAgainstTheRightOne() {
        String id = console.createAccount("lena@example.com", "Lena Locked", "agent", PASSWORD);
        for (int i = 1; i <= 4; i++) {
            HttpResponse<String> r = console.attempt("lena@example.com", "wrong password " + i);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(json(r).path("error").asText()).isEqualTo("wrong email or password");
        }
        Instant lockedAt = clock.instant();
        HttpResponse<String> fifth = console.attempt("lena@example.com", "wrong password 5");
        assertThat(fifth.statusCode()).isEqualTo(423);
        assertThat(fifth.headers().firstValue("Retry-After")).contains("900");

        HttpResponse<String> right = console.attempt("lena@example.com", PASSWORD);
        assertThat(right.statusCode()).as("locked, even with the right password").isEqualTo(423);
        assertThat(right.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(json(right).path("error").asText()).contains("locked").doesNotContain(PASSWORD);
        assertThat(console.admin("/api/accounts/" + id).path("lockedUntil").asText())
                .isEqualTo(lockedAt.plus(Duration.ofMinutes(15)).toString());

        clock.advance(Duration.ofMinutes(14));
        assertThat(console.attempt("lena@example.com", PASSWORD).statusCode()).isEqualTo(423);
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        console.login("lena@example.com", PASSWORD);
        assertThat(console.admin("/api/accounts/" + id).hasNonNull("lockedUntil")).isFalse();

        List<String> trail = trail(id, "login.failed", "login.failed", "login.failed", "login.failed",
                "login.failed", "login.locked", "login.locked", "login.locked", "login");
        assertThat(trail).filteredOn("login.failed"::equals).hasSize(5);
    }

    @Test
    void aSessionSurvivesARestartOfTheHub() throws Exception {
        console.createAccount("rosa@example.com", "Rosa Restart", "viewer", PASSWORD);
        ConsoleLogins.Session s = console.login("rosa@example.com", PASSWORD);
        assertThat(s.setCookie()).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict")
                .containsIgnoringCase("Secure").contains("Path=/").contains("Max-Age=43200");

        hub.close();
        hub = null;
        hub = Hub.start(config(), List.of(), clock);

        HttpResponse<String> me = console.get(s, "/api/me");
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(json(me).path("name").asText()).isEqualTo("Rosa Restart");
        assertThat(json(console.get(s, "/console/session")).path("csrf").asText()).isEqualTo(s.csrf());
    }

    @Test
    void logoutEndsTheSessionAndLogOutEverywhereEndsTheOthers() {
        String id = console.createAccount("otto@example.com", "Otto Out", "agent", PASSWORD);
        ConsoleLogins.Session laptop = console.login("otto@example.com", PASSWORD);
        ConsoleLogins.Session phone = console.login("otto@example.com", PASSWORD);
        ConsoleLogins.Session tablet = console.login("otto@example.com", PASSWORD);

        HttpResponse<String> out = console.post(laptop, "/console/logout", "");
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(console.get(laptop, "/api/me").statusCode()).isEqualTo(401);
        assertThat(console.get(phone, "/api/me").statusCode()).isEqualTo(200);

        HttpResponse<String> everywhere = console.post(phone, "/api/me/sessions/end", "");
        assertThat(everywhere.statusCode()).as(everywhere.body()).isEqualTo(200);
        assertThat(json(everywhere).path("ended").asInt()).isEqualTo(2);
        assertThat(console.get(phone, "/api/me").statusCode()).isEqualTo(401);
        assertThat(console.get(tablet, "/api/me").statusCode()).isEqualTo(401);

        ConsoleLogins.Session again = console.login("otto@example.com", PASSWORD);
        HttpResponse<String> byAdmin = local.send(local.withToken(local.get("/api/accounts/" + id + "/sessions")
                .DELETE()));
        assertThat(json(byAdmin).path("ended").asInt()).isEqualTo(1);
        assertThat(console.get(again, "/api/me").statusCode()).isEqualTo(401);
        trail(id, "logout", "session.end-all");
    }

    @Test
    void aSessionEndsWhenIdleTooLongAndTwelveHoursAfterLoginHoweverBusy() {
        console.createAccount("tim@example.com", "Tim Timeout", "viewer", PASSWORD);
        ConsoleLogins.Session idle = console.login("tim@example.com", PASSWORD);
        clock.advance(Duration.ofMinutes(29));
        assertThat(console.get(idle, "/api/me").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(29));
        assertThat(console.get(idle, "/api/me").statusCode()).as("used 29 minutes ago").isEqualTo(200);
        clock.advance(Duration.ofMinutes(31));
        assertThat(console.get(idle, "/api/me").statusCode()).as("idle for 31 minutes").isEqualTo(401);

        ConsoleLogins.Session busy = console.login("tim@example.com", PASSWORD);
        for (int i = 0; i < 28; i++) {
            clock.advance(Duration.ofMinutes(25));
            assertThat(console.get(busy, "/api/me").statusCode()).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(25));
        assertThat(console.get(busy, "/api/me").statusCode()).as("12 h 5 min after the login").isEqualTo(401);
    }

    @Test
    void aDisabledAccountIsLoggedOutAndCannotLogIn() {
        String id = console.createAccount("dora@example.com", "Dora Disabled", "agent", PASSWORD);
        ConsoleLogins.Session s = console.login("dora@example.com", PASSWORD);

        HttpResponse<String> disable = local.send(local.withToken(local.get("/api/accounts/" + id)
                .header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"disabled\":true}"))));
        assertThat(disable.statusCode()).as(disable.body()).isEqualTo(200);

        assertThat(console.get(s, "/api/me").statusCode()).isEqualTo(401);
        assertThat(console.attempt("dora@example.com", PASSWORD).statusCode()).isEqualTo(401);
        assertThat(console.attempt("nobody@example.com", PASSWORD).statusCode()).isEqualTo(401);
    }

    /** Waits until the account's audit entries (oldest first) include these actions; returns them. */
    private List<String> trail(String id, String... actions) {
        List<String> found = new ArrayList<>();
        Poll.until("the audit trail of " + id + " has " + List.of(actions), () -> {
            found.clear();
            for (JsonNode e : console.admin("/api/audit?limit=1000&subject=" + id).path("entries")) {
                found.add(0, e.path("action").asText());
            }
            List<String> left = new ArrayList<>(List.of(actions));
            found.forEach(left::remove);
            return left.isEmpty();
        }, () -> found);
        return found;
    }

    /** The test hub's configuration with an https public URL (as behind a TLS proxy): cookies are Secure. */
    private HubConfig config() {
        HubConfig c = local.config(dir, LocalHub.QUICK_DELIVERY, List.of(instance("inbox", "console-inbox")),
                List.of());
        return new HubConfig(c.http(), URI.create("https://hub.example.com"), c.dataDir(), c.pluginsDir(),
                c.adminToken(), c.store(), c.delivery(), c.instances(), c.routes(), c.calendars(),
                c.acknowledgements(), c.firstResponse(), c.triage(), c.identity(), c.privacy(), c.knowledge(),
                c.selfService(), c.surveys(), c.access());
    }
}
