package dev.omnibridge.connector.hubspot;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.TicketUpdate;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubSpotWebhookTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final long NOW_MS = Fixture.NOW.toEpochMilli();
    private static final String MESSAGE_PATH = "/conversations/v3/conversations/threads/7001/messages/msg-1";
    private static final String THREAD_PATH = "/conversations/v3/conversations/threads/7001?association=TICKET";

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static String newMessage(String type) {
        return "[{\"eventId\":11,\"subscriptionId\":3,\"portalId\":62515,\"appId\":9,\"occurredAt\":" + NOW_MS
                + ",\"subscriptionType\":\"conversation.newMessage\",\"attemptNumber\":0,\"objectId\":7001,"
                + "\"messageId\":\"msg-1\",\"messageType\":\"" + type + "\",\"changeFlag\":\"NEW_MESSAGE\"}]";
    }

    private static String stageChange(String stage) {
        return "[{\"eventId\":12,\"subscriptionId\":4,\"portalId\":62515,\"appId\":9,\"occurredAt\":" + NOW_MS
                + ",\"subscriptionType\":\"ticket.propertyChange\",\"attemptNumber\":0,\"objectId\":9001,"
                + "\"propertyName\":\"hs_pipeline_stage\",\"propertyValue\":\"" + stage + "\",\"changeSource\":\"CRM_UI\"}]";
    }

    private void stubAgentMessage(String actorId, String type, String direction) {
        stubAgentMessage(actorId, type, direction, "[]");
    }

    /** @param recipients the message's {@code recipients} JSON array */
    private void stubAgentMessage(String actorId, String type, String direction, String recipients) {
        api.stubFor(get(urlEqualTo(MESSAGE_PATH)).willReturn(json("""
                {"type":"%s","id":"msg-1","conversationsThreadId":"7001","createdAt":"2026-01-05T09:59:00Z",
                 "createdBy":"%s","client":{"clientType":"HUBSPOT"},
                 "senders":[{"actorId":"%s","name":"Alice Agent"}],"recipients":%s,"archived":false,
                 "text":"Your parcel ships today.","richText":"<p>Your parcel ships today.</p>",
                 "attachments":[{"fileId":"f-5","type":"FILE","name":"label.png","url":"https://f.hubspotusercontent.net/x"}],
                 "truncationStatus":"NOT_TRUNCATED","direction":"%s","channelId":"1000","channelAccountId":"55"}"""
                .formatted(type, actorId, actorId, recipients, direction))));
        api.stubFor(get(urlEqualTo(THREAD_PATH)).willReturn(json("""
                {"id":"7001","associatedContactId":"501","status":"OPEN","spam":false,"inboxId":"1",
                 "threadAssociations":{"associatedTicketId":"9001"}}""")));
        api.stubFor(get(urlEqualTo("/crm/v3/objects/tickets/9001?properties=omnibridge_conversation_id"))
                .willReturn(json("{\"id\":\"9001\",\"properties\":{\"omnibridge_conversation_id\":\"conv-1\"}}")));
        api.stubFor(get(urlEqualTo("/files/v3/files/f-5/signed-url")).willReturn(json(
                "{\"url\":\"" + api.baseUrl() + "/signed/label.png?sig=abc\",\"expiresAt\":\"2026-01-05T11:00:00Z\"}")));
        api.stubFor(get(urlEqualTo("/signed/label.png?sig=abc")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody("PNGDATA")));
    }

    @Test
    void theSignatureMatchesAKnownVector() {
        HubSpotSignature signature = new HubSpotSignature("hubspot-client-secret",
                java.net.URI.create(Fixture.WEBHOOK_URL), Clock.fixed(Instant.ofEpochMilli(1700000000000L), ZoneOffset.UTC));
        // Computed independently: printf '%s' 'POST<uri><body><ts>' | openssl dgst -sha256 -hmac <secret> -binary | base64
        assertThat(signature.sign("POST", Fixture.WEBHOOK_URL, "[{\"eventId\":1}]".getBytes(StandardCharsets.UTF_8),
                "1700000000000")).isEqualTo("YWPpH8UR6r5zi2xn5JwZ0EPOF8/oxHEfpOn4sRgyTpk=");
        signature.verify(Fixture.request("[{\"eventId\":1}]", Map.of(
                HubSpotSignature.SIGNATURE, List.of("YWPpH8UR6r5zi2xn5JwZ0EPOF8/oxHEfpOn4sRgyTpk="),
                HubSpotSignature.TIMESTAMP, List.of("1700000000000"))));
    }

    @Test
    void anAgentsPublicReplyIsReReadAndGoesBackWithItsFileAndConversationId() {
        Fixture f = new Fixture(api);
        stubAgentMessage("A-123", "MESSAGE", "OUTGOING");

        WebhookOutcome outcome = f.connector.onWebhook(Fixture.signed(newMessage("MESSAGE"), NOW_MS, Fixture.CLIENT_SECRET));

        assertThat(outcome.inbound().replies()).hasSize(1);
        DeskReply reply = outcome.inbound().replies().get(0);
        assertThat(reply.ticketRef()).isEqualTo("9001");
        assertThat(reply.replyId()).isEqualTo("msg-1");
        assertThat(reply.author().role()).isEqualTo(Role.AGENT);
        assertThat(reply.author().displayName()).isEqualTo("Alice Agent");
        assertThat(reply.text()).isEqualTo("Your parcel ships today.");
        assertThat(reply.html()).isEqualTo("<p>Your parcel ships today.</p>");
        assertThat(reply.createdAt()).isEqualTo(Instant.parse("2026-01-05T09:59:00Z"));
        assertThat(reply.metadata()).containsEntry(DeskReply.CONVERSATION_ID, "conv-1");
        assertThat(reply.attachments()).singleElement().satisfies(a -> {
            assertThat(a.fileName()).isEqualTo("label.png");
            assertThat(a.mediaType()).isEqualTo("image/png");
        });
        // The signed URL carries its own authorisation; the token stays with the API calls.
        api.verify(getRequestedFor(urlEqualTo("/signed/label.png?sig=abc")).withHeader("Authorization", absent()));
        assertThat(outcome.response().status()).isEqualTo(200);
    }

    /**
     * HubSpot delivers an agent's message on an email thread to its recipients itself. Recipients as the
     * Conversations API gives them: {@code deliveryIdentifier} {@code {type, value}} with {@code HS_EMAIL_ADDRESS}
     * for an email address, {@code recipientField} TO/CC/BCC (developer changelog "Changes to Actors and Delivery
     * Identifiers in the Conversations API"; the older list form {@code deliveryIdentifiers} is read too).
     */
    @Test
    void anAgentsMessageOnAnEmailThreadNamesTheAddressesHubSpotMailedItTo() {
        Fixture f = new Fixture(api);
        stubAgentMessage("A-123", "MESSAGE", "OUTGOING", """
                [{"actorId":"V-501","name":"Ann Lee","recipientField":"TO",
                  "deliveryIdentifier":{"type":"HS_EMAIL_ADDRESS","value":"Ann@Example.com"}},
                 {"name":"Bob","recipientField":"CC",
                  "deliveryIdentifiers":[{"type":"HS_EMAIL_ADDRESS","value":"bob@example.org"}]},
                 {"actorId":"V-502","recipientField":"TO",
                  "deliveryIdentifier":{"type":"HS_PHONE_NUMBER","value":"+14155550100"}}]""");

        DeskReply reply = f.connector.onWebhook(Fixture.signed(newMessage("MESSAGE"), NOW_MS, Fixture.CLIENT_SECRET))
                .inbound().replies().get(0);

        assertThat(reply.metadata()).containsEntry(DeskReply.DELIVERED_TO, "ann@example.com,bob@example.org");
    }

    @Test
    void anAgentsMessageWithoutEmailRecipientsNamesNobody() {
        Fixture f = new Fixture(api);
        stubAgentMessage("A-123", "MESSAGE", "OUTGOING", """
                [{"actorId":"V-502","deliveryIdentifier":{"type":"CHANNEL_SPECIFIC_OPAQUE_ID","value":"visitor-9"}}]""");

        DeskReply reply = f.connector.onWebhook(Fixture.signed(newMessage("MESSAGE"), NOW_MS, Fixture.CLIENT_SECRET))
                .inbound().replies().get(0);

        assertThat(reply.metadata()).doesNotContainKey(DeskReply.DELIVERED_TO);
    }

    @Test
    void anInternalCommentIsNotReadAndNothingGoesBack() {
        Fixture f = new Fixture(api);
        api.resetRequests();

        WebhookOutcome outcome = f.connector.onWebhook(Fixture.signed(newMessage("COMMENT"), NOW_MS, Fixture.CLIENT_SECRET));

        assertThat(outcome.inbound().isEmpty()).isTrue();
        api.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aCommentLabelledAsMessageInTheEventIsStillDroppedAfterReReading() {
        Fixture f = new Fixture(api);
        stubAgentMessage("A-123", "COMMENT", "OUTGOING");

        assertThat(f.connector.onWebhook(Fixture.signed(newMessage("MESSAGE"), NOW_MS, Fixture.CLIENT_SECRET))
                .inbound().replies()).isEmpty();
    }

    @Test
    void theCustomersOwnMessageAndBotMessagesDoNotGoBack() {
        Fixture f = new Fixture(api);
        stubAgentMessage("V-555", "MESSAGE", "INCOMING");
        assertThat(f.connector.onWebhook(Fixture.signed(newMessage("MESSAGE"), NOW_MS, Fixture.CLIENT_SECRET))
                .inbound().replies()).isEmpty();

        stubAgentMessage("B-9", "MESSAGE", "OUTGOING");
        assertThat(f.connector.onWebhook(Fixture.signed(newMessage("MESSAGE"), NOW_MS, Fixture.CLIENT_SECRET))
                .inbound().replies()).isEmpty();

        // An integration's own post (actor I-...) is never an agent's reply either.
        stubAgentMessage("I-4242", "MESSAGE", "OUTGOING");
        assertThat(f.connector.onWebhook(Fixture.signed(newMessage("MESSAGE"), NOW_MS, Fixture.CLIENT_SECRET))
                .inbound().replies()).isEmpty();
    }

    @Test
    void aThreadWithoutATicketIsNotTheHubs() {
        Fixture f = new Fixture(api);
        stubAgentMessage("A-123", "MESSAGE", "OUTGOING");
        api.stubFor(get(urlEqualTo(THREAD_PATH)).willReturn(json("{\"id\":\"7001\",\"status\":\"OPEN\"}")));

        assertThat(f.connector.onWebhook(Fixture.signed(newMessage("MESSAGE"), NOW_MS, Fixture.CLIENT_SECRET))
                .inbound().replies()).isEmpty();
    }

    @Test
    void aTicketMovedToAClosedStageResolvesTheConversationAndAnOpenStageReopensIt() {
        Fixture f = new Fixture(api);

        assertThat(f.connector.onWebhook(Fixture.signed(stageChange("4"), NOW_MS, Fixture.CLIENT_SECRET))
                .inbound().ticketUpdates()).containsExactly(new TicketUpdate("9001", ConversationStatus.RESOLVED));
        assertThat(f.connector.onWebhook(Fixture.signed(stageChange("2"), NOW_MS, Fixture.CLIENT_SECRET))
                .inbound().ticketUpdates()).containsExactly(new TicketUpdate("9001", ConversationStatus.OPEN));
    }

    @Test
    void otherEventsInTheBatchAreIgnored() {
        Fixture f = new Fixture(api);
        String body = "[{\"subscriptionType\":\"ticket.propertyChange\",\"objectId\":9001,\"propertyName\":\"subject\","
                + "\"propertyValue\":\"x\"},{\"subscriptionType\":\"contact.creation\",\"objectId\":1}]";

        assertThat(f.connector.onWebhook(Fixture.signed(body, NOW_MS, Fixture.CLIENT_SECRET)).inbound().isEmpty())
                .isTrue();
    }

    @Test
    void aWrongSecretOrAChangedByteIsRejectedWith401BeforeAnythingIsRead() {
        Fixture f = new Fixture(api);
        api.resetRequests();
        var wrongSecret = Fixture.signed(stageChange("4"), NOW_MS, "not-the-secret");
        var good = Fixture.signed(stageChange("4"), NOW_MS, Fixture.CLIENT_SECRET);
        byte[] changed = good.body().clone();
        changed[changed.length - 3] = (byte) '5';
        var tampered = new dev.omnibridge.webhook.WebhookRequest("POST", "", good.requestUri(), good.headers(),
                Map.of(), changed, "127.0.0.1");

        for (var request : List.of(wrongSecret, tampered)) {
            assertThatThrownBy(() -> f.connector.onWebhook(request)).isInstanceOfSatisfying(
                    WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(401));
        }
        api.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aMissingSignatureIsRejected() {
        Fixture f = new Fixture(api);

        assertThatThrownBy(() -> f.connector.onWebhook(Fixture.request(stageChange("4"), Map.of(
                HubSpotSignature.TIMESTAMP, List.of(Long.toString(NOW_MS))))))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void aRequestOlderThanFiveMinutesIsRejectedEvenWhenCorrectlySigned() {
        Fixture f = new Fixture(api);
        long sixMinutesAgo = NOW_MS - 6 * 60_000;

        assertThatThrownBy(() -> f.connector.onWebhook(Fixture.signed(stageChange("4"), sixMinutesAgo,
                Fixture.CLIENT_SECRET))).isInstanceOfSatisfying(WebhookRejectedException.class,
                e -> assertThat(e.getMessage()).contains("5 minutes"));
    }

    @Test
    void theSignatureCoversTheConfiguredPublicUrlNotTheAddressTheHubSaw() {
        Fixture f = new Fixture(api);
        String body = stageChange("4");
        String ts = Long.toString(NOW_MS);
        String overLocalUrl = Fixture.HmacTest.base64Hmac(Fixture.CLIENT_SECRET,
                "POSThttp://127.0.0.1:8080/hooks/hubspot" + body + ts);

        assertThatThrownBy(() -> f.connector.onWebhook(Fixture.request(body, Map.of(
                HubSpotSignature.SIGNATURE, List.of(overLocalUrl), HubSpotSignature.TIMESTAMP, List.of(ts)))))
                .isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void theSignedUriKeepsTheQueryWithReservedCharactersDecodedAsHubSpotSignsIt() {
        HubSpotSignature signature = new HubSpotSignature("s", java.net.URI.create(Fixture.WEBHOOK_URL),
                Clock.fixed(Fixture.NOW, ZoneOffset.UTC));
        var request = new dev.omnibridge.webhook.WebhookRequest("POST", "",
                java.net.URI.create("http://127.0.0.1:8080/hooks/hubspot?app=a%3Ab%40c"), Map.of(), Map.of(),
                new byte[0], "127.0.0.1");

        assertThat(signature.signedUri(request)).isEqualTo(Fixture.WEBHOOK_URL + "?app=a:b@c");
    }

    @Test
    void aHubSpotOutageWhileReReadingAnswers503SoHubSpotRetries() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(MESSAGE_PATH)).willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> f.connector.onWebhook(Fixture.signed(newMessage("MESSAGE"), NOW_MS,
                Fixture.CLIENT_SECRET))).isInstanceOfSatisfying(WebhookRejectedException.class,
                e -> assertThat(e.status()).isEqualTo(503));
    }
}
