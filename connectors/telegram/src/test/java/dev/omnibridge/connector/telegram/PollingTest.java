package dev.omnibridge.connector.telegram;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.ThreadMove;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.telegram.Fixtures.await;
import static dev.omnibridge.connector.telegram.Fixtures.message;
import static dev.omnibridge.connector.telegram.Fixtures.okJson;
import static dev.omnibridge.connector.telegram.Fixtures.path;
import static dev.omnibridge.connector.telegram.Fixtures.textUpdate;
import static dev.omnibridge.connector.telegram.Fixtures.update;
import static dev.omnibridge.connector.telegram.Fixtures.updates;
import static org.assertj.core.api.Assertions.assertThat;

class PollingTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private TelegramConnector connector;

    @BeforeEach
    void stubs() {
        Fixtures.ok(wm, "deleteWebhook", "true");
        // Anything not stubbed more specifically: no updates.
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).atPriority(10).willReturn(okJson(updates())));
    }

    @AfterEach
    void stop() throws Exception {
        if (connector != null) {
            connector.stop();
        }
    }

    private void start(FakeConnectorContext ctx) throws Exception {
        connector = new TelegramConnector(Duration.ofMillis(100));
        connector.start(ctx);
    }

    private static void updatesWithoutOffset(String body) {
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).atPriority(1)
                .withRequestBody(notContaining("\"offset\"")).willReturn(okJson(body)));
    }

    private static void updatesAt(long offset, String body) {
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).atPriority(1)
                .withRequestBody(matchingJsonPath("$.offset", equalTo(String.valueOf(offset))))
                .willReturn(okJson(body)));
    }

    private static List<LoggedRequest> polls() {
        return wm.findAll(postRequestedFor(urlEqualTo(path("getUpdates"))));
    }

    @Test
    void nonContiguousBatchIsOneSubmitAndTheNextPollAcknowledgesIt() throws Exception {
        updatesWithoutOffset(updates(textUpdate(100, 1, "one"), textUpdate(103, 2, "two"),
                textUpdate(107, 3, "three")));
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        start(ctx);

        await(() -> polls().stream().anyMatch(r -> r.getBodyAsString().contains("\"offset\":108")), "poll at 108");
        wm.verify(postRequestedFor(urlEqualTo(path("deleteWebhook"))));
        List<Inbound> submitted = ctx.submissions();
        assertThat(submitted).hasSize(1);
        assertThat(submitted.get(0).messages()).extracting(Message::channelMessageId)
                .containsExactly("42:1", "42:2", "42:3");
        assertThat(submitted.get(0).offsets()).containsEntry("updateId", "107").containsKey("updateIdAt");
        assertThat(ctx.offsets()).containsEntry("updateId", "107");
        wm.verify(postRequestedFor(urlEqualTo(path("getUpdates")))
                .withRequestBody(matchingJsonPath("$.timeout", equalTo("0")))
                .withRequestBody(matchingJsonPath("$.allowed_updates[0]", equalTo("message")))
                .withRequestBody(matchingJsonPath("$.allowed_updates[1]", equalTo("edited_message"))));
        // No other poll without offset after the batch was stored: the offset lives in the store only.
        assertThat(polls().stream().filter(r -> !r.getBodyAsString().contains("\"offset\"")).count()).isEqualTo(1);
    }

    @Test
    void crashBetweenStoringAndAcknowledgingRedeliversNothingTwiceAndSkipsNothing() throws Exception {
        // First run: the batch 100, 103 is stored with offset 103, then the process dies before the next
        // getUpdates (the acknowledgement) reached Telegram.
        updatesWithoutOffset(updates(textUpdate(100, 1, "one"), textUpdate(103, 2, "two")));
        updatesAt(104, updates());
        FakeConnectorContext first = Fixtures.context(Fixtures.settings(wm, "polling"));
        start(first);
        await(() -> first.offsets().containsKey("updateId"), "first batch stored");
        connector.stop();
        assertThat(first.offsets()).containsEntry("updateId", "103");

        // After the restart Telegram repeats 103 (never acknowledged) and has a new 106.
        wm.resetRequests();
        updatesAt(104, updates(textUpdate(103, 2, "two"), textUpdate(106, 4, "four")));
        updatesAt(107, updates());
        // What the restarted hub knows: the stored messages and offset. (FakeConnectorContext.restartedAs needs a
        // Camel context, which this connector does not use, so the store is carried over by hand.)
        FakeConnectorContext second = Fixtures.context(Fixtures.settings(wm, "polling"));
        second.submit(new Inbound(first.messages(), null, null, first.offsets()));
        start(second);
        await(() -> polls().stream().anyMatch(r -> r.getBodyAsString().contains("\"offset\":107")), "poll at 107");

        assertThat(polls().get(0).getBodyAsString()).contains("\"offset\":104");
        assertThat(polls()).noneMatch(r -> !r.getBodyAsString().contains("\"offset\""));
        assertThat(second.messages()).extracting(Message::channelMessageId)
                .containsExactly("42:1", "42:2", "42:4");
        assertThat(second.offsets()).containsEntry("updateId", "106");
    }

    @Test
    void failedSubmitRetriesTheSameOffset() throws Exception {
        updatesAt(500, updates(textUpdate(500, 1, "one"), textUpdate(502, 2, "two")));
        updatesAt(503, updates());
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        ctx.submit(Inbound.none().withOffsets(recentOffset(499)));
        ctx.failNextSubmit(new IllegalStateException("store is down"));
        start(ctx);

        await(() -> polls().stream().anyMatch(r -> r.getBodyAsString().contains("\"offset\":503")), "poll at 503");
        long at500 = polls().stream().filter(r -> r.getBodyAsString().contains("\"offset\":500")).count();
        assertThat(at500).isEqualTo(2);
        assertThat(ctx.problems()).anySatisfy(p -> assertThat(p).contains("storing updates up to 502 failed")
                .contains("store is down"));
        assertThat(ctx.messages()).extracting(Message::channelMessageId).containsExactly("42:1", "42:2");
        assertThat(ctx.offsets()).containsEntry("updateId", "502");
    }

    /** An offset as a batch stored a minute ago leaves it: the highest update id and when that update was made. */
    private static Map<String, String> recentOffset(long updateId) {
        return Map.of("updateId", String.valueOf(updateId), "updateIdAt", Instant.now().minusSeconds(60).toString());
    }

    @Test
    void aStoredBatchRecordsWhenItWasStored() throws Exception {
        updatesWithoutOffset(updates(textUpdate(100, 1, "one")));
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        Instant before = Instant.now();
        start(ctx);
        await(() -> ctx.offsets().containsKey("updateId"), "batch stored");

        assertThat(ctx.offsets()).containsEntry("updateId", "100");
        assertThat(Instant.parse(ctx.offsets().get("updateIdAt"))).isBetween(before, Instant.now());
    }

    @Test
    void afterAQuietWeekTheStoredOffsetIsNotSentSoUpdatesWithRestartedIdsAreNotConfirmedUnseen() throws Exception {
        // The last stored update is 8 days old. Telegram picks the next update_id at random after a week without
        // updates, here 17, far below the stored 9000: polling with offset 9001 would confirm it unseen.
        updatesAt(9001, updates());
        updatesWithoutOffset(updates(textUpdate(17, 5, "back after a week")));
        updatesAt(18, updates());
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        ctx.submit(Inbound.none().withOffsets(Map.of("updateId", "9000",
                "updateIdAt", Instant.now().minus(Duration.ofDays(8)).toString())));
        start(ctx);

        await(() -> polls().stream().anyMatch(r -> r.getBodyAsString().contains("\"offset\":18")), "poll at 18");
        assertThat(polls()).noneMatch(r -> r.getBodyAsString().contains("\"offset\":9001"));
        assertThat(polls().get(0).getBodyAsString()).doesNotContain("\"offset\"");
        assertThat(ctx.messages()).extracting(Message::text).containsExactly("back after a week");
        assertThat(ctx.offsets()).containsEntry("updateId", "17");
    }

    @Test
    void anOffsetStoredWithoutItsTimeIsNotTrustedUntilTheNextBatch() throws Exception {
        // An offset saved by an earlier version has no time: it may be older than a week, so it is not sent.
        updatesAt(9001, updates());
        updatesWithoutOffset(updates(textUpdate(9005, 6, "hello")));
        updatesAt(9006, updates());
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        ctx.submit(Inbound.none().withOffsets(Map.of("updateId", "9000")));
        start(ctx);

        await(() -> polls().stream().anyMatch(r -> r.getBodyAsString().contains("\"offset\":9006")),
                "poll at 9006");
        assertThat(polls()).noneMatch(r -> r.getBodyAsString().contains("\"offset\":9001"));
        assertThat(ctx.messages()).extracting(Message::text).containsExactly("hello");
    }

    @Test
    void aRecentOffsetIsSentAsBefore() throws Exception {
        updatesAt(9001, updates(textUpdate(9001, 7, "next")));
        updatesAt(9002, updates());
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        ctx.submit(Inbound.none().withOffsets(recentOffset(9000)));
        start(ctx);

        await(() -> polls().stream().anyMatch(r -> r.getBodyAsString().contains("\"offset\":9002")),
                "poll at 9002");
        assertThat(polls()).allMatch(r -> r.getBodyAsString().contains("\"offset\""));
        assertThat(ctx.messages()).extracting(Message::text).containsExactly("next");
    }

    @Test
    void aPolledGroupUpgradeMovesTheConversationWithTheBatchThatCarriesIt() throws Exception {
        String oldGroup = "{\"id\":-4012345678,\"title\":\"Team\",\"type\":\"group\"}";
        String supergroup = "{\"id\":-1004012345678,\"title\":\"Team\",\"type\":\"supergroup\"}";
        String from = Fixtures.user(78, "Cy", "Dee", "cyd");
        updatesWithoutOffset(updates(
                "{\"update_id\":300,\"message\":{\"message_id\":20,\"from\":" + from + ",\"chat\":" + oldGroup
                        + ",\"date\":1735689600,\"migrate_to_chat_id\":-1004012345678}}",
                "{\"update_id\":301,\"message\":{\"message_id\":1,\"from\":" + from + ",\"chat\":" + supergroup
                        + ",\"date\":1735689600,\"migrate_from_chat_id\":-4012345678}}",
                "{\"update_id\":302,\"message\":{\"message_id\":2,\"from\":" + from + ",\"chat\":" + supergroup
                        + ",\"date\":1735689601,\"text\":\"we are a supergroup now\"}}"));
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        start(ctx);
        await(() -> ctx.offsets().containsKey("updateId"), "batch stored");

        Inbound batch = ctx.submissions().get(0);
        assertThat(batch.threadMoves()).containsOnly(new ThreadMove("-4012345678", "-1004012345678"));
        assertThat(batch.messages()).extracting(Message::threadKey).containsExactly("-1004012345678");
        assertThat(batch.offsets()).containsEntry("updateId", "302");
    }

    @Test
    void emptyAnswersDoNotHotLoop() throws Exception {
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        connector = new TelegramConnector();   // default pause
        connector.start(ctx);
        Thread.sleep(1500);
        assertThat(polls().size()).isBetween(1, 6);
        assertThat(ctx.submissions()).isEmpty();
    }

    @Test
    void conflictWithAWebhookDeletesItAndReportsIt() throws Exception {
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).atPriority(1).willReturn(Fixtures.error(409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                        + "the webhook first", null)));
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        start(ctx);
        await(() -> ctx.problems().stream().anyMatch(p -> p.contains("409")), "409 reported");
        await(() -> wm.findAll(postRequestedFor(urlEqualTo(path("deleteWebhook")))).size() >= 2,
                "webhook deleted again");
        assertThat(wm.findAll(postRequestedFor(urlEqualTo(path("deleteWebhook")))
                .withRequestBody(containing("drop_pending_updates")))).isNotEmpty();
    }

    @Test
    void anotherPollerEndingGetUpdatesDuringATakeOverIsRetriedWithoutAlarmOrWebhookDeletion() throws Exception {
        // Issue 25: while a hub node takes the source over from another, both may call getUpdates for a moment.
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).atPriority(1).willReturn(Fixtures.error(409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                null)));
        FakeConnectorContext ctx = Fixtures.context(Fixtures.settings(wm, "polling"));
        start(ctx);
        await(() -> polls().size() >= 2, "polled again after the conflict");
        assertThat(ctx.problems()).as("no alarm during a take-over").isEmpty();
        assertThat(wm.findAll(postRequestedFor(urlEqualTo(path("deleteWebhook")))))
                .as("only the one at start: no webhook to delete").hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aFileThatCannotBeFetchedDoesNotStallPollingAndArrivesLater() throws Exception {
        Map<String, Object> settings = Fixtures.settings(wm, "polling");
        settings.put("fileRetryDelay", "50ms");
        FakeConnectorContext ctx = Fixtures.context(settings);
        wm.stubFor(post(urlEqualTo(path("getFile"))).inScenario("file").whenScenarioStateIs(
                com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("up"));
        wm.stubFor(post(urlEqualTo(path("getFile"))).inScenario("file").whenScenarioStateIs("up")
                .willReturn(okJson("{\"ok\":true,\"result\":{\"file_id\":\"F\",\"file_unique_id\":\"f\","
                        + "\"file_size\":3,\"file_path\":\"documents/file_1.txt\"}}")));
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/file/bot" + Fixtures.TOKEN
                + "/documents/file_1.txt")).willReturn(aResponse().withBody("abc")));
        updatesWithoutOffset(updates(update(200, message(61, "\"document\":{\"file_id\":\"F\","
                + "\"file_unique_id\":\"f\",\"file_name\":\"a.txt\",\"mime_type\":\"text/plain\"}")),
                textUpdate(201, 62, "and another thing")));

        start(ctx);

        await(() -> ctx.offsets().containsKey(TelegramSettings.OFFSET_KEY), "offset stored");
        assertThat(ctx.offsets()).containsEntry(TelegramSettings.OFFSET_KEY, "201");
        assertThat(ctx.findMessage("42:61").orElseThrow().text()).contains("a.txt not fetched yet");
        assertThat(ctx.findMessage("42:62")).isPresent();
        await(() -> ctx.findMessage("42:61#file-1").isPresent(), "the file added later");
        assertThat(ctx.findMessage("42:61#file-1").orElseThrow().attachments()).singleElement()
                .satisfies(a -> assertThat(ctx.attachments().bytes(a.location())).isEqualTo("abc".getBytes()));
    }

    @Test
    void anUpdatePolledAgainDoesNotPutOffOrRestartItsFileRetry() throws Exception {
        // Telegram hands an update again when a poll goes without offset (after a quiet week, or a failed store);
        // here every poll answers it. Its message is stored already, so its file must not be queued again: that
        // reset the attempts and pushed the retry back on every poll, so it never ran while the polls came quicker.
        Map<String, Object> settings = Fixtures.settings(wm, "polling");
        settings.put("fileRetryDelay", "300ms");
        settings.put("fileRetries", 1);
        FakeConnectorContext ctx = Fixtures.context(settings);
        wm.stubFor(post(urlEqualTo(path("getFile"))).willReturn(aResponse().withStatus(500).withBody("oops")));
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).atPriority(1).willReturn(okJson(updates(update(300,
                message(63, "\"document\":{\"file_id\":\"F\",\"file_unique_id\":\"f\",\"file_name\":\"a.txt\"}"))))));

        start(ctx);

        await(() -> ctx.findMessage("42:63#file-1").isPresent(), "the failure noted after the one retry");
        assertThat(ctx.findMessage("42:63#file-1").orElseThrow().text()).contains("could not be fetched after 2");
        int polled = polls().size();
        await(() -> polls().size() > polled + 3, "more polls of the same update");
        assertThat(ctx.offsets()).containsEntry("file.retry.42:63#1", "");
        assertThat(ctx.messages()).extracting(Message::channelMessageId).containsExactly("42:63", "42:63#file-1");
    }
}
