package dev.omnibridge.connector.twilio;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.AddressStatus;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.OutboundMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToIgnoreCase;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.twilio.TwilioRequests.ACCOUNT_SID;
import static dev.omnibridge.connector.twilio.TwilioRequests.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TwilioOutboundTest {
    private static final String MESSAGES = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";
    private static final String SENT_SID = "SM9f0e1d2c3b4a59687f0e1d2c3b4a5968";
    private static final String CUSTOMER = "+15551230001";
    private static final String BUSINESS = "+15557650002";
    private static final String PUBLIC = "https://public.example.com/hooks/sms";
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString((ACCOUNT_SID + ":" + TOKEN)
            .getBytes(StandardCharsets.UTF_8));

    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private Fixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private Fixture started(Map<String, Object> extra) {
        Map<String, Object> s = Fixture.baseSettings();
        s.put("apiBaseUrl", api.baseUrl());
        s.put("webhookUrl", PUBLIC);
        s.putAll(extra);
        fixture = Fixture.start(s);
        return fixture;
    }

    /** Twilio's 201 answer to "Create a Message", shaped as in the Messages API reference. */
    private static String created(String to, String from, String body) {
        return created(to, from, body, SENT_SID);
    }

    private static String created(String to, String from, String body, String sid) {
        return """
                {
                  "account_sid": "%1$s",
                  "api_version": "2010-04-01",
                  "body": "%4$s",
                  "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
                  "date_sent": null,
                  "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000",
                  "direction": "outbound-api",
                  "error_code": null,
                  "error_message": null,
                  "from": "%3$s",
                  "messaging_service_sid": null,
                  "num_media": "0",
                  "num_segments": "1",
                  "price": null,
                  "price_unit": "USD",
                  "sid": "%5$s",
                  "status": "queued",
                  "subresource_uris": {
                    "media": "/2010-04-01/Accounts/%1$s/Messages/%5$s/Media.json"
                  },
                  "to": "%2$s",
                  "uri": "/2010-04-01/Accounts/%1$s/Messages/%5$s.json"
                }
                """.formatted(ACCOUNT_SID, to, from, body, sid);
    }

    /** Twilio's error document, as the REST API returns it. */
    private static String error(int code, String message, int status) {
        return """
                {"code": %d, "message": "%s", "more_info": "https://www.twilio.com/docs/errors/%d", "status": %d}
                """.formatted(code, message, code, status);
    }

    private static OutboundMessage reply(String threadKey, String text, List<Attachment> attachments) {
        ChannelRef channel = new ChannelRef("twilio-sms", "sms");
        Message message = Message.builder().id("msg-9").direction(Direction.OUTBOUND).channel(channel)
                .channelMessageId("key-1").threadKey(threadKey).conversationId("conv-1")
                .author(Author.agent("Alice")).text(text).attachments(attachments)
                .receivedAt(Instant.parse("2025-03-01T10:15:30Z")).build();
        Conversation conversation = new Conversation("conv-1", channel, threadKey, "contact-1",
                Address.phone(CUSTOMER), ConversationStatus.OPEN, Map.of(), Instant.parse("2025-03-01T10:00:00Z"));
        return new OutboundMessage(message, conversation, "key-1");
    }

    private static OutboundMessage reply(String text) {
        return reply(CUSTOMER + "|" + BUSINESS, text, List.of());
    }

    private static Map<String, List<String>> formOf(LoggedRequest request) {
        return FormParams.parse(request.getBodyAsString()).grouped();
    }

    @Test
    void createsTheMessageFromTheBusinessNumberWithTheStatusCallbackAndReturnsItsSid() {
        api.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody(created(CUSTOMER, BUSINESS, "Your order ships today."))));
        started(Map.of());

        String sid = fixture.connector.send(reply("Your order ships today."));

        assertThat(sid).isEqualTo(SENT_SID);
        api.verify(1, postRequestedFor(urlEqualTo(MESSAGES))
                .withHeader("Authorization", equalTo(BASIC))
                .withHeader("Content-Type", equalToIgnoreCase("application/x-www-form-urlencoded; charset=utf-8")));
        LoggedRequest request = api.findAll(postRequestedFor(urlEqualTo(MESSAGES))).get(0);
        assertThat(formOf(request)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "To", List.of(CUSTOMER),
                "From", List.of(BUSINESS),
                "Body", List.of("Your order ships today."),
                "StatusCallback", List.of(PUBLIC + "/status")));
    }

    /** A long reply: numbered sentences, so the order of the parts shows. */
    private static String longReply(int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; sb.length() < length; i++) {
            sb.append("Step ").append(i).append(": check the label and the seal of the box. ");
        }
        return sb.toString().strip();
    }

    private List<String> sentBodies() {
        return api.findAll(postRequestedFor(urlEqualTo(MESSAGES))).stream()
                .map(r -> formOf(r).get("Body").get(0)).toList();
    }

    private static String sid(int n) {
        return "SM" + String.format("%032d", n);
    }

    /** Twilio answers each create with the next sid, in a WireMock scenario of {@code answers} steps. */
    private void stubSequence(List<com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder> answers) {
        for (int i = 0; i < answers.size(); i++) {
            api.stubFor(post(urlEqualTo(MESSAGES)).inScenario("parts")
                    .whenScenarioStateIs(i == 0 ? com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED
                            : "call-" + i)
                    .willSetStateTo("call-" + (i + 1)).willReturn(answers.get(i)));
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder createdAs(int n) {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody(created(CUSTOMER, BUSINESS, "part", sid(n)));
    }

    @Test
    void declaresSixteenHundredSmsCharactersPlainTextWithoutButtonsOrFiles() {
        started(Map.of());
        var caps = fixture.connector.capabilities();
        assertThat(caps.maxTextLength()).isEqualTo(1600);
        assertThat(caps.textUnit()).isEqualTo(dev.omnibridge.spi.ChannelCapabilities.TextUnit.SMS_CHARACTERS);
        assertThat(caps.textUnit().length("\uD83D\uDE00{")).as("an emoji and a GSM-7 extension character: 2 each")
                .isEqualTo(4);
        assertThat(caps.maxButtons()).isZero();
        assertThat(caps.media()).isEmpty();
    }

    @Test
    void sendsTheTextItIsGivenAsOneMessageTheHubHavingSplitIt() {
        // Splitting a long reply, and not repeating parts on a retry, is the hub's (OutboundAdapterTest): the
        // connector sends one Body per call, as it is.
        stubSequence(List.of(createdAs(1)));
        started(Map.of());
        String text = longReply(1600);

        assertThat(fixture.connector.send(reply(text))).isEqualTo(sid(1));

        assertThat(sentBodies()).containsExactly(text);
    }

    @Test
    void sendsThroughTheMessagingServiceInsteadOfFromWhenConfigured() {
        api.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(created(CUSTOMER, BUSINESS, "hi"))));
        started(Map.of("messagingServiceSid", "MG0123456789abcdef0123456789abcdef"));

        fixture.connector.send(reply("hi"));

        Map<String, List<String>> form = formOf(api.findAll(postRequestedFor(urlEqualTo(MESSAGES))).get(0));
        assertThat(form).containsEntry("MessagingServiceSid", List.of("MG0123456789abcdef0123456789abcdef"))
                .containsEntry("To", List.of(CUSTOMER)).doesNotContainKey("From");
    }

    @Test
    void startsAThreadToANumberOnlyThroughAMessagingService() {
        started(Map.of("messagingServiceSid", "MG0123456789abcdef0123456789abcdef"));
        assertThat(fixture.connector.threadToStart(Address.phone(CUSTOMER), "ABCDEFGH"))
                .isEqualTo(CUSTOMER + "|MG0123456789abcdef0123456789abcdef");
        assertThat(fixture.connector.threadToStart(Address.email("ann@example.com"), "ABCDEFGH")).isNull();
    }

    @Test
    void withoutAMessagingServiceNoThreadIsStarted() {
        started(Map.of());
        assertThat(fixture.connector.threadToStart(Address.phone(CUSTOMER), "ABCDEFGH"))
                .as("the business number is not guessed").isNull();
    }

    @Test
    void keepsTheWhatsAppPrefixOnBothNumbers() {
        api.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(created(CUSTOMER, BUSINESS, "hi"))));
        started(Map.of());

        fixture.connector.send(reply("whatsapp:" + CUSTOMER + "|whatsapp:" + BUSINESS, "hi", List.of()));

        Map<String, List<String>> form = formOf(api.findAll(postRequestedFor(urlEqualTo(MESSAGES))).get(0));
        assertThat(form).containsEntry("To", List.of("whatsapp:" + CUSTOMER))
                .containsEntry("From", List.of("whatsapp:" + BUSINESS));
    }

    @Test
    void refusesFilesWhichTheHubNamesInTheTextForThisChannel() {
        started(Map.of());
        List<Attachment> attachments = List.of(
                new Attachment("invoice.pdf", "application/pdf", 10, "ab", URI.create("attachment:ab")));

        DeliveryException e = failing(reply(CUSTOMER + "|" + BUSINESS, "See attached", attachments));

        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(api.getAllServeEvents()).isEmpty();
    }

    @Test
    void classifiesAnInvalidNumberAsPermanentWithTheNumberMasked() {
        api.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(error(21211, "Invalid 'To' Phone Number: +15551230001", 400))));
        started(Map.of());

        DeliveryException e = failing(reply("hi"));

        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(e.getMessage()).startsWith("Twilio 21211: Invalid 'To' Phone Number: ")
                .doesNotContain(CUSTOMER);
    }

    @Test
    void classifiesAnUnsubscribedRecipientAsPermanentAndRecordsTheOptOut() {
        api.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(error(21610, "Attempt to send to unsubscribed recipient", 400))));
        started(Map.of());

        DeliveryException e = failing(reply("hi"));

        assertThat(e.kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(e).hasMessage("Twilio 21610: Attempt to send to unsubscribed recipient");
        assertThat(e.customerUnreachable()).as("the hub may answer on another address").isTrue();
        List<AddressStatus> recorded = fixture.context.submissions().stream()
                .flatMap(i -> i.addressStatuses().stream()).toList();
        assertThat(recorded).extracting(AddressStatus::address, AddressStatus::reachable)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Address.phone(CUSTOMER), false));
    }

    @Test
    void classifiesA429AsRetryableAfterRetryAfter() {
        api.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")
                .withHeader("Content-Type", "application/json").withBody(error(20429, "Too Many Requests", 429))));
        started(Map.of());

        DeliveryException e = failing(reply("hi"));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(e).hasMessage("Twilio 20429: Too Many Requests");
    }

    @Test
    void classifiesA503AsRetryableAndTriesOnlyOnce() {
        api.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(503).withBody("upstream down")));
        started(Map.of());

        DeliveryException e = failing(reply("hi"));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e).hasMessage("HTTP 503");
        // The SDK's own retry loop is off: the hub retries with backoff.
        api.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
    }

    @Test
    void classifiesAConnectionFailureAsRetryable() {
        api.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        started(Map.of());

        DeliveryException e = failing(reply("hi"));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).startsWith("Twilio API unreachable: POST to http://localhost:" + api.getPort());
    }

    @Test
    void classifiesConnectionRefusedAsRetryable() {
        fixture = Fixture.start(new java.util.HashMap<>(Map.of("accountSid", ACCOUNT_SID, "authToken", TOKEN,
                "apiBaseUrl", "http://127.0.0.1:1")));

        DeliveryException e = failing(reply("hi"));

        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void retriesRejectedCredentialsAndReportsTheProblem() {
        api.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody(error(20003, "Authenticate", 401))));
        started(Map.of());

        DeliveryException e = failing(reply("hi"));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).startsWith("Twilio 20003: Authenticate");
        assertThat(fixture.context.problems()).anyMatch(p -> p.contains("401"));
    }

    @Test
    void neverRepeatsTheTokenFromAnErrorAnswer() {
        api.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody(error(21606, "From number not valid for token " + TOKEN, 400))));
        started(Map.of());

        DeliveryException e = failing(reply("hi"));

        assertThat(e.getMessage()).doesNotContain(TOKEN).contains("******");
    }

    @Test
    void refusesInternalNotesAndMalformedThreadKeysWithoutCallingTwilio() {
        started(Map.of());
        OutboundMessage internal = reply("note");
        OutboundMessage asInternal = new OutboundMessage(internal.message().toBuilder().direction(Direction.INTERNAL)
                .build(), internal.conversation(), "key-1");

        assertThat(failing(asInternal).kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(failing(reply("no-bar-here", "hi", List.of())).kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(failing(reply("   ")).kind()).isEqualTo(DeliveryException.Kind.PERMANENT);
        assertThat(api.getAllServeEvents()).isEmpty();
    }

    private DeliveryException failing(OutboundMessage outbound) {
        DeliveryException e = catchThrowableOfType(DeliveryException.class, () -> fixture.connector.send(outbound));
        assertThat(e).as("a DeliveryException").isNotNull();
        assertThat(e.getMessage()).doesNotContain(TOKEN);
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            assertThat(String.valueOf(c.getMessage())).doesNotContain(TOKEN);
        }
        return e;
    }

}
