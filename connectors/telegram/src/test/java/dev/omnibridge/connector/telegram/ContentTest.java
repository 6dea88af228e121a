package dev.omnibridge.connector.telegram;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.Role;
import dev.omnibridge.spi.ThreadMove;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.webhook.WebhookOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.time.Instant;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.telegram.Fixtures.SECRET;
import static dev.omnibridge.connector.telegram.Fixtures.TOKEN;
import static dev.omnibridge.connector.telegram.Fixtures.hook;
import static dev.omnibridge.connector.telegram.Fixtures.message;
import static dev.omnibridge.connector.telegram.Fixtures.okJson;
import static dev.omnibridge.connector.telegram.Fixtures.path;
import static dev.omnibridge.connector.telegram.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

/** Message content mapping, through the webhook (the same mapper serves polling). */
class ContentTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private TelegramConnector connector;
    private FakeConnectorContext ctx;

    @BeforeEach
    void start() throws Exception {
        Fixtures.ok(wm, "setWebhook", "true");
        ctx = Fixtures.context(Fixtures.settings(wm, "webhook"));
        connector = new TelegramConnector();
        connector.start(ctx);
    }

    @AfterEach
    void stop() throws Exception {
        connector.stop();
    }

    private Message receive(String updateJson) {
        return WebhookTest.single(connector.onWebhook(hook(updateJson, SECRET)));
    }

    private void file(String fileId, String filePath, long size, byte[] bytes) {
        wm.stubFor(post(urlEqualTo(path("getFile"))).withRequestBody(matchingJsonPath("$.file_id", equalTo(fileId)))
                .willReturn(okJson("{\"ok\":true,\"result\":{\"file_id\":\"" + fileId + "\",\"file_unique_id\":\"u"
                        + fileId + "\",\"file_size\":" + size + ",\"file_path\":\"" + filePath + "\"}}")));
        wm.stubFor(get(urlEqualTo("/file/bot" + TOKEN + "/" + filePath))
                .willReturn(aResponse().withStatus(200).withBody(bytes)));
    }

    @Test
    void textWithEntitiesFromAPrivateChat() {
        Message m = receive(update(100, message(7, "\"text\":\"Hello *world* https://example.com\","
                + "\"entities\":[{\"offset\":6,\"length\":7,\"type\":\"bold\"},"
                + "{\"offset\":14,\"length\":19,\"type\":\"url\"}]")));
        assertThat(m.channelMessageId()).isEqualTo("42:7");
        assertThat(m.threadKey()).isEqualTo("42");
        assertThat(m.text()).isEqualTo("Hello *world* https://example.com");
        assertThat(m.author().role()).isEqualTo(Role.CUSTOMER);
        assertThat(m.author().displayName()).isEqualTo("Ann Lee");
        assertThat(m.author().address()).isEqualTo(Address.chatUser("42"));
        assertThat(m.metadata()).containsEntry("telegram.username", "annlee")
                .containsEntry("telegram.chatType", "private").doesNotContainKey("telegram.chatTitle")
                .containsKey("telegram.entities");
        assertThat(m.channelTimestamp()).isEqualTo(Instant.ofEpochSecond(1735689600));
        assertThat(m.tags()).containsExactly("telegram");
        assertThat(m.replyTo()).isNull();
        assertThat(m.editOf()).isNull();
    }

    @Test
    void photoTakesTheLargestSizeAndIsFetchedThroughGetFile() throws Exception {
        byte[] jpeg = "fake-jpeg-bytes".getBytes(StandardCharsets.UTF_8);
        file("AgADlarge", "photos/file_0.jpg", jpeg.length, jpeg);
        Message m = receive(update(101, message(8, "\"photo\":["
                + "{\"file_id\":\"AgADsmall\",\"file_unique_id\":\"s\",\"file_size\":1000,\"width\":90,\"height\":67},"
                + "{\"file_id\":\"AgADlarge\",\"file_unique_id\":\"l\",\"file_size\":15,\"width\":1280,\"height\":960},"
                + "{\"file_id\":\"AgADmid\",\"file_unique_id\":\"m\",\"file_size\":9000,\"width\":320,\"height\":240}],"
                + "\"caption\":\"my router\"")));
        assertThat(m.text()).isEqualTo("my router");
        assertThat(m.attachments()).singleElement().satisfies(a -> {
            assertThat(a.fileName()).isEqualTo("photo.jpg");
            assertThat(a.mediaType()).isEqualTo("image/jpeg");
            assertThat(a.location().toString()).startsWith("attachment:");
        });
        assertThat(ctx.attachments().bytes(m.attachments().get(0).location())).isEqualTo(jpeg);
        wm.verify(1, postRequestedFor(urlEqualTo(path("getFile"))));
    }

    @Test
    void documentWithAHostileFileNameIsSanitised() throws Exception {
        byte[] pdf = "%PDF-1.4".getBytes(StandardCharsets.UTF_8);
        file("BQACdoc", "documents/file_3.pdf", pdf.length, pdf);
        Message m = receive(update(102, message(9, "\"document\":{\"file_id\":\"BQACdoc\",\"file_unique_id\":\"d\","
                + "\"file_name\":\"../../etc/invoice\\u202Efdp.exe\",\"mime_type\":\"application/pdf\","
                + "\"file_size\":8}")));
        Attachment a = m.attachments().get(0);
        assertThat(a.fileName()).doesNotContain("/").doesNotContain("..").doesNotContain("\u202E");
        assertThat(a.mediaType()).isEqualTo("application/pdf");
        assertThat(ctx.attachments().bytes(a.location())).isEqualTo(pdf);
    }

    @Test
    void voiceIsFetched() throws Exception {
        byte[] ogg = "OggS".getBytes(StandardCharsets.UTF_8);
        file("AwACvoice", "voice/file_5.oga", ogg.length, ogg);
        Message m = receive(update(103, message(10, "\"voice\":{\"file_id\":\"AwACvoice\",\"file_unique_id\":\"v\","
                + "\"duration\":3,\"mime_type\":\"audio/ogg\",\"file_size\":4}")));
        assertThat(m.attachments()).singleElement().satisfies(a -> {
            assertThat(a.fileName()).isEqualTo("voice.ogg");
            assertThat(a.mediaType()).isEqualTo("audio/ogg");
        });
    }

    @Test
    void oversizeFileIsNotFetchedAndNoted() {
        Message m = receive(update(104, message(11, "\"video\":{\"file_id\":\"BAACbig\",\"file_unique_id\":\"b\","
                + "\"width\":1920,\"height\":1080,\"duration\":300,\"mime_type\":\"video/mp4\","
                + "\"file_size\":31457280},\"caption\":\"the bug\"")));
        assertThat(m.attachments()).isEmpty();
        assertThat(m.text()).isEqualTo("the bug\n[video video.mp4 not fetched: larger than the Bot API's 20 MB "
                + "download limit]");
        wm.verify(0, postRequestedFor(urlEqualTo(path("getFile"))));
    }

    @Test
    void fileTooBigAccordingToGetFileIsNoted() {
        wm.stubFor(post(urlEqualTo(path("getFile"))).willReturn(Fixtures.error(400, "Bad Request: file is too big",
                null)));
        Message m = receive(update(105, message(12, "\"document\":{\"file_id\":\"BQACx\",\"file_unique_id\":\"x\","
                + "\"file_name\":\"dump.zip\"}")));
        assertThat(m.text()).isEqualTo("[document dump.zip not fetched: larger than the Bot API's 20 MB download "
                + "limit]");
    }

    @Test
    void stickerLocationAndContactBecomeText() {
        assertThat(receive(update(106, message(13, "\"sticker\":{\"file_id\":\"CAAC\",\"file_unique_id\":\"st\","
                + "\"type\":\"regular\",\"width\":512,\"height\":512,\"is_animated\":false,\"is_video\":false,"
                + "\"emoji\":\"\\uD83D\\uDE00\"}"))).text()).isEqualTo("[sticker \uD83D\uDE00]");
        assertThat(receive(update(107, message(14, "\"location\":{\"latitude\":52.520008,\"longitude\":13.404954}")))
                .text()).isEqualTo("[location 52.520008, 13.404954]");
        assertThat(receive(update(108, message(15, "\"contact\":{\"phone_number\":\"+4915112345678\","
                + "\"first_name\":\"Bob\",\"user_id\":77}"))).text()).isEqualTo("[contact Bob +4915112345678]");
        wm.verify(0, postRequestedFor(urlEqualTo(path("getFile"))));
    }

    @Test
    void replyPointsAtTheAnsweredMessage() {
        Message m = receive(update(109, message(16, "\"text\":\"yes\",\"reply_to_message\":"
                + message(3, "\"text\":\"Shall we?\""))));
        assertThat(m.replyTo()).isEqualTo("42:3");
    }

    @Test
    void editedMessageIsAnEditOfTheOriginal() {
        Message m = receive("{\"update_id\":110,\"edited_message\":" + message(7, "\"edit_date\":1735689700,"
                + "\"text\":\"Hello (fixed)\"") + "}");
        assertThat(m.channelMessageId()).isEqualTo("42:7:edited:1735689700");
        assertThat(m.metadata()).containsEntry(Message.EDIT_OF, "42:7");
        assertThat(m.editOf()).isEqualTo("42:7");
        assertThat(m.channelTimestamp()).isEqualTo(Instant.ofEpochSecond(1735689700));
        assertThat(m.text()).isEqualTo("Hello (fixed)");
    }

    @Test
    void groupChatAndForumTopic() {
        String group = "{\"id\":-1001234567890,\"title\":\"Support Beta\",\"type\":\"supergroup\",\"is_forum\":true}";
        Message inTopic = receive("{\"update_id\":111,\"message\":{\"message_id\":55,\"message_thread_id\":12,"
                + "\"is_topic_message\":true,\"from\":" + Fixtures.user(77, "Bob", null, null) + ",\"chat\":" + group
                + ",\"date\":1735689600,\"text\":\"in a topic\"}}");
        assertThat(inTopic.threadKey()).isEqualTo("-1001234567890:12");
        assertThat(inTopic.channelMessageId()).isEqualTo("-1001234567890:55");
        assertThat(inTopic.author().displayName()).isEqualTo("Bob");
        assertThat(inTopic.author().address()).isEqualTo(Address.chatUser("77"));
        assertThat(inTopic.metadata()).containsEntry("telegram.chatType", "supergroup")
                .containsEntry("telegram.chatTitle", "Support Beta").doesNotContainKey("telegram.username");

        String plainGroup = "{\"id\":-4001,\"title\":\"Team\",\"type\":\"group\"}";
        Message inGroup = receive("{\"update_id\":112,\"message\":{\"message_id\":5,\"from\":"
                + Fixtures.user(78, "Cy", "Dee", "cyd") + ",\"chat\":" + plainGroup
                + ",\"date\":1735689600,\"text\":\"hi all\"}}");
        assertThat(inGroup.threadKey()).isEqualTo("-4001");
        assertThat(inGroup.author().displayName()).isEqualTo("Cy Dee");
        assertThat(inGroup.metadata()).containsEntry("telegram.chatTitle", "Team");
    }

    @Test
    void serviceMessagesAreRecordedAsSkipped() {
        var outcome = connector.onWebhook(hook(update(113, message(17, "\"new_chat_members\":["
                + Fixtures.user(79, "Eve", null, null) + "]")), SECRET));
        assertThat(outcome.inbound().messages()).isEmpty();
        assertThat(outcome.inbound().skipped()).singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("new_chat_members"));
    }

    @Test
    void aGroupUpgradedToASupergroupMovesItsConversationFromEitherServiceMessage() {
        // Telegram posts both: migrate_to_chat_id in the old group, migrate_from_chat_id in the new supergroup.
        String oldGroup = "{\"id\":-4012345678,\"title\":\"Team\",\"type\":\"group\"}";
        String supergroup = "{\"id\":-1004012345678,\"title\":\"Team\",\"type\":\"supergroup\"}";
        var to = connector.onWebhook(hook("{\"update_id\":114,\"message\":{\"message_id\":20,\"from\":"
                + Fixtures.user(78, "Cy", "Dee", "cyd") + ",\"chat\":" + oldGroup + ",\"date\":1735689600,"
                + "\"migrate_to_chat_id\":-1004012345678}}", SECRET));
        var from = connector.onWebhook(hook("{\"update_id\":115,\"message\":{\"message_id\":1,\"from\":"
                + Fixtures.user(78, "Cy", "Dee", "cyd") + ",\"chat\":" + supergroup + ",\"date\":1735689600,"
                + "\"migrate_from_chat_id\":-4012345678}}", SECRET));

        for (var outcome : List.of(to, from)) {
            assertThat(outcome.inbound().threadMoves())
                    .containsExactly(new ThreadMove("-4012345678", "-1004012345678"));
            assertThat(outcome.inbound().messages()).isEmpty();
            assertThat(outcome.inbound().skipped()).isEmpty();
        }
    }

    @Test
    void aFilePathThatLeavesTheBotsFileDirectoryIsNotFetched() {
        wm.stubFor(post(urlEqualTo(path("getFile"))).willReturn(okJson("{\"ok\":true,\"result\":{\"file_id\":"
                + "\"BQACevil\",\"file_unique_id\":\"e\",\"file_size\":5,\"file_path\":\"../../admin/reset?x=1\"}}")));
        wm.stubFor(get(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).willReturn(aResponse().withBody("x")));

        Message m = receive(update(150, message(30, "\"document\":{\"file_id\":\"BQACevil\",\"file_unique_id\":"
                + "\"e\",\"file_name\":\"a.pdf\",\"mime_type\":\"application/pdf\",\"file_size\":5}")));

        assertThat(m.attachments()).isEmpty();
        assertThat(m.text()).contains("a.pdf not fetched");
        wm.verify(0, com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    @Test
    void aFileThatCannotBeFetchedYetIsNotedTheMessageStoredAndTheFileAddedLater() throws Exception {
        connector.stop();
        Map<String, Object> settings = Fixtures.settings(wm, "webhook");
        settings.put("fileRetryDelay", "50ms");
        ctx = Fixtures.context(settings);
        connector = new TelegramConnector();
        connector.start(ctx);
        wm.stubFor(post(urlEqualTo(path("getFile"))).inScenario("file").whenScenarioStateIs(
                com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(Fixtures.error(500, "Internal Server Error", null)).willSetStateTo("up"));
        byte[] pdf = "%PDF-1.4".getBytes(StandardCharsets.UTF_8);
        wm.stubFor(get(urlEqualTo("/file/bot" + TOKEN + "/documents/file_9.pdf"))
                .willReturn(aResponse().withStatus(200).withBody(pdf)));
        wm.stubFor(post(urlEqualTo(path("getFile"))).inScenario("file").whenScenarioStateIs("up")
                .willReturn(okJson("{\"ok\":true,\"result\":{\"file_id\":\"BQAClate\",\"file_unique_id\":\"u\","
                        + "\"file_size\":8,\"file_path\":\"documents/file_9.pdf\"}}")));

        WebhookOutcome outcome = connector.onWebhook(hook(update(160, message(40, "\"document\":{\"file_id\":"
                + "\"BQAClate\",\"file_unique_id\":\"u\",\"file_name\":\"invoice.pdf\",\"mime_type\":"
                + "\"application/pdf\",\"file_size\":8}")), SECRET));
        ctx.submit(outcome.inbound()).toCompletableFuture().join();   // what the hub does before answering 200

        Message stored = ctx.findMessage("42:40").orElseThrow();
        assertThat(stored.attachments()).isEmpty();
        assertThat(stored.text()).contains("document invoice.pdf not fetched yet");
        Fixtures.await(() -> ctx.findMessage("42:40#file-1").isPresent(), "the file added later");
        Message late = ctx.findMessage("42:40#file-1").orElseThrow();
        assertThat(late.replyTo()).isEqualTo("42:40");
        assertThat(ctx.attachments().bytes(late.attachments().get(0).location())).isEqualTo(pdf);
    }
}
