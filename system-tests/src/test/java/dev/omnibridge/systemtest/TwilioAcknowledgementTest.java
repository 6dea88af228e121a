package dev.omnibridge.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.systemtest.support.HubConfig;
import dev.omnibridge.systemtest.support.HubProcess;
import dev.omnibridge.systemtest.support.Poll;
import dev.omnibridge.systemtest.support.SystemTestBase;
import dev.omnibridge.systemtest.support.TwilioApiFake;
import dev.omnibridge.systemtest.support.TwilioApiFake.ApiCall;
import dev.omnibridge.systemtest.support.TwilioHubClient;
import dev.omnibridge.systemtest.support.TwilioWebhooks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledgements on Twilio SMS: the customer's first SMS gets one through Twilio's Messages API, from the business
 * number, with the placeholders filled; the next within the quiet period none; a number that opted out (STOP) none,
 * with the reason in the conversation's timeline.
 */
class TwilioAcknowledgementTest extends SystemTestBase {
    private static final String SMS = "sms";
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99";
    private static final String BUSINESS_NUMBER = "+14155550100";

    private TwilioApiFake twilio;
    private TwilioHubClient twilioHooks;

    @Override
    protected HubProcess startHub() {
        twilio = TwilioApiFake.start(ACCOUNT_SID);
        HubProcess started = startHubWith("twilio");
        twilioHooks = new TwilioHubClient(started);
        return started;
    }

    @Override
    protected HubConfig config() {
        return standardConfig().instance(SMS, "twilio-sms", twilio.smsSettings(ACCOUNT_SID, AUTH_TOKEN))
                .route(SMS, DESK)
                .acknowledgements("enabled", true)
                .acknowledgementTemplate("en", "Hi {firstName:there}, we got your text (ref {reference}) on {channel}.",
                        "We are closed; ref {reference}.");
    }

    @BeforeAll
    void smsIsRunning() {
        awaitRunning(SMS);
    }

    @AfterAll
    void stopTwilioFake() {
        if (twilio != null) {
            twilio.close();
        }
    }

    private HttpResponse<String> sms(String from, String body) {
        return twilioHooks.postSigned("/hooks/" + SMS, AUTH_TOKEN, twilioHooks.defaultWebhookUrl(SMS),
                TwilioWebhooks.inboundSms(TwilioWebhooks.sid("SM"), ACCOUNT_SID, from, BUSINESS_NUMBER, body));
    }

    private List<String> timeline(String conversationId) {
        JsonNode events = hub.http().adminJson("/api/messages?limit=100&conversationId=" + conversationId)
                .path("automation");
        return StreamSupport.stream(events.spliterator(), false).map(e -> e.path("detail").asText()).toList();
    }

    @Test
    void theFirstSmsGetsOneAcknowledgementFromTheBusinessNumberAndTheNextNone() {
        String customer = "+14155557001";
        assertThat(sms(customer, "My parcel has not arrived").statusCode()).isEqualTo(200);

        Poll.until(Duration.ofSeconds(20), "the acknowledgement reaches Twilio",
                () -> twilio.messageCallsTo(customer).size() == 1);
        ApiCall ack = twilio.messageCallsTo(customer).get(0);
        String conversation = awaitConversationOf(SMS, customer, Duration.ofSeconds(10));
        String hex = conversation.replace("-", "");
        assertThat(ack.param("From")).isEqualTo(BUSINESS_NUMBER);
        assertThat(ack.param("Body")).isEqualTo("Hi there, we got your text (ref "
                + hex.substring(hex.length() - 8).toUpperCase(java.util.Locale.ROOT) + ") on SMS.");

        assertThat(sms(customer, "Any news?").statusCode()).isEqualTo(200);
        awaitDeskAccepted(customer + "|" + BUSINESS_NUMBER, 3, Duration.ofSeconds(20));
        awaitQuiet(twilio.server(), Duration.ofSeconds(2));
        assertThat(twilio.messageCallsTo(customer)).hasSize(1);
        assertThat(timeline(conversation)).singleElement().asString().startsWith("already acknowledged");
    }

    @Test
    void aNumberThatOptedOutGetsNoAcknowledgementAndTheTimelineSaysWhy() {
        String customer = "+14155557002";
        assertThat(sms(customer, "STOP").statusCode()).isEqualTo(200);
        String conversation = awaitConversationOf(SMS, customer, Duration.ofSeconds(20));
        Poll.until(Duration.ofSeconds(20), "the STOP is in the timeline", () -> !timeline(conversation).isEmpty());
        assertThat(sms(customer, "Where is my refund?").statusCode()).isEqualTo(200);
        Poll.until(Duration.ofSeconds(20), "both messages are in the timeline", () -> timeline(conversation).size() == 2);

        awaitQuiet(twilio.server(), Duration.ofSeconds(2));
        assertThat(twilio.messageCallsTo(customer)).as("nothing sent to a number that opted out").isEmpty();
        assertThat(timeline(conversation)).allSatisfy(reason -> assertThat(reason)
                .startsWith("the customer's address takes no messages").containsIgnoringCase("STOP"));
    }
}
