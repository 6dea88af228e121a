package dev.omnibridge.connector.hubspot;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.hubspot.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Follow-ups of one ticket delivered together ({@code deliverAll}) become one notes batch create. Stubs are shaped
 * from HubSpot's references: "Create notes" (POST /crm/v3/objects/notes/batch/create, inputs[] with properties,
 * associations and objectWriteTraceId; answer {status, results[], errors[], numErrors}), and "Using object APIs"
 * (batch endpoints take up to 100 inputs; with a unique objectWriteTraceId per input the answer is 207
 * Multi-Status, failed inputs listed in errors[] with context.objectWriteTraceId):
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/activities/notes/batch/create-notes,
 * https://developers.hubspot.com/docs/api-reference/latest/crm/using-object-apis#multi-status-errors-for-batch-create-requests.
 * HubSpot does not return results in input order (HubSpot/hubspot-api-nodejs#190), so the stubs shuffle them.
 */
class HubSpotBatchTest {
    @RegisterExtension
    static WireMockExtension api = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String NOTES_OF_TICKET = "/crm/v4/objects/tickets/9001/associations/notes?limit=500";
    static final String BATCH_CREATE = "/crm/v3/objects/notes/batch/create";

    private static DeskDelivery followUp(String text, String key, String at) {
        return Fixture.delivery(Fixture.message(text).receivedAt(java.time.Instant.parse(at)).build(), Fixture.ann(),
                "conv-1", "9001", key);
    }

    private static List<DeskDelivery> three() {
        return List.of(followUp("first", "key-1", "2026-01-05T10:00:01Z"),
                followUp("second", "key-2", "2026-01-05T10:00:02Z"),
                followUp("third", "key-3", "2026-01-05T10:00:03Z"));
    }

    /** A created note as HubSpot answers it: its id and the properties written, the note body among them. */
    private static String created(String id, String key) {
        return "{\"id\":\"" + id + "\",\"properties\":{\"hs_note_body\":\"<p>x</p><p><small>omnibridge-ref: " + key
                + "</small></p>\",\"hs_timestamp\":\"2026-01-05T10:00:00Z\"},\"createdAt\":\"2026-01-05T10:00:05Z\","
                + "\"updatedAt\":\"2026-01-05T10:00:05Z\",\"archived\":false}";
    }

    @Test
    void threeFollowUpsBecomeOneBatchCreateInConversationOrderWithEachMessagesTimestamp() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo(BATCH_CREATE)).willReturn(json(201, "{\"status\":\"COMPLETE\",\"results\":["
                + created("n-3", "key-3") + "," + created("n-1", "key-1") + "," + created("n-2", "key-2")
                + "],\"startedAt\":\"2026-01-05T10:00:04Z\",\"completedAt\":\"2026-01-05T10:00:05Z\"}")));

        List<DeskResult> results = f.connector.deliverAll(three());

        assertThat(results).containsExactly(new DeskResult("9001", "n-1"), new DeskResult("9001", "n-2"),
                new DeskResult("9001", "n-3"));
        api.verify(1, postRequestedFor(urlEqualTo(BATCH_CREATE)));
        api.verify(0, postRequestedFor(urlEqualTo("/crm/v3/objects/notes")));
        api.verify(postRequestedFor(urlEqualTo(BATCH_CREATE))
                .withRequestBody(matchingJsonPath("$.inputs[0].properties.hs_note_body", containing("first")))
                .withRequestBody(matchingJsonPath("$.inputs[0].properties.hs_timestamp",
                        equalTo("2026-01-05T10:00:01Z")))
                .withRequestBody(matchingJsonPath("$.inputs[0].objectWriteTraceId", equalTo("key-1")))
                .withRequestBody(matchingJsonPath("$.inputs[0].associations[0].to.id", equalTo("9001")))
                .withRequestBody(matchingJsonPath("$.inputs[0].associations[0].types[0].associationTypeId",
                        equalTo("228")))
                .withRequestBody(matchingJsonPath("$.inputs[1].properties.hs_note_body", containing("second")))
                .withRequestBody(matchingJsonPath("$.inputs[1].properties.hs_timestamp",
                        equalTo("2026-01-05T10:00:02Z")))
                .withRequestBody(matchingJsonPath("$.inputs[2].properties.hs_note_body",
                        containing("omnibridge-ref: key-3")))
                .withRequestBody(matchingJsonPath("$.inputs[2].objectWriteTraceId", equalTo("key-3")))
                .withRequestBody(matchingJsonPath("$.inputs[3]", absent())));
    }

    @Test
    void resultsNamingTheirObjectWriteTraceIdAreMatchedByIt() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        // The 2026-03 reference's result schema carries objectWriteTraceId and need not echo the body.
        api.stubFor(post(urlEqualTo(BATCH_CREATE)).willReturn(json(201, "{\"status\":\"COMPLETE\",\"results\":["
                + "{\"id\":\"n-2\",\"objectWriteTraceId\":\"key-2\",\"properties\":{}},"
                + "{\"id\":\"n-1\",\"objectWriteTraceId\":\"key-1\",\"properties\":{}},"
                + "{\"id\":\"n-3\",\"objectWriteTraceId\":\"key-3\",\"properties\":{}}]}")));

        assertThat(f.connector.deliverAll(three())).extracting(DeskResult::itemId).containsExactly("n-1", "n-2", "n-3");
    }

    @Test
    void aRepeatedBatchFindsTheNotesItMadeAndCreatesOnlyTheMissingOne() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200,
                "{\"results\":[{\"toObjectId\":54},{\"toObjectId\":56}]}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes/batch/read")).willReturn(json(200, """
                {"status":"COMPLETE","results":[
                  {"id":"54","properties":{"hs_note_body":"<p>a</p><p><small>omnibridge-ref: key-1</small></p>"}},
                  {"id":"56","properties":{"hs_note_body":"<p>c</p><p><small>omnibridge-ref: key-3</small></p>"}}]}""")));
        api.stubFor(post(urlEqualTo(BATCH_CREATE)).willReturn(json(201,
                "{\"status\":\"COMPLETE\",\"results\":[" + created("n-2", "key-2") + "]}")));

        List<DeskResult> results = f.connector.deliverAll(three());

        assertThat(results).extracting(DeskResult::itemId).containsExactly("54", "n-2", "56");
        api.verify(1, postRequestedFor(urlEqualTo(BATCH_CREATE)));
        api.verify(postRequestedFor(urlEqualTo(BATCH_CREATE))
                .withRequestBody(matchingJsonPath("$.inputs[0].objectWriteTraceId", equalTo("key-2")))
                .withRequestBody(matchingJsonPath("$.inputs[1]", absent())));
    }

    @Test
    void aBatchWhoseNotesAllExistPostsNothing() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200,
                "{\"results\":[{\"toObjectId\":54},{\"toObjectId\":55},{\"toObjectId\":56}]}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes/batch/read")).willReturn(json(200, """
                {"status":"COMPLETE","results":[
                  {"id":"56","properties":{"hs_note_body":"<p>c</p><p><small>omnibridge-ref: key-3</small></p>"}},
                  {"id":"54","properties":{"hs_note_body":"<p>a</p><p><small>omnibridge-ref: key-1</small></p>"}},
                  {"id":"55","properties":{"hs_note_body":"<p>b</p><p><small>omnibridge-ref: key-2</small></p>"}}]}""")));

        assertThat(f.connector.deliverAll(three())).extracting(DeskResult::itemId).containsExactly("54", "55", "56");
        api.verify(0, postRequestedFor(urlEqualTo(BATCH_CREATE)));
        api.verify(0, postRequestedFor(urlEqualTo("/crm/v3/objects/notes")));
    }

    @Test
    void aMultiStatusAnswerReportsTheNotesBeforeTheFirstFailedOneAndAPermanentFailureForIt() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo(BATCH_CREATE)).willReturn(json(207, "{\"status\":\"COMPLETE\",\"results\":["
                + created("n-3", "key-3") + "," + created("n-1", "key-1") + "],\"numErrors\":1,\"errors\":[{"
                + "\"status\":\"error\",\"category\":\"VALIDATION_ERROR\",\"message\":\"Property values were not "
                + "valid: hs_note_body too long (ann@example.com)\",\"context\":{\"objectWriteTraceId\":[\"key-2\"]}}],"
                + "\"startedAt\":\"2026-01-05T10:00:04Z\",\"completedAt\":\"2026-01-05T10:00:05Z\"}")));

        assertThatThrownBy(() -> f.connector.deliverAll(three())).isInstanceOfSatisfying(DeliveryException.class,
                e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.delivered()).containsExactly(new DeskResult("9001", "n-1"));
                    assertThat(e.getMessage()).contains("VALIDATION_ERROR").doesNotContain("ann@example.com")
                            .doesNotContain(Fixture.TOKEN);
                });
    }

    @Test
    void aRateLimitedInputIsRetryableAfterTheNotesBeforeIt() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo(BATCH_CREATE)).willReturn(json(207, "{\"status\":\"COMPLETE\",\"results\":["
                + created("n-1", "key-1") + "," + created("n-2", "key-2") + "],\"numErrors\":1,\"errors\":[{"
                + "\"status\":\"error\",\"category\":\"RATE_LIMITS\",\"message\":\"You have reached your "
                + "secondly limit.\",\"context\":{\"objectWriteTraceId\":[\"key-3\"]}}]}")));

        assertThatThrownBy(() -> f.connector.deliverAll(three())).isInstanceOfSatisfying(DeliveryException.class,
                e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.delivered()).extracting(DeskResult::itemId).containsExactly("n-1", "n-2");
                });
    }

    @Test
    void a429ForTheWholeBatchIsRetryableWithRetryAfterAndNothingApplied() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo(BATCH_CREATE)).willReturn(json(429,
                "{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_rolling limit.\","
                        + "\"errorType\":\"RATE_LIMIT\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}")
                .withHeader("Retry-After", "1")));

        assertThatThrownBy(() -> f.connector.deliverAll(three())).isInstanceOfSatisfying(DeliveryException.class,
                e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                    assertThat(e.delivered()).isEmpty();
                });
    }

    @Test
    void aBatchRefusedAsAWholeIsSentOneNoteAtATimeSoTheFailureNamesTheMessageThatCausedIt() {
        Fixture f = new Fixture(api);
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo(BATCH_CREATE)).willReturn(json(400, "{\"status\":\"error\","
                + "\"message\":\"Property values were not valid\",\"category\":\"VALIDATION_ERROR\"}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).withRequestBody(containing("first"))
                .willReturn(json(201, "{\"id\":\"n-1\"}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).withRequestBody(containing("second"))
                .willReturn(json(400, "{\"status\":\"error\",\"message\":\"Property values were not valid\","
                        + "\"category\":\"VALIDATION_ERROR\"}")));

        assertThatThrownBy(() -> f.connector.deliverAll(three())).isInstanceOfSatisfying(DeliveryException.class,
                e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.delivered()).containsExactly(new DeskResult("9001", "n-1"));
                });
        api.verify(0, postRequestedFor(urlEqualTo("/crm/v3/objects/notes")).withRequestBody(containing("third")));
    }

    @Test
    void batchesTakeUpTo100NotesByDefaultAndOneWhenConfiguredSo() {
        assertThat(new Fixture(api).connector.maxBatch()).isEqualTo(100);
        Fixture one = new Fixture(api, Map.of("maxBatch", 1));
        assertThat(one.connector.maxBatch()).isEqualTo(1);

        // With maxBatch 1 a follow-up is still the single note create it always was.
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).willReturn(json(201, "{\"id\":\"n-9\"}")));
        assertThat(one.connector.deliver(followUp("alone", "key-9", "2026-01-05T10:00:09Z")))
                .isEqualTo(new DeskResult("9001", "n-9"));
        api.verify(0, postRequestedFor(urlEqualTo(BATCH_CREATE)));
    }

    @Test
    void maxBatchIsCheckedAgainstHubSpotsLimitOf100Inputs() {
        for (int wrong : new int[]{0, 101}) {
            List<dev.omnibridge.config.ConfigProblem> problems = new java.util.ArrayList<>();
            new HubSpotType().config().parse("hs", Map.of("accessToken", "t", "clientSecret", "c", "maxBatch", wrong),
                    problems);
            assertThat(problems).extracting(Object::toString).anySatisfy(p -> assertThat(p).contains("maxBatch"));
        }
    }

    @Test
    void aFileThatCannotBeUploadedFailsItsOwnMessageAfterTheNotesBeforeItAreMade() {
        Fixture f = new Fixture(api);
        var file = f.stored("receipt.pdf", "application/pdf", "%PDF-1.4");
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        api.stubFor(post(urlEqualTo("/files/v3/files")).willReturn(json(400,
                "{\"status\":\"error\",\"message\":\"File type not allowed\",\"category\":\"VALIDATION_ERROR\"}")));
        api.stubFor(post(urlEqualTo(BATCH_CREATE)).willReturn(json(201,
                "{\"status\":\"COMPLETE\",\"results\":[" + created("n-1", "key-1") + "]}")));
        List<DeskDelivery> batch = List.of(followUp("first", "key-1", "2026-01-05T10:00:01Z"),
                Fixture.delivery(Fixture.message("receipt").attachments(List.of(file)).build(), Fixture.ann(),
                        "conv-1", "9001", "key-2"), followUp("third", "key-3", "2026-01-05T10:00:03Z"));

        assertThatThrownBy(() -> f.connector.deliverAll(batch)).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains("/files/v3/files");
            assertThat(e.delivered()).containsExactly(new DeskResult("9001", "n-1"));
        });
        api.verify(1, postRequestedFor(urlEqualTo(BATCH_CREATE)));
        api.verify(postRequestedFor(urlEqualTo(BATCH_CREATE))
                .withRequestBody(matchingJsonPath("$.inputs[0].objectWriteTraceId", equalTo("key-1")))
                .withRequestBody(matchingJsonPath("$.inputs[1]", absent())));
    }

    @Test
    void withMaxBatchOneABatchIsStillOneNoteCreatePerMessage() {
        Fixture f = new Fixture(api, Map.of("maxBatch", 1));
        api.stubFor(get(urlEqualTo(NOTES_OF_TICKET)).willReturn(json(200, "{\"results\":[]}")));
        for (String n : new String[]{"1", "2", "3"}) {
            api.stubFor(post(urlEqualTo("/crm/v3/objects/notes")).withRequestBody(containing("omnibridge-ref: key-" + n))
                    .willReturn(json(201, "{\"id\":\"n-" + n + "\"}")));
        }

        assertThat(f.connector.deliverAll(three())).extracting(DeskResult::itemId).containsExactly("n-1", "n-2", "n-3");
        api.verify(0, postRequestedFor(urlEqualTo(BATCH_CREATE)));
        api.verify(3, postRequestedFor(urlEqualTo("/crm/v3/objects/notes")));
    }
}
