package dev.omnibridge.hub.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TargetBreakerTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private final TargetBreaker breaker = new TargetBreaker(Duration.ofSeconds(1));

    @Test
    void oneConversationFailingAgainAndAgainDoesNotOpenIt() {
        for (int i = 0; i < 20; i++) {
            assertThat(breaker.failed("c1", "HTTP 503", null, T0.plusSeconds(i))).isFalse();
        }
        assertThat(breaker.isOpen()).isFalse();
        assertThat(breaker.paused()).isEmpty();
    }

    @Test
    void threeConversationsFailingInARowOpenItWithTheFirstProbeAfterTheInterval() {
        assertThat(breaker.failed("c1", "HTTP 503", null, T0)).isFalse();
        assertThat(breaker.failed("c2", "HTTP 503", null, T0)).isFalse();
        assertThat(breaker.failed("c3", "HTTP 502: bad gateway", null, T0)).isTrue();

        assertThat(breaker.paused()).hasValue(new DeliveryPause(T0, T0.plusSeconds(1), "HTTP 502: bad gateway"));
        assertThat(breaker.failed("c4", "HTTP 503", null, T0)).as("opens once").isFalse();
    }

    @Test
    void anAnswerInBetweenStartsTheCountAgain() {
        breaker.failed("c1", "HTTP 503", null, T0);
        breaker.failed("c2", "HTTP 503", null, T0);
        assertThat(breaker.answered()).as("it was not open").isFalse();
        breaker.failed("c3", "HTTP 503", null, T0);
        breaker.failed("c4", "HTTP 503", null, T0);

        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void probesGoOneAtATimeEveryIntervalAndNeverBeforeARetryAfter() {
        breaker.failed("c1", "HTTP 429", Duration.ofSeconds(30), T0);
        breaker.failed("c2", "HTTP 503", null, T0);
        breaker.failed("c3", "HTTP 503", null, T0);
        long epoch = breaker.epoch();

        assertThat(breaker.nextProbeAt()).as("the 429's Retry-After").isEqualTo(T0.plusSeconds(30));
        assertThat(breaker.startProbe(T0.plusSeconds(1), epoch)).isFalse();
        assertThat(breaker.waitingFor(epoch)).isEqualTo(T0.plusSeconds(30));
        assertThat(breaker.startProbe(T0.plusSeconds(30), epoch)).isTrue();
        assertThat(breaker.startProbe(T0.plusSeconds(30), epoch)).as("one probe at a time").isFalse();

        breaker.failed("c1", "HTTP 503", null, T0.plusSeconds(31));
        assertThat(breaker.probeFailed(T0.plusSeconds(31))).isEqualTo(T0.plusSeconds(32));
        assertThat(breaker.probeFailed(T0.plusSeconds(31))).as("no probe out").isNull();
    }

    @Test
    void theFirstAnswerClosesItAndAnOldProbeTimerDoesNothingAfterAReopening() {
        breaker.failed("c1", "HTTP 503", null, T0);
        breaker.failed("c2", "HTTP 503", null, T0);
        breaker.failed("c3", "HTTP 503", null, T0);
        long first = breaker.epoch();

        assertThat(breaker.answered()).isTrue();
        assertThat(breaker.paused()).isEmpty();
        breaker.failed("c1", "HTTP 503", null, T0.plusSeconds(5));
        breaker.failed("c2", "HTTP 503", null, T0.plusSeconds(5));
        breaker.failed("c3", "HTTP 503", null, T0.plusSeconds(5));

        assertThat(breaker.startProbe(T0.plusSeconds(10), first)).isFalse();
        assertThat(breaker.waitingFor(first)).isNull();
        assertThat(breaker.startProbe(T0.plusSeconds(10), breaker.epoch())).isTrue();
    }
}
