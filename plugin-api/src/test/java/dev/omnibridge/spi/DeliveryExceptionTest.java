package dev.omnibridge.spi;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryExceptionTest {

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 409, 410, 413, 422})
    void clientErrorsArePermanent(int status) {
        DeliveryException e = DeliveryException.forHttpStatus(status, "30", "rejected");

        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.retryAfter()).as("Retry-After is ignored on a permanent failure").isEmpty();
        assertThat(e.getMessage()).isEqualTo("HTTP " + status + ": rejected");
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 425, 429, 500, 502, 503, 504})
    void timeoutsThrottlingAndServerErrorsAreRetryable(int status) {
        DeliveryException e = DeliveryException.forHttpStatus(status, null, null);

        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.RETRYABLE);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("HTTP " + status);
    }

    @Test
    void retryAfterInSecondsIsHonoured() {
        assertThat(DeliveryException.forHttpStatus(429, "120", "slow down").retryAfter()).contains(Duration.ofSeconds(120));
        assertThat(DeliveryException.forHttpStatus(503, " 0 ", "").retryAfter()).contains(Duration.ZERO);
        assertThat(DeliveryException.parseRetryAfter("-5")).contains(Duration.ZERO);
    }

    @Test
    void retryAfterAsHttpDateIsHonoured() {
        String inNinetySeconds = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(90)
                .format(DateTimeFormatter.RFC_1123_DATE_TIME);

        Duration retryAfter = DeliveryException.forHttpStatus(503, inNinetySeconds, "maintenance").retryAfter().orElseThrow();

        // The header has whole seconds, and a little time passes before it is read.
        assertThat(retryAfter).isBetween(Duration.ofSeconds(85), Duration.ofSeconds(90));
    }

    @Test
    void retryAfterAsRfcExampleDateIsParsed() {
        // The example from RFC 9110 section 10.2.3: long past, so retry at once.
        assertThat(DeliveryException.parseRetryAfter("Fri, 31 Dec 1999 23:59:59 GMT")).contains(Duration.ZERO);
    }

    @Test
    void unreadableRetryAfterIsIgnored() {
        assertThat(DeliveryException.parseRetryAfter("soon")).isEmpty();
        assertThat(DeliveryException.parseRetryAfter("")).isEmpty();
        assertThat(DeliveryException.parseRetryAfter(null)).isEmpty();
        assertThat(DeliveryException.forHttpStatus(429, "later", null).retryAfter()).isEmpty();
    }

    @Test
    void factoriesClassify() {
        RuntimeException cause = new RuntimeException("connection reset");
        assertThat(DeliveryException.retryable("network", cause).isRetryable()).isTrue();
        assertThat(DeliveryException.retryable("network", cause).getCause()).isSameAs(cause);
        assertThat(DeliveryException.retryAfter("throttled", Duration.ofMinutes(1)).retryAfter())
                .contains(Duration.ofMinutes(1));
        assertThat(DeliveryException.permanent("no such ticket").kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
    }
}
