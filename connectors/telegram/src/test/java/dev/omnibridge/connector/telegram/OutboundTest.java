package dev.omnibridge.connector.telegram;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
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
import dev.omnibridge.spi.ThreadMove;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.telegram.Fixtures.error;
import static dev.omnibridge.connector.telegram.Fixtures.okJson;
import static dev.omnibridge.connector.telegram.Fixtures.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ChannelRef CHANNEL = new ChannelRef("telegram", "tg");
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

    private static String sent(long chatId, long messageId) {
        return "{\"ok\":true,\"result\":{\"message_id\":" + messageId + ",\"from\":{\"id\":999,\"is_bot\":true,"
                + "\"first_name\":\"Support\",\"username\":\"acme_support_bot\"},\"chat\":{\"id\":" + chatId
                + ",\"type\":\"private\"},\"date\":1735689999,\"text\":\"x\"}}";
    }

    private static OutboundMessage reply(String threadKey, String text, String replyTo, List<Attachment> files) {
        Message m = Message.builder().direction(Direction.OUTBOUND).channel(CHANNEL).channelMessageId("out-1")
                .threadKey(threadKey).author(Author.agent("Alice")).text(text).replyTo(replyTo).attachments(files)
                .build();
        Conversation c = new Conversation("conv-1", CHANNEL, threadKey, "contact-1", Address.chatUser("42"),
                ConversationStatus.OPEN, Map.of(), Instant.now());
        return new OutboundMessage(m, c, "idem-1");
    }

    @Test
    void sendMessageWithReplyParameters() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(okJson(sent(42, 99))));
        String id = connector.send(reply("42", "Hello Ann", "42:7", List.of()));
        assertThat(id).isEqualTo("42:99");
        wm.verify(postRequestedFor(urlEqualTo(path("sendMessage"))).withHeader("Content-Type",
                        containing("application/json"))
                .withRequestBody(equalToJson("{\"chat_id\":42,\"text\":\"Hello Ann\","
                        + "\"reply_parameters\":{\"message_id\":7}}")));
    }

    @Test
    void replyToAnotherChatOrAnEditIsNotAReplyParameter() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(okJson(sent(42, 100))));
        connector.send(reply("42", "Hi", "43:7", List.of()));
        connector.send(reply("42", "Hi", "42:7:edited:1735689700", List.of()));
        wm.verify(2, postRequestedFor(urlEqualTo(path("sendMessage")))
                .withRequestBody(equalToJson("{\"chat_id\":42,\"text\":\"Hi\"}")));
    }

    @Test
    void topicThreadGoesToTheTopic() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(okJson(sent(-1001234567890L, 5))));
        assertThat(connector.send(reply("-1001234567890:12", "In topic", null, List.of())))
                .isEqualTo("-1001234567890:5");
        wm.verify(postRequestedFor(urlEqualTo(path("sendMessage"))).withRequestBody(equalToJson(
                "{\"chat_id\":-1001234567890,\"message_thread_id\":12,\"text\":\"In topic\"}")));
    }

    /** The Bot API's answer to a send to a basic group that became a supergroup (ResponseParameters). */
    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder upgraded(long supergroup) {
        return com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was "
                        + "upgraded to a supergroup chat\",\"parameters\":{\"migrate_to_chat_id\":" + supergroup + "}}");
    }

    @Test
    void aReplyToAGroupThatBecameASupergroupMovesTheConversationAndIsSentToTheSupergroup() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).withRequestBody(containing("\"chat_id\":-4012345678"))
                .willReturn(upgraded(-1004012345678L)));
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).withRequestBody(containing("\"chat_id\":-1004012345678"))
                .willReturn(okJson(sent(-1004012345678L, 3))));

        String id = connector.send(reply("-4012345678", "Hello group", "-4012345678:7", List.of()));

        assertThat(id).isEqualTo("-1004012345678:3");
        // The group's message ids mean nothing in the supergroup: the retry is not a reply to one.
        wm.verify(postRequestedFor(urlEqualTo(path("sendMessage"))).withRequestBody(equalToJson(
                "{\"chat_id\":-1004012345678,\"text\":\"Hello group\"}")));
        assertThat(ctx.submissions()).singleElement().satisfies(i -> assertThat(i.threadMoves())
                .containsExactly(new ThreadMove("-4012345678", "-1004012345678")));
    }

    @Test
    void aSupergroupThatSaysItMovedAgainIsAPermanentFailure() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).withRequestBody(containing("\"chat_id\":-4012345678"))
                .willReturn(upgraded(-1004012345678L)));
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).withRequestBody(containing("\"chat_id\":-1004012345678"))
                .willReturn(upgraded(-4012345678L)));

        assertThatThrownBy(() -> connector.send(reply("-4012345678", "Hello group", null, List.of())))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("supergroup");
                });
        wm.verify(2, postRequestedFor(urlEqualTo(path("sendMessage"))));
    }

    @Test
    void attachmentsAreUploadedAsPhotoOrDocument() throws Exception {
        byte[] png = "PNGDATA".getBytes(StandardCharsets.UTF_8);
        byte[] pdf = "%PDF".getBytes(StandardCharsets.UTF_8);
        Attachment image = ctx.attachments().store("screenshot.png", "image/png", new ByteArrayInputStream(png), 100);
        Attachment doc = ctx.attachments().store("guide.pdf", "application/pdf", new ByteArrayInputStream(pdf), 100);
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(okJson(sent(42, 10))));
        wm.stubFor(post(urlEqualTo(path("sendPhoto"))).willReturn(okJson(sent(42, 11))));
        wm.stubFor(post(urlEqualTo(path("sendDocument"))).willReturn(okJson(sent(42, 12))));

        assertThat(connector.send(reply("42", "See attached", null, List.of(image, doc)))).isEqualTo("42:10");
        wm.verify(postRequestedFor(urlEqualTo(path("sendPhoto")))
                .withHeader("Content-Type", containing("multipart/form-data"))
                .withRequestBodyPart(aMultipart().withName("chat_id").withBody(equalTo("42")).build())
                .withRequestBodyPart(aMultipart().withName("photo").withHeader("Content-Type", equalTo("image/png"))
                        .withBody(binaryEqualTo(png)).build()));
        wm.verify(postRequestedFor(urlEqualTo(path("sendDocument")))
                .withRequestBodyPart(aMultipart().withName("document").withBody(binaryEqualTo(pdf)).build()));
    }

    @Test
    void attachmentOnlyReplyReturnsThePhotosId() throws Exception {
        Attachment image = ctx.attachments().store("a.jpg", "image/jpeg", new ByteArrayInputStream(new byte[]{1}), 10);
        wm.stubFor(post(urlEqualTo(path("sendPhoto"))).willReturn(okJson(sent(42, 21))));
        assertThat(connector.send(reply("42", "", null, List.of(image)))).isEqualTo("42:21");
        wm.verify(0, postRequestedFor(urlEqualTo(path("sendMessage"))));
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        wm.stubFor(post(urlEqualTo(path("sendMessage")))
                .willReturn(error(429, "Too Many Requests: retry after 5", 5)));
        assertThatThrownBy(() -> connector.send(reply("42", "Hi", null, List.of())))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
                });
    }

    @Test
    void blockedBotIsPermanentAndMarksTheAddressUntilTheCustomerWritesAgain() {
        wm.stubFor(post(urlEqualTo(path("sendMessage")))
                .willReturn(error(403, "Forbidden: bot was blocked by the user", null)));
        assertThatThrownBy(() -> connector.send(reply("42", "Hi", null, List.of())))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("403").contains("blocked");
                });
        assertThat(ctx.submissions()).singleElement().satisfies(i -> assertThat(i.addressStatuses())
                .containsExactly(AddressStatus.unreachable(Address.chatUser("42"), "blocked the bot")));
    }

    @Test
    void chatNotFoundIsPermanentAndMarksTheAddressUntilTheCustomerWritesAgain() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(error(400, "Bad Request: chat not found", null)));
        assertThatThrownBy(() -> connector.send(reply("42", "Hi", null, List.of())))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isFalse());
        assertThat(ctx.submissions()).singleElement().satisfies(i -> assertThat(i.addressStatuses())
                .containsExactly(AddressStatus.unreachable(Address.chatUser("42"), "chat not found")));
    }

    @Test
    void otherBadRequestIsPermanentWithoutRecord() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(error(400, "Bad Request: message is too long",
                null)));
        assertThatThrownBy(() -> connector.send(reply("42", "Hi", null, List.of())))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isFalse());
        assertThat(ctx.submissions()).isEmpty();
    }

    @Test
    void serverErrorIsRetryable() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(error(500, "Internal Server Error", null)));
        assertThatThrownBy(() -> connector.send(reply("42", "Hi", null, List.of())))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void unauthorizedIsRetryableAndReported() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(error(401, "Unauthorized", null)));
        assertThatThrownBy(() -> connector.send(reply("42", "Hi", null, List.of())))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
        assertThat(ctx.problems()).anySatisfy(p -> assertThat(p).contains("401"));
    }

    @Test
    void declaresFourThousandNinetySixCharactersTenButtonsAndFiles() {
        var caps = connector.capabilities();
        assertThat(caps.maxTextLength()).isEqualTo(4096);
        assertThat(caps.maxButtons()).isEqualTo(10);
        assertThat(caps.edits()).isTrue();
        assertThat(caps.accepts(new dev.omnibridge.model.Attachment("p.png", "image/png", 10L * 1024 * 1024 + 1,
                "ab", java.net.URI.create("attachment:ab")))).as("over 10 MB for photos").isFalse();
        assertThat(caps.accepts(new dev.omnibridge.model.Attachment("r.pdf", "application/pdf", 20L * 1024 * 1024,
                "ab", java.net.URI.create("attachment:ab")))).isTrue();
    }

    @Test
    void sendsTheTextItIsGivenAsOneMessageTheHubHavingSplitIt() {
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(okJson(sent(42, 30))));
        String text = "word ".repeat(800).strip();
        connector.send(reply("42", text, null, List.of()));
        assertThat(wm.findAll(postRequestedFor(urlEqualTo(path("sendMessage"))))).singleElement()
                .satisfies(r -> assertThat(r.getBodyAsString()).contains(text));
    }

    @Test
    void aRetryAfterAPartialSendGoesOnWithThePartTelegramHasNotAccepted() {
        // The text is accepted, its file fails once: Telegram takes no idempotency key, so only the saved progress
        // keeps the retry from sending the text again.
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(okJson(sent(42, 30))));
        wm.stubFor(post(urlEqualTo(path("sendDocument"))).inScenario("parts")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(error(500, "Internal Server Error", null)).willSetStateTo("up"));
        wm.stubFor(post(urlEqualTo(path("sendDocument"))).inScenario("parts").whenScenarioStateIs("up")
                .willReturn(okJson(sent(42, 31))));
        var file = new dev.omnibridge.model.Attachment("r.pdf", "application/pdf", 10, null,
                java.net.URI.create("https://cdn.example.com/r.pdf"));
        OutboundMessage reply = reply("42", "The report", null, List.of(file));

        assertThatThrownBy(() -> connector.send(reply))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
        String id = connector.send(reply);

        assertThat(wm.findAll(postRequestedFor(urlEqualTo(path("sendMessage"))))).as("the text went once").hasSize(1);
        assertThat(wm.findAll(postRequestedFor(urlEqualTo(path("sendDocument"))))).hasSize(2);
        assertThat(id).isEqualTo("42:30");
    }
}
