package dev.omnibridge.connector.zendesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Contact;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.testkit.FakeConnectorContext;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

/**
 * Deliveries and contexts for the module tests. WireMock stubs in the tests are shaped after Zendesk's reference:
 * https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/ (create/update/show/list, audit in answers),
 * https://developer.zendesk.com/api-reference/ticketing/users/users/#create-or-update-user,
 * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket-attachments/#upload-files,
 * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_comments/#list-comments,
 * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits/,
 * https://developer.zendesk.com/api-reference/introduction/rate-limits/.
 */
final class Fixture {
    static final String EMAIL = "bridge@acme.test";
    static final String TOKEN = "zd-token-SECRET-123";
    static final String SIGNING_SECRET = "HRkRd4BeOAoUkfZr-mhauJT64rvBASlJRoIyPsd3zeA=";
    static final long API_USER = 900;
    static final ChannelRef WEB = new ChannelRef("webhook-channel", "web");

    private Fixture() {
    }

    /**
     * Zendesk's answers the connector needs before any ticket: the API user it checks its credentials against
     * ({@code GET /api/v2/users/me}, user {@value #API_USER}) and the requester "Create or Update User" makes of the
     * customer (end user 501, Ann Example).
     */
    static void stubApiUserAndRequester(WireMockExtension zd) {
        zd.stubFor(get("/api/v2/users/me").willReturn(okJson("{\"user\":{\"id\":900,\"role\":\"admin\"}}")));
        zd.stubFor(post("/api/v2/users/create_or_update").willReturn(
                okJson("{\"user\":{\"id\":501,\"name\":\"Ann Example\",\"role\":\"end-user\"}}")));
    }

    static Map<String, Object> settings(String baseUrl) {
        Map<String, Object> s = new HashMap<>();
        s.put("baseUrl", baseUrl);
        s.put("email", EMAIL);
        s.put("apiToken", TOKEN);
        s.put("webhookSigningSecret", SIGNING_SECRET);
        s.put("timeout", "30s");   // generous: the first call of a test JVM meets a cold WireMock on a busy machine
        return s;
    }

    static FakeConnectorContext context(Map<String, Object> settings) {
        return new FakeConnectorContext("zd", new ZendeskType().config(), settings);
    }

    static Message message(String id, String text, Direction direction, List<Attachment> attachments) {
        Address ann = Address.email("ann@example.com");
        return Message.builder().id(id).direction(direction).channel(WEB).channelMessageId("ch-" + id)
                .threadKey("thread-1").conversationId("conv-1")
                .author(direction == Direction.INTERNAL ? new Author(dev.omnibridge.model.Role.SYSTEM, "Omnibridge", null)
                        : Author.customer("Ann", ann))
                .text(text).priority(Priority.NORMAL).language("en").attachments(attachments)
                .receivedAt(Instant.parse("2025-03-01T10:15:30Z")).build();
    }

    /** The message classified {@code priority}, e.g. by a triage rule. */
    static Message withPriority(Message m, Priority priority) {
        return m.toBuilder().priority(priority).build();
    }

    static DeskDelivery delivery(Message m, String ticketRef) {
        return delivery(m, ticketRef, Map.of());
    }

    /** {@code assignment}: what the route that chose this desk sets, e.g. {@code group}. */
    static DeskDelivery delivery(Message m, String ticketRef, Map<String, String> assignment) {
        Address ann = Address.email("ann@example.com");
        Conversation conversation = new Conversation(m.conversationId() == null ? "conv-1" : m.conversationId(), WEB,
                m.threadKey(), "contact-1", ann, ConversationStatus.OPEN,
                ticketRef == null ? Map.of() : Map.of("zd", ticketRef), Instant.parse("2025-03-01T10:15:30Z"));
        Contact contact = new Contact("contact-1", "Ann Example", List.of(ann, Address.phone("+14155550100")));
        return new DeskDelivery(m, conversation, contact, ticketRef, "idem-" + m.id(), assignment);
    }
}
