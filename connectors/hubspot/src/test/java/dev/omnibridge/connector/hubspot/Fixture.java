package dev.omnibridge.connector.hubspot;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.webhook.WebhookRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * A started connector against a WireMock standing in for api.hubapi.com. Stub shapes follow HubSpot's reference:
 * https://developers.hubspot.com/docs/api-reference/crm-tickets-v3/guide,
 * https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide,
 * https://developers.hubspot.com/docs/api-reference/files-files-v3/guide,
 * https://developers.hubspot.com/docs/api-reference/conversations-conversations-v3/public-message/get-conversations-v3-conversations-threads-threadId-messages-messageId
 */
final class Fixture {
    static final String TOKEN = "pat-na1-test-token-0000";
    static final String CLIENT_SECRET = "hubspot-client-secret";
    static final String WEBHOOK_URL = "https://hub.example.com/hooks/hubspot";
    static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
    /** Read a ticket by the conversation id the connector keeps on it (conversation conv-1). */
    static final String TICKET_BY_CONV =
            "/crm/v3/objects/tickets/conv-1?idProperty=omnibridge_conversation_id&properties=omnibridge_conversation_id";
    /** Read a contact by email (ann@example.com). */
    static final String CONTACT_BY_EMAIL =
            "/crm/v3/objects/contacts/ann%40example.com?idProperty=email&properties=email%2Cphone%2Cmobilephone";
    /** The notes associated with ticket 9001. */
    static final String NOTES_OF_TICKET = "/crm/v4/objects/tickets/9001/associations/notes?limit=500";

    final FakeConnectorContext context;
    final HubSpotConnector connector;

    Fixture(WireMockExtension api) {
        this(api, Map.of());
    }

    Fixture(WireMockExtension api, Map<String, Object> extra) {
        api.stubFor(get(urlEqualTo("/crm/v3/objects/tickets?limit=1"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"results\":[]}")));
        Map<String, Object> settings = new HashMap<>();
        settings.put("accessToken", TOKEN);
        settings.put("clientSecret", CLIENT_SECRET);
        settings.put("baseUrl", api.baseUrl());
        settings.put("webhookUrl", WEBHOOK_URL);
        settings.put("timeout", "5s");
        settings.putAll(extra);
        context = new FakeConnectorContext("hubspot", new HubSpotType().config(), settings);
        connector = new HubSpotConnector(Clock.fixed(NOW, ZoneOffset.UTC));
        try {
            connector.start(context);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A HubSpot JSON answer. */
    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    static Contact ann() {
        return new Contact("contact-1", "Ann Lee", List.of(new Address(AddressKind.EMAIL, "ann@example.com")));
    }

    static Conversation conversation(String id) {
        return new Conversation(id, new ChannelRef("webhook-channel", "web"), "thread-" + id, "contact-1",
                new Address(AddressKind.EMAIL, "ann@example.com"), ConversationStatus.OPEN, Map.of(), NOW);
    }

    static Message.Builder message(String text) {
        return Message.builder().id("m-" + text.hashCode()).direction(Direction.INBOUND)
                .channel(new ChannelRef("webhook-channel", "web")).channelMessageId("cm-" + text.hashCode())
                .threadKey("thread").author(new Author(Role.CUSTOMER, "Ann Lee",
                        new Address(AddressKind.EMAIL, "ann@example.com")))
                .text(text).receivedAt(NOW).priority(Priority.NORMAL).language("en").tags(Set.of());
    }

    static DeskDelivery delivery(Message m, Contact contact, String conversationId, String ticketRef, String key) {
        return new DeskDelivery(m, conversation(conversationId), contact, ticketRef, key);
    }

    Attachment stored(String name, String type, String content) {
        try {
            return context.attachments().store(name, type,
                    new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A webhook signed the way HubSpot signs it (computed here independently of the connector). */
    static WebhookRequest signed(String body, long timestampMillis, String secret) {
        String ts = Long.toString(timestampMillis);
        String signature = HmacTest.base64Hmac(secret, "POST" + WEBHOOK_URL + body + ts);
        return request(body, Map.of(HubSpotSignature.SIGNATURE, List.of(signature),
                HubSpotSignature.TIMESTAMP, List.of(ts)));
    }

    static WebhookRequest request(String body, Map<String, List<String>> headers) {
        return new WebhookRequest("POST", "", URI.create("http://127.0.0.1:8080/hooks/hubspot"), headers, Map.of(),
                body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    }

    /** An independent HMAC for building test requests. */
    static final class HmacTest {
        static String base64Hmac(String secret, String data) {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return java.util.Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
