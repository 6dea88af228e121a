package dev.omnibridge.hub.delivery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureReasonsTest {
    private static final String TEXT = "My card was charged twice,\ncall me on +4915112345678 \"today\"";

    @Test
    void theMessagesTextEchoedByATargetIsCutOutAsSentAndAsJsonEscapesIt() {
        assertThat(FailureReasons.scrub("HTTP 500: storing failed: " + TEXT, TEXT))
                .isEqualTo("HTTP 500: storing failed: [the message's text]");
        assertThat(FailureReasons.scrub("HTTP 400: {\"text\":\"My card was charged twice,\\ncall me on +4915112345678 "
                + "\\\"today\\\"\"}", TEXT)).isEqualTo("HTTP 400: {\"text\":\"[the message's text]\"}");
        assertThat(FailureReasons.scrub("HTTP 400: rejected 'My card was charged twice,'", TEXT))
                .as("a line of it").isEqualTo("HTTP 400: rejected '[the message's text]'");
    }

    @Test
    void addressesAreMaskedButDatesAndStatusesStayReadable() {
        assertThat(FailureReasons.scrub("HTTP 400: invalid requester ann@example.com, +4915112345678 and wa_id "
                + "4915112345678; last customer message 2026-12-01T10:00:00Z, ticket 4711", null))
                .isEqualTo("HTTP 400: invalid requester a***@example.com, +49********678 and wa_id 491*******678; "
                        + "last customer message 2026-12-01T10:00:00Z, ticket 4711");
    }

    @Test
    void aReasonWithoutCustomerDataIsUnchanged() {
        assertThat(FailureReasons.scrub("HTTP 503: Service Unavailable", "hello there, how are you"))
                .isEqualTo("HTTP 503: Service Unavailable");
        assertThat(FailureReasons.scrub(null, TEXT)).isNull();
    }
}
