package dev.omnibridge.hub.console;

import dev.omnibridge.hub.security.AuthFailures;
import dev.omnibridge.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleSessionsTest {
    private static final String TOKEN = "the-admin-token";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final ConsoleSessions sessions = new ConsoleSessions(TOKEN, clock, new AuthFailures(clock));

    @Test
    void wrongTokenIsRefusedAndCreatesNoSession() {
        assertThatThrownBy(() -> sessions.login("guess", "10.0.0.1"))
                .isInstanceOf(ConsoleSessions.LoginRefused.class)
                .satisfies(e -> assertThat(((ConsoleSessions.LoginRefused) e).refusal())
                        .isEqualTo(ConsoleSessions.Refusal.WRONG_TOKEN))
                .hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> sessions.login(null, "10.0.0.1")).isInstanceOf(ConsoleSessions.LoginRefused.class);
    }

    @Test
    void rightTokenGivesASessionWithItsOwnUnguessableCsrfToken() throws Exception {
        ConsoleSessions.Session a = sessions.login(TOKEN, "10.0.0.1");
        ConsoleSessions.Session b = sessions.login(TOKEN, "10.0.0.1");

        assertThat(a.id()).isNotEqualTo(b.id()).hasSizeGreaterThanOrEqualTo(43).doesNotContain(TOKEN);
        assertThat(a.csrf()).isNotEqualTo(a.id()).isNotEqualTo(b.csrf());
        assertThat(sessions.find(a.id())).contains(a);
        assertThat(ConsoleSessions.csrfMatches(a, a.csrf())).isTrue();
        assertThat(ConsoleSessions.csrfMatches(a, b.csrf())).isFalse();
        assertThat(ConsoleSessions.csrfMatches(a, null)).isFalse();
    }

    @Test
    void sessionEndsAfterItsLifetimeAndOnLogout() throws Exception {
        ConsoleSessions.Session s = sessions.login(TOKEN, "10.0.0.1");
        ConsoleSessions.Session other = sessions.login(TOKEN, "10.0.0.1");
        sessions.logout(other.id());
        assertThat(sessions.find(other.id())).isEmpty();

        clock.advance(ConsoleSessions.LIFETIME.minusMinutes(1));
        assertThat(sessions.find(s.id())).isPresent();
        clock.advance(Duration.ofMinutes(2));
        assertThat(sessions.find(s.id())).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }

    @Test
    void tooManyWrongTokensFromOneAddressAreRefusedForAWhileButTheRightOneStillLogsIn() throws Exception {
        for (int i = 0; i < AuthFailures.MAX_FAILURES; i++) {
            assertThatThrownBy(() -> sessions.login("guess", "10.0.0.9"))
                    .satisfies(e -> assertThat(((ConsoleSessions.LoginRefused) e).refusal())
                            .isEqualTo(ConsoleSessions.Refusal.WRONG_TOKEN));
        }
        assertThatThrownBy(() -> sessions.login("guess", "10.0.0.9"))
                .satisfies(e -> {
                    ConsoleSessions.LoginRefused refused = (ConsoleSessions.LoginRefused) e;
                    assertThat(refused.refusal()).isEqualTo(ConsoleSessions.Refusal.TOO_MANY_ATTEMPTS);
                    assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(AuthFailures.WINDOW);
                });
        assertThat(sessions.login(TOKEN, "10.0.0.9")).as("the right token from the same address").isNotNull();
        assertThatThrownBy(() -> sessions.login("guess", "10.0.0.10")).as("another address has its own budget")
                .satisfies(e -> assertThat(((ConsoleSessions.LoginRefused) e).refusal())
                        .isEqualTo(ConsoleSessions.Refusal.WRONG_TOKEN));

        clock.advance(AuthFailures.WINDOW.plusSeconds(1));
        assertThatThrownBy(() -> sessions.login("guess", "10.0.0.9")).as("the window has passed")
                .satisfies(e -> assertThat(((ConsoleSessions.LoginRefused) e).refusal())
                        .isEqualTo(ConsoleSessions.Refusal.WRONG_TOKEN));
    }
}
