package dev.omnibridge.connector.freshdesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link FreshdeskConnector#deliverAll}: several follow-ups of one ticket as one note. Freshdesk has no bulk notes
 * endpoint; stubs follow its API v2 reference (https://developers.freshdesk.com/api/): View a Ticket
 * ({@code requester_id}), List All Conversations of a Ticket (array of {@code id, body, body_text, incoming, private,
 * user_id, created_at}), Create a Note (JSON, or multipart {@code attachments[]}; answers the note with its
 * {@code id}), and 429 with Retry-After when the rate limit is reached.
 */
class FreshdeskBatchTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FakeConnectorContext ctx;
    private FreshdeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        connector = started(Map.of());
    }

    private FreshdeskConnector started(Map<String, Object> extra) throws Exception {
        api.stubFor(get("/api/v2/agents/me").willReturn(okJson("{\"id\":1,\"contact\":{\"name\":\"Bot\"}}")));
        Map<String, Object> settings = new HashMap<>(Fixture.settings(api.baseUrl()));
        settings.putAll(extra);
        ctx = new FakeConnectorContext("fd", new FreshdeskType().config(), settings);
        FreshdeskConnector c = new FreshdeskConnector();
        c.start(ctx);
        return c;
    }

    private static Message message(String id, String text, int second) {
        return Fixture.message(text).id(id).channelMessageId("cm-" + id)
                .receivedAt(java.time.Instant.parse("2026-11-20T10:00:00Z").plusSeconds(second)).build();
    }

    private static List<DeskDelivery> on501(Message... messages) {
        return Arrays.stream(messages).map(m -> Fixture.followUp(m, "501")).toList();
    }

    private static void ticketAndConversations(String conversations) {
        api.stubFor(get("/api/v2/tickets/501").willReturn(okJson("{\"id\":501,\"requester_id\":77,\"status\":2}")));
        api.stubFor(get(urlPathEqualTo("/api/v2/tickets/501/conversations")).willReturn(okJson(conversations)));
    }

    private static List<LoggedRequest> notes() {
        return api.findAll(postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes")));
    }

    @Test
    void aBatchOfThreeBecomesOneIncomingNoteWithTheMessagesInOrderAndEveryMessagesMarker() {
        ticketAndConversations("[]");
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(okJson("{\"id\":9001}").withStatus(201)));

        List<DeskResult> results = connector.deliverAll(on501(message("m1", "Hello", 0),
                message("m2", "My <parcel> is late", 12), message("m3", "Order 1234", 75)));

        assertThat(results).containsExactly(new DeskResult("501", "9001"), new DeskResult("501", "9001"),
                new DeskResult("501", "9001"));
        api.verify(1, postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes")).withRequestBody(equalToJson("""
                {"body":"<div>[2026-11-20 10:00:00 UTC] Ann<br>Hello<br><br>[2026-11-20 10:00:12 UTC] Ann<br>My &lt;parcel&gt; is late<br><br>[2026-11-20 10:01:15 UTC] Ann<br>Order 1234</div><!-- omnibridge:idem-m1 --><!-- omnibridge:idem-m2 --><!-- omnibridge:idem-m3 -->",
                 "private":false,"incoming":true,"user_id":77}""")));
        api.verify(1, getRequestedFor(urlEqualTo("/api/v2/tickets/501")));
        api.verify(1, getRequestedFor(urlPathEqualTo("/api/v2/tickets/501/conversations")));
    }

    @Test
    void repeatingTheBatchOrAnyPartOfItFindsTheNoteByItsMarkersAndPostsOnlyNewMessages() {
        ticketAndConversations("""
                [{"id":9001,"body":"<div>...</div><!-- omnibridge:idem-m1 --><!-- omnibridge:idem-m2 --><!-- omnibridge:idem-m3 -->",
                  "body_text":"...","incoming":true,"private":false,"user_id":77,"source":2,
                  "created_at":"2026-11-20T10:01:20Z"}]""");
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(okJson("{\"id\":9002}").withStatus(201)));

        assertThat(connector.deliverAll(on501(message("m1", "Hello", 0), message("m2", "Late", 12),
                message("m3", "Order 1234", 75)))).extracting(DeskResult::itemId).containsExactly("9001", "9001", "9001");
        assertThat(connector.deliverAll(on501(message("m2", "Late", 12), message("m3", "Order 1234", 75))))
                .extracting(DeskResult::itemId).containsExactly("9001", "9001");
        assertThat(connector.deliver(Fixture.followUp(message("m3", "Order 1234", 75), "501")).itemId())
                .isEqualTo("9001");
        assertThat(notes()).isEmpty();

        List<DeskResult> results = connector.deliverAll(on501(message("m3", "Order 1234", 75),
                message("m4", "Still waiting", 90)));

        assertThat(results).containsExactly(new DeskResult("501", "9001"), new DeskResult("501", "9002"));
        api.verify(1, postRequestedFor(urlEqualTo("/api/v2/tickets/501/notes")).withRequestBody(equalToJson("""
                {"body":"<div>Still waiting</div><!-- omnibridge:idem-m4 -->","private":false,"incoming":true,
                 "user_id":77}""")));
    }

    @Test
    void whenFreshdesksSanitiserDroppedTheMarkersEachMessageIsFoundByItsSectionInTheNotesText() {
        // body_text as Freshdesk renders the note's HTML: the sections' line breaks become whitespace.
        ticketAndConversations("""
                [{"id":9001,"body":"<div>[2026-11-20 10:00:00 UTC] Ann<br>Hello<br><br>[2026-11-20 10:00:12 UTC] Ann<br>Late</div>",
                  "body_text":"[2026-11-20 10:00:00 UTC] Ann Hello  [2026-11-20 10:00:12 UTC] Ann Late",
                  "incoming":true,"private":false,"user_id":77,"source":2,"created_at":"2026-11-20T10:00:20Z"}]""");

        assertThat(connector.deliverAll(on501(message("m1", "Hello", 0), message("m2", "Late", 12))))
                .extracting(DeskResult::itemId).containsExactly("9001", "9001");
        assertThat(connector.deliver(Fixture.followUp(message("m2", "Late", 12), "501")).itemId()).isEqualTo("9001");
        assertThat(notes()).isEmpty();
    }

    @Test
    void a429OnTheBatchNoteIsRetryableAfterItsRetryAfterWithNothingRecordedAsDelivered() {
        ticketAndConversations("[]");
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "37").withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"You have exceeded the limit of requests per minute\"}")));

        DeliveryException e = catchThrowableOfType(() -> connector.deliverAll(on501(message("m1", "a", 0),
                message("m2", "b", 1), message("m3", "c", 2))), DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(37));
        assertThat(e.delivered()).as("the one note carrying all three failed").isEmpty();
        assertThat(notes()).hasSize(1);
    }

    @Test
    void customerMessagesAndAnInternalOneGoAsTwoNotesInOrderAndAFailureOfTheSecondKeepsTheFirstDelivered() {
        ticketAndConversations("[]");
        api.stubFor(post("/api/v2/tickets/501/notes").inScenario("two").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"id\":9100}").withStatus(201)).willSetStateTo("second"));
        api.stubFor(post("/api/v2/tickets/501/notes").inScenario("two").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503)));
        List<DeskDelivery> batch = new ArrayList<>(on501(message("m1", "a", 0), message("m2", "b", 1)));
        batch.add(Fixture.internalNote("501"));

        DeliveryException e = catchThrowableOfType(() -> connector.deliverAll(batch), DeliveryException.class);

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.delivered()).containsExactly(new DeskResult("501", "9100"), new DeskResult("501", "9100"));
        List<LoggedRequest> notes = notes();
        assertThat(notes).hasSize(2);
        assertThat(notes.get(0).getBodyAsString()).contains("\"private\":false").contains("idem-m1")
                .contains("idem-m2").doesNotContain("idem-msg-sys");
        assertThat(notes.get(1).getBodyAsString()).isEqualTo("{\"body\":\"<div>This reply was not delivered to the "
                + "customer: opted out</div><!-- omnibridge:idem-msg-sys -->\",\"private\":true}");
    }

    @Test
    void filesOfABatchTogetherOverFreshdesks20MbPerNoteAreSplitIntoNotesEachWithinIt() throws Exception {
        ticketAndConversations("[]");
        api.stubFor(post("/api/v2/tickets/501/notes").willReturn(okJson("{\"id\":9200}").withStatus(201)));
        List<Message> messages = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            // The stored bytes are small; the declared sizes (8 MB each) are what the plan goes by.
            Attachment stored = Fixture.stored(ctx, "scan" + i + ".pdf", "application/pdf", ("pdf" + i).getBytes());
            Attachment big = new Attachment(stored.fileName(), stored.mediaType(), 8L * 1024 * 1024,
                    stored.sha256(), stored.location());
            messages.add(message("m" + i, "scan " + i, i).toBuilder().attachments(List.of(big)).build());
        }

        List<DeskResult> results = connector.deliverAll(on501(messages.toArray(Message[]::new)));

        assertThat(results).extracting(DeskResult::itemId).containsExactly("9200", "9200", "9200");
        List<LoggedRequest> notes = notes();
        assertThat(notes).as("16 MB in the first note, the third file would pass 20 MB").hasSize(2);
        assertThat(notes.get(0).getHeader("Content-Type")).startsWith("multipart/form-data");
        assertThat(notes.get(0).getBodyAsString()).contains("filename=\"scan1.pdf\"").contains("filename=\"scan2.pdf\"")
                .doesNotContain("scan3.pdf").contains("idem-m1").contains("idem-m2");
        assertThat(notes.get(1).getBodyAsString()).contains("filename=\"scan3.pdf\"").contains("idem-m3")
                .doesNotContain("idem-m1");
    }

    @Test
    void maxBatchIsTheMessagesPerNoteSettingAndOneMeansEveryMessageIsDeliveredAlone() throws Exception {
        assertThat(new FreshdeskConnector().maxBatch()).as("before start").isEqualTo(1);
        assertThat(connector.maxBatch()).isEqualTo(20);
        assertThat(started(Map.of("messagesPerNote", 1)).maxBatch()).isEqualTo(1);
        Map<String, Object> tooMany = new HashMap<>(Fixture.settings(api.baseUrl()));
        tooMany.put("messagesPerNote", 101);
        List<ConfigProblem> problems = new ArrayList<>();
        new FreshdeskType().config().parse("fd", tooMany, problems);
        assertThat(problems).extracting(ConfigProblem::key).containsExactly("messagesPerNote");
    }
}
