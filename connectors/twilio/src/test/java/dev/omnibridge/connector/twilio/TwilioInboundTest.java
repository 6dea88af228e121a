package dev.omnibridge.connector.twilio;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.omnibridge.connector.twilio.TwilioRequests.TOKEN;
import static dev.omnibridge.connector.twilio.TwilioRequests.signedForm;
import static dev.omnibridge.connector.twilio.TwilioRequests.sms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TwilioInboundTest {
    private static final String CUSTOMER = "+15551230001";
    private static final String BUSINESS = "+15557650002";
    private static final String SID = "SM0123456789abcdef0123456789abcdef";

    private Fixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private Fixture started() {
        fixture = Fixture.start(Fixture.baseSettings());
        return fixture;
    }

    private WebhookOutcome deliver(List<Map.Entry<String, String>> params) {
        WebhookRequest request = signedForm("", Fixture.HUB_URL, Fixture.HUB_URL, TOKEN, params);
        WebhookOutcome outcome = fixture.connector.onWebhook(request);
        fixture.context.submit(outcome.inbound());   // what the hub does before answering
        return outcome;
    }

    @Test
    void mapsAnInboundSmsToOneCanonicalMessageAndAnswersEmptyTwiml() {
        started();

        WebhookOutcome outcome = deliver(sms(SID, CUSTOMER, BUSINESS, "Where is my order?"));

        assertThat(outcome.response().status()).isEqualTo(200);
        assertThat(outcome.response().contentType()).isEqualTo("text/xml");
        assertThat(new String(outcome.response().body(), StandardCharsets.UTF_8))
                .isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
        assertThat(outcome.inbound().messages()).hasSize(1);
        Message m = outcome.inbound().messages().get(0);
        assertThat(m.direction()).isEqualTo(Direction.INBOUND);
        assertThat(m.channel().type()).isEqualTo("twilio-sms");
        assertThat(m.channel().instanceId()).isEqualTo("sms");
        assertThat(m.channelMessageId()).isEqualTo(SID);
        assertThat(m.threadKey()).isEqualTo("+15551230001|+15557650002");
        assertThat(m.author().role()).isEqualTo(Role.CUSTOMER);
        assertThat(m.author().address()).isEqualTo(Address.phone(CUSTOMER));
        assertThat(m.text()).isEqualTo("Where is my order?");
        assertThat(m.tags()).containsExactly("sms");
        assertThat(m.metadata()).containsEntry("sms.to", BUSINESS).containsEntry("sms.numSegments", "1")
                .doesNotContainKey("sms.keyword");
        assertThat(m.receivedAt()).isNotNull();
        assertThat(outcome.inbound().addressStatuses()).isEmpty();
    }

    @Test
    void mapsWhatsAppThroughTwilioWithTheRawThreadKeyAndAPlainPhoneAddress() {
        started();
        List<Map.Entry<String, String>> params = TwilioRequests.with(
                sms(SID, "whatsapp:" + CUSTOMER, "whatsapp:" + BUSINESS, "Hola"), "ProfileName", "Ann");

        Message m = deliver(params).inbound().messages().get(0);

        assertThat(m.threadKey()).isEqualTo("whatsapp:+15551230001|whatsapp:+15557650002");
        assertThat(m.author().address()).isEqualTo(Address.phone(CUSTOMER));
        assertThat(m.author().displayName()).isEqualTo("Ann");
        assertThat(m.tags()).containsExactly("whatsapp");
    }

    @Test
    void keepsAnAlphanumericSenderAsAChatUser() {
        started();

        Message m = deliver(sms(SID, "ACMEBANK", BUSINESS, "hello")).inbound().messages().get(0);

        assertThat(m.author().address().kind()).isEqualTo(AddressKind.CHAT_USER);
        assertThat(m.threadKey()).isEqualTo("ACMEBANK|" + BUSINESS);
    }

    @Test
    void aRetriedWebhookGivesTheSameChannelMessageIdSoTheHubStoresItOnce() {
        started();

        WebhookOutcome first = deliver(sms(SID, CUSTOMER, BUSINESS, "hi"));
        WebhookOutcome retry = deliver(sms(SID, CUSTOMER, BUSINESS, "hi"));

        assertThat(retry.inbound().messages().get(0).channelMessageId())
                .isEqualTo(first.inbound().messages().get(0).channelMessageId());
        assertThat(fixture.context.messages()).hasSize(1);
    }

    @Test
    void threadsBothDirectionsOfOneNumberPairIntoOneConversationAndOtherPairsApart() {
        started();

        deliver(sms("SM1", CUSTOMER, BUSINESS, "one"));
        deliver(sms("SM2", CUSTOMER, BUSINESS, "two"));
        deliver(sms("SM3", CUSTOMER, "+15557650003", "other number"));

        List<Message> stored = fixture.context.messages();
        assertThat(stored.get(0).conversationId()).isEqualTo(stored.get(1).conversationId());
        assertThat(stored.get(2).conversationId()).isNotEqualTo(stored.get(0).conversationId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"STOP", " stop ", "Unsubscribe", "STOPALL", "cancel", "END", "quit"})
    void recordsAnOptOutKeywordAndStillStoresTheMessage(String body) {
        started();

        Inbound inbound = deliver(sms(SID, CUSTOMER, BUSINESS, body)).inbound();

        assertThat(inbound.messages()).hasSize(1);
        assertThat(inbound.messages().get(0).metadata()).containsEntry("sms.keyword", "STOP");
        assertThat(inbound.addressStatuses()).containsExactly(
                AddressStatus.optedOut(Address.phone(CUSTOMER), "opted out with STOP"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"START", "yes", "Unstop"})
    void recordsAnOptInKeyword(String body) {
        started();

        Inbound inbound = deliver(sms(SID, CUSTOMER, BUSINESS, body)).inbound();

        assertThat(inbound.messages().get(0).metadata()).containsEntry("sms.keyword", "START");
        assertThat(inbound.addressStatuses()).containsExactly(AddressStatus.optedIn(Address.phone(CUSTOMER)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HELP", "info"})
    void marksHelpWithoutChangingReachability(String body) {
        started();

        Inbound inbound = deliver(sms(SID, CUSTOMER, BUSINESS, body)).inbound();

        assertThat(inbound.messages().get(0).metadata()).containsEntry("sms.keyword", "HELP");
        assertThat(inbound.addressStatuses()).isEmpty();
    }

    @Test
    void aKeywordInsideASentenceIsNotAKeyword() {
        started();

        Inbound inbound = deliver(sms(SID, CUSTOMER, BUSINESS, "please stop calling me at work")).inbound();

        assertThat(inbound.addressStatuses()).isEmpty();
        assertThat(inbound.messages().get(0).metadata()).doesNotContainKey("sms.keyword");
    }

    @Test
    void followsTwilioAdvancedOptOutTypeWhenGiven() {
        started();

        Inbound inbound = deliver(TwilioRequests.with(sms(SID, CUSTOMER, BUSINESS, "ARRET"), "OptOutType", "STOP"))
                .inbound();

        assertThat(inbound.addressStatuses()).extracting(AddressStatus::reachable).containsExactly(false);
    }

    @Test
    void acceptsAWebhookSignedForThePublicUrlBehindAProxyWhenWebhookUrlIsSet() {
        Map<String, Object> settings = Fixture.baseSettings();
        settings.put("webhookUrl", "https://public.example.com/hooks/sms");
        fixture = Fixture.start(settings);

        WebhookOutcome outcome = fixture.connector.onWebhook(signedForm("", "https://public.example.com/hooks/sms",
                "http://internal:8080/hooks/sms", TOKEN, sms(SID, CUSTOMER, BUSINESS, "hi")));

        assertThat(outcome.inbound().messages()).hasSize(1);
    }

    @Test
    void refusesTheProxiedWebhookWhenOnlyTheHubsOwnUrlIsKnown() {
        started();   // webhookUrl defaults to the hub's http://localhost:8080/hooks/sms

        WebhookRejectedException e = catchThrowableOfType(WebhookRejectedException.class, () ->
                fixture.connector.onWebhook(signedForm("", "https://public.example.com/hooks/sms",
                        "http://internal:8080/hooks/sms", TOKEN, sms(SID, CUSTOMER, BUSINESS, "hi"))));

        assertThat(e.status()).isEqualTo(403);
        assertThat(e.getMessage()).doesNotContain(TOKEN);
    }

    @Test
    void refusesAnUnsignedWebhookBeforeLookingAtIt() {
        started();
        WebhookRequest unsigned = TwilioRequests.post("", Fixture.HUB_URL,
                TwilioRequests.form(sms(SID, CUSTOMER, BUSINESS, "hi")).getBytes(StandardCharsets.UTF_8), null,
                "application/x-www-form-urlencoded");

        WebhookRejectedException e = catchThrowableOfType(WebhookRejectedException.class,
                () -> fixture.connector.onWebhook(unsigned));

        assertThat(e.status()).isEqualTo(403);
        assertThat(fixture.context.submissions()).isEmpty();
    }

    @Test
    void refusesASignedRequestWithoutMessageSidAsBadRequest() {
        started();
        List<Map.Entry<String, String>> params = List.of(Map.entry("From", CUSTOMER), Map.entry("To", BUSINESS),
                Map.entry("Body", "hi"));

        WebhookRejectedException e = catchThrowableOfType(WebhookRejectedException.class, () ->
                fixture.connector.onWebhook(signedForm("", Fixture.HUB_URL, Fixture.HUB_URL, TOKEN, params)));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e).hasMessage("missing parameter MessageSid");
    }

    @Test
    void refusesOtherMethodsAndUnknownSubPaths() {
        started();
        List<Map.Entry<String, String>> params = sms(SID, CUSTOMER, BUSINESS, "hi");
        WebhookRequest post = signedForm("", Fixture.HUB_URL, Fixture.HUB_URL, TOKEN, params);
        WebhookRequest get = new WebhookRequest("GET", "", post.requestUri(), post.headers(), Map.of(), post.body(),
                "10.0.0.7");
        WebhookRequest other = signedForm("other", Fixture.HUB_URL + "/other", Fixture.HUB_URL + "/other", TOKEN,
                params);

        assertThat(catchThrowableOfType(WebhookRejectedException.class, () -> fixture.connector.onWebhook(get))
                .status()).isEqualTo(405);
        assertThat(catchThrowableOfType(WebhookRejectedException.class, () -> fixture.connector.onWebhook(other))
                .status()).isEqualTo(404);
    }

    @Test
    void refusesWebhooksWhenStopped() {
        started();
        fixture.connector.stop();

        WebhookRejectedException e = catchThrowableOfType(WebhookRejectedException.class, () ->
                fixture.connector.onWebhook(signedForm("", Fixture.HUB_URL, Fixture.HUB_URL, TOKEN,
                        sms(SID, CUSTOMER, BUSINESS, "hi"))));

        assertThat(e.status()).isEqualTo(503);
    }

    @Test
    void keepsThePlusOfANumberThatTwilioPercentEncodes() {
        started();
        String body = "MessageSid=" + SID + "&From=%2B15551230001&To=%2B15557650002&Body=a+b%20c";
        List<Map.Entry<String, String>> decoded = List.of(Map.entry("MessageSid", SID),
                Map.entry("From", CUSTOMER), Map.entry("To", BUSINESS), Map.entry("Body", "a b c"));
        WebhookRequest request = TwilioRequests.post("", Fixture.HUB_URL, body.getBytes(StandardCharsets.UTF_8),
                TwilioRequests.twilioSignature(TOKEN, Fixture.HUB_URL, decoded), "application/x-www-form-urlencoded");

        Message m = fixture.connector.onWebhook(request).inbound().messages().get(0);

        assertThat(m.author().address().value()).isEqualTo(CUSTOMER);
        assertThat(m.text()).isEqualTo("a b c");
    }

    @Test
    void usesTheHubWebhookUrlByDefault() {
        started();

        assertThat(fixture.context.webhookUrl()).isEqualTo(URI.create(Fixture.HUB_URL));
        assertThat(deliver(sms(SID, CUSTOMER, BUSINESS, "hi")).inbound().messages()).hasSize(1);
    }
}
