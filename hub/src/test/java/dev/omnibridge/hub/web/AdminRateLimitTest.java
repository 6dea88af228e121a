package dev.omnibridge.hub.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.omnibridge.hub.Hub;
import dev.omnibridge.hub.testing.LocalHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static dev.omnibridge.hub.testing.LocalHub.instance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wrong admin tokens on a real hub, through both doors (bearer on /api and the console login): limited per client
 * address with 429 and Retry-After, while the right token from the same address keeps working. Each test has its
 * own hub, so the budget of 127.0.0.1 starts fresh.
 */
class AdminRateLimitTest {
    private static final String TOKEN = "rate-limit-admin-token";
    private static final String GUESS = "guessed-token-0123";
    private final LocalHub local = new LocalHub(TOKEN);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    @TempDir
    Path dir;
    private Hub hub;

    @BeforeEach
    void startHub() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        hub = local.start(dir, LocalHub.QUICK_DELIVERY, List.of(instance("inbox", "console-inbox")), List.of());
    }

    @AfterEach
    void stopHub() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void wrongBearerTokensAreAnswered429WithRetryAfterOnceOverTheBudgetButTheRightTokenStillWorks() throws Exception {
        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            statuses.add(send(api("Bearer " + GUESS + i)).statusCode());
        }
        HttpResponse<String> limited = send(api("Bearer " + GUESS));

        assertThat(statuses.subList(0, 10)).containsOnly(401);
        assertThat(statuses.subList(10, 12)).containsOnly(429);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(
                v -> assertThat(Integer.parseInt(v)).isBetween(1, 300));
        assertThat(limited.body()).doesNotContain(GUESS, TOKEN);
        assertThat(send(api("Bearer " + TOKEN)).statusCode()).as("the right token from the same address")
                .isEqualTo(200);
        assertThat(send(api(null)).statusCode()).as("no token at all is no guess: still 401").isEqualTo(401);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.contains(GUESS) || m.contains(TOKEN));
    }

    @Test
    void consoleLoginAndBearerShareOneBudgetAndTheRightTokenStillLogsIn() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(send(api("Bearer " + GUESS)).statusCode()).isEqualTo(401);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(send(login(GUESS)).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> limited = send(login(GUESS));
        HttpResponse<String> right = send(login(TOKEN));

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(limited.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(right.statusCode()).as("the right token from the same address").isEqualTo(200);
        assertThat(right.headers().firstValue("Set-Cookie")).isPresent();
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.contains(GUESS) || m.contains(TOKEN));
    }

    private HttpRequest.Builder api(String authorization) {
        HttpRequest.Builder b = local.get("/api/instances");
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    private HttpRequest.Builder login(String token) {
        return local.postJson("/console/login", "{\"token\":\"" + token + "\"}");
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        return local.send(b);
    }
}
