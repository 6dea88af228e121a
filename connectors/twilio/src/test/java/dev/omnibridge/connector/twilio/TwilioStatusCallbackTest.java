package dev.omnibridge.connector.twilio;

import dev.omnibridge.model.Address;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.DeliveryStatus.State;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.connector.twilio.TwilioRequests.ACCOUNT_SID;
import static dev.omnibridge.connector.twilio.TwilioRequests.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TwilioStatusCallbackTest {
    private static final String SID = "SM0123456789abcdef0123456789abcdef";
    private static final String PUBLIC = "https://public.example.com/hooks/sms";

    private Fixture fixture;

    @BeforeEach
    void start() {
        Map<String, Object> s = Fixture.baseSettings();
        s.put("webhookUrl", PUBLIC);
        fixture = Fixture.start(s);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    /** A status callback as Twilio documents it for outbound messages. */
    private static List<Map.Entry<String, String>> callback(String status, String errorCode) {
        List<Map.Entry<String, String>> p = new ArrayList<>();
        p.add(Map.entry("SmsSid", SID));
        p.add(Map.entry("SmsStatus", status));
        p.add(Map.entry("MessageStatus", status));
        p.add(Map.entry("To", "+15551230001"));
        p.add(Map.entry("MessageSid", SID));
        p.add(Map.entry("AccountSid", ACCOUNT_SID));
        p.add(Map.entry("From", "+15557650002"));
        p.add(Map.entry("ApiVersion", "2010-04-01"));
        if (errorCode != null) {
            p.add(Map.entry("ErrorCode", errorCode));
        }
        return p;
    }

    private WebhookOutcome deliver(List<Map.Entry<String, String>> params) {
        return fixture.connector.onWebhook(TwilioRequests.signedForm("status", PUBLIC + "/status",
                "http://internal:8080/hooks/sms/status", TOKEN, params));
    }

    @ParameterizedTest
    @CsvSource({"queued,QUEUED", "sending,QUEUED", "accepted,QUEUED", "scheduled,QUEUED", "sent,SENT",
            "delivered,DELIVERED", "read,READ", "undelivered,UNDELIVERED", "failed,FAILED"})
    void mapsMessageStatus(String twilioStatus, State expected) {
        WebhookOutcome outcome = deliver(callback(twilioStatus, null));

        assertThat(outcome.inbound().statuses()).containsExactly(new DeliveryStatus(SID, expected, null, null, null));
        assertThat(outcome.inbound().messages()).isEmpty();
        assertThat(outcome.response().status()).isEqualTo(200);
        assertThat(new String(outcome.response().body(), StandardCharsets.UTF_8)).contains("<Response></Response>");
    }

    @Test
    void carriesTheErrorCodeAndMessage() {
        List<Map.Entry<String, String>> p = callback("undelivered", "30003");
        p.add(Map.entry("ErrorMessage", "Unreachable destination handset"));

        DeliveryStatus s = deliver(p).inbound().statuses().get(0);

        assertThat(s.state()).isEqualTo(State.UNDELIVERED);
        assertThat(s.errorCode()).isEqualTo("30003");
        assertThat(s.errorMessage()).isEqualTo("Unreachable destination handset");
        assertThat(deliver(p).inbound().addressStatuses()).isEmpty();
    }

    @Test
    void marksTheRecipientOptedOutOn21610() {
        WebhookOutcome outcome = deliver(callback("failed", "21610"));

        assertThat(outcome.inbound().statuses().get(0).errorCode()).isEqualTo("21610");
        assertThat(outcome.inbound().addressStatuses()).extracting(AddressStatus::address, AddressStatus::reachable)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Address.phone("+15551230001"), false));
    }

    @Test
    void mapsCanceledToFailed() {
        DeliveryStatus s = deliver(callback("canceled", null)).inbound().statuses().get(0);

        assertThat(s.state()).isEqualTo(State.FAILED);
        assertThat(s.errorMessage()).isEqualTo("canceled before sending");
    }

    @ParameterizedTest
    @ValueSource(strings = {"receiving", "received", "some_future_state"})
    void acknowledgesStatusesItDoesNotTrack(String status) {
        WebhookOutcome outcome = deliver(callback(status, null));

        assertThat(outcome.inbound().isEmpty()).isTrue();
        assertThat(outcome.response().status()).isEqualTo(200);
    }

    @Test
    void refusesACallbackSignedForTheMessageHookInsteadOfStatus() {
        WebhookRejectedException e = catchThrowableOfType(WebhookRejectedException.class, () ->
                fixture.connector.onWebhook(TwilioRequests.signedForm("status", PUBLIC,
                        "http://internal:8080/hooks/sms/status", TOKEN, callback("delivered", null))));

        assertThat(e.status()).isEqualTo(403);
    }

    @Test
    void refusesAnUnsignedCallback() {
        WebhookRejectedException e = catchThrowableOfType(WebhookRejectedException.class, () ->
                fixture.connector.onWebhook(TwilioRequests.post("status", "http://internal:8080/hooks/sms/status",
                        TwilioRequests.form(callback("delivered", null)).getBytes(StandardCharsets.UTF_8), null,
                        "application/x-www-form-urlencoded")));

        assertThat(e.status()).isEqualTo(403);
    }
}
