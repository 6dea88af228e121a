package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.spi.ChannelCapabilities;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.meta.Fixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String WA_PATH = "/v23.0/" + Fixtures.PHONE_ID + "/messages";
    static final String WA_OK = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"16505551234\","
            + "\"wa_id\":\"16505551234\"}],\"messages\":[{\"id\":\"wamid.SENT1\"}]}";

    private MetaConnector connector;
    private FakeConnectorContext ctx;

    private void start(Product product, Map<String, Object> extra) {
        Map<String, Object> s = Fixtures.settings(wm, product);
        s.putAll(extra);
        ctx = Fixtures.context(product, s);
        connector = new MetaConnector(product);
        connector.start(ctx);
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    private Conversation wa(Duration ago) {
        return Fixtures.conversationWithInbound(ctx, Product.WHATSAPP, "16505551234", Address.phone("+16505551234"),
                Instant.now().minus(ago));
    }

    private Conversation psid(Product p, Duration ago) {
        return Fixtures.conversationWithInbound(ctx, p, "6873453252741", Address.chatUser("6873453252741"),
                Instant.now().minus(ago));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    @Test
    void whatsAppInsideTheWindowSendsExactTextJson() {
        start(Product.WHATSAPP, Map.of());
        wm.stubFor(post(urlEqualTo(WA_PATH)).willReturn(json(200, WA_OK)));
        String id = connector.send(Fixtures.reply(wa(Duration.ofHours(2)), "Yes, in blue and green.", "wamid.CUST"));
        assertThat(id).isEqualTo("wamid.SENT1");
        wm.verify(postRequestedFor(urlEqualTo(WA_PATH))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
                        + "\"to\":\"16505551234\",\"type\":\"text\",\"context\":{\"message_id\":\"wamid.CUST\"},"
                        + "\"text\":{\"body\":\"Yes, in blue and green.\"}}")));
    }

    @Test
    void whatsAppOutsideTheWindowWithoutTemplateIsPermanent() {
        start(Product.WHATSAPP, Map.of());
        Conversation c = wa(Duration.ofHours(30));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "late answer", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).startsWith("not sent: outside WhatsApp's 24-hour customer service window (last customer message ")
                            .endsWith("); configure templateName to send an approved template");
                    assertThat(e.customerUnreachable()).isTrue();
                });
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void onlyWhatsAppStartsAThreadToAPhoneNumberItsWaIdBeingTheDigits() {
        start(Product.WHATSAPP, Map.of());
        assertThat(connector.threadToStart(dev.omnibridge.model.Address.phone("+16505551234"), "ABCDEFGH"))
                .isEqualTo("16505551234");
        assertThat(connector.threadToStart(dev.omnibridge.model.Address.email("ann@example.com"), "ABCDEFGH")).isNull();
        connector.stop();
        start(Product.MESSENGER, Map.of());
        assertThat(connector.threadToStart(dev.omnibridge.model.Address.phone("+16505551234"), "ABCDEFGH")).isNull();
    }

    @Test
    void whatsAppOutsideTheWindowSendsTheTemplateAndReportsTheReplyAsNotDelivered() {
        start(Product.WHATSAPP, Map.of("templateName", "support_follow_up", "templateLanguage", "de"));
        wm.stubFor(post(urlEqualTo(WA_PATH)).willReturn(json(200, WA_OK.replace("SENT1", "TEMPLATE1"))));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(wa(Duration.ofDays(3)), "late answer", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).as("the reply itself did not go out; retrying would not change that")
                            .isFalse();
                    assertThat(e.getMessage())
                            .startsWith("not sent: outside WhatsApp's 24-hour customer service window (last customer message ")
                            .contains("the re-engagement template 'support_follow_up' was sent instead (wamid.TEMPLATE1)");
                });
        wm.verify(1, postRequestedFor(urlEqualTo(WA_PATH)).withRequestBody(equalToJson(
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"16505551234\","
                        + "\"type\":\"template\",\"template\":{\"name\":\"support_follow_up\",\"language\":{\"code\":\"de\"}}}")));
        wm.verify(1, postRequestedFor(urlEqualTo(WA_PATH)));
    }

    @Test
    void whatsAppSendsTheTemplateOnceUntilTheCustomerWritesBack() {
        start(Product.WHATSAPP, Map.of("templateName", "support_follow_up"));
        wm.stubFor(post(urlEqualTo(WA_PATH)).willReturn(json(200, WA_OK.replace("SENT1", "TEMPLATE1"))));
        Conversation c = wa(Duration.ofDays(3));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "first late answer", null)))
                .isInstanceOf(DeliveryException.class);

        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "second late answer", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).startsWith("not sent: outside WhatsApp's 24-hour customer service window")
                            .contains("the re-engagement template 'support_follow_up' was already sent at ");
                });
        wm.verify(1, postRequestedFor(urlEqualTo(WA_PATH)));
    }

    @Test
    void messengerAndInstagramInsideTheWindow() {
        start(Product.MESSENGER, Map.of());
        String path = "/v23.0/" + Fixtures.PAGE_ID + "/messages";
        wm.stubFor(post(urlEqualTo(path)).willReturn(json(200,
                "{\"recipient_id\":\"6873453252741\",\"message_id\":\"m_SENT\"}")));
        assertThat(connector.send(Fixtures.reply(psid(Product.MESSENGER, Duration.ofMinutes(5)), "Hi!", null)))
                .isEqualTo("m_SENT");
        wm.verify(postRequestedFor(urlEqualTo(path)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("{\"recipient\":{\"id\":\"6873453252741\"},\"messaging_type\":\"RESPONSE\","
                        + "\"message\":{\"text\":\"Hi!\"}}")));
        connector.stop();

    }

    @Test
    void instagramWithFacebookLoginSendsThroughThePageOrMe() {
        // Messenger API for Instagram: Page access token on graph.facebook.com, POST /{PAGE-ID}/messages or /me/messages.
        start(Product.INSTAGRAM, Map.of());
        String mePath = "/v23.0/me/messages";
        wm.stubFor(post(urlEqualTo(mePath)).willReturn(json(200,
                "{\"recipient_id\":\"6873453252741\",\"message_id\":\"aWdfSENT\"}")));
        assertThat(connector.send(Fixtures.reply(psid(Product.INSTAGRAM, Duration.ofHours(23)), "Hello from IG", null)))
                .isEqualTo("aWdfSENT");
        wm.verify(postRequestedFor(urlEqualTo(mePath)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("{\"recipient\":{\"id\":\"6873453252741\"},\"messaging_type\":\"RESPONSE\","
                        + "\"message\":{\"text\":\"Hello from IG\"}}")));
        connector.stop();

        start(Product.INSTAGRAM, Map.of("pageId", Fixtures.PAGE_ID));
        String pagePath = "/v23.0/" + Fixtures.PAGE_ID + "/messages";
        wm.stubFor(post(urlEqualTo(pagePath)).willReturn(json(200,
                "{\"recipient_id\":\"6873453252741\",\"message_id\":\"aWdfPAGE\"}")));
        assertThat(connector.send(Fixtures.reply(psid(Product.INSTAGRAM, Duration.ofHours(1)), "Hi", null)))
                .isEqualTo("aWdfPAGE");
        wm.verify(0, postRequestedFor(urlEqualTo("/v23.0/" + Fixtures.IG_ID + "/messages")));
    }

    @Test
    void instagramWithInstagramLoginSendsToTheAccountsMessagesEdge() {
        // Instagram API with Instagram Login: Instagram user token on graph.instagram.com, POST /{IG-ID}/messages.
        start(Product.INSTAGRAM, Map.of("login", "instagram"));
        String igPath = "/v23.0/" + Fixtures.IG_ID + "/messages";
        wm.stubFor(post(urlEqualTo(igPath)).willReturn(json(200,
                "{\"recipient_id\":\"6873453252741\",\"message_id\":\"aWdfSENT\"}")));
        assertThat(connector.send(Fixtures.reply(psid(Product.INSTAGRAM, Duration.ofHours(23)), "Hello from IG", null)))
                .isEqualTo("aWdfSENT");
        wm.verify(postRequestedFor(urlEqualTo(igPath)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("{\"recipient\":{\"id\":\"6873453252741\"},\"messaging_type\":\"RESPONSE\","
                        + "\"message\":{\"text\":\"Hello from IG\"}}")));
    }

    @Test
    void instagramLoginDefaultsToGraphInstagramComAndFacebookLoginToGraphFacebookCom() {
        Map<String, Object> s = Fixtures.settings(wm, Product.INSTAGRAM);
        s.remove("graphApiBaseUrl");
        s.put("login", "instagram");
        assertThat(MetaSettings.from(Product.INSTAGRAM, Fixtures.context(Product.INSTAGRAM, s).settings())
                .graphApiBaseUrl()).hasToString("https://graph.instagram.com");
        s.put("login", "facebook");
        assertThat(MetaSettings.from(Product.INSTAGRAM, Fixtures.context(Product.INSTAGRAM, s).settings())
                .graphApiBaseUrl()).hasToString("https://graph.facebook.com");
        s.put("login", "tiktok");
        assertThatThrownBy(() -> Fixtures.context(Product.INSTAGRAM, s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'login'");
    }

    private java.util.List<String> sentTexts(String path) {
        return wm.findAll(postRequestedFor(urlEqualTo(path))).stream()
                .map(r -> Fixtures.json(r.getBodyAsString()).path("message").path("text").asText()).toList();
    }

    @Test
    void eachProductDeclaresItsTextLimitButtonsAndFiles() {
        start(Product.INSTAGRAM, Map.of("login", "instagram"));
        var ig = connector.capabilities();
        assertThat(ig.maxTextLength()).isEqualTo(1000);
        assertThat(ig.textUnit()).as("Instagram counts bytes").isEqualTo(ChannelCapabilities.TextUnit.UTF8_BYTES);
        assertThat(ig.maxButtons()).isEqualTo(13);
        assertThat(ig.mediaSource()).isEqualTo(ChannelCapabilities.MediaSource.URL_ONLY);
        connector.stop();

        start(Product.WHATSAPP, Map.of());
        var wa = connector.capabilities();
        assertThat(wa.maxTextLength()).isEqualTo(4096);
        assertThat(wa.maxTextWithButtons()).isEqualTo(1024);
        assertThat(wa.templates()).isTrue();
        assertThat(wa.accepts(new Attachment("a.jpg", "image/jpeg", 5 * 1024 * 1024, "ab", URI.create("attachment:ab"))))
                .isTrue();
        assertThat(wa.accepts(new Attachment("a.jpg", "image/jpeg", 5 * 1024 * 1024 + 1, "ab",
                URI.create("attachment:ab")))).as("over WhatsApp's 5 MB for images").isFalse();
        assertThat(wa.accepts(new Attachment("a.zip", "application/zip", 10, "ab", URI.create("attachment:ab"))))
                .isFalse();
    }

    @Test
    void sendsTheTextItIsGivenAsOneMessageTheHubHavingSplitIt() {
        start(Product.INSTAGRAM, Map.of("login", "instagram"));
        String igPath = "/v23.0/" + Fixtures.IG_ID + "/messages";
        wm.stubFor(post(urlEqualTo(igPath)).willReturn(json(200, "{\"recipient_id\":\"1\",\"message_id\":\"aWdf1\"}")));
        String text = "Dziękujemy za cierpliwość — zwrot środków już jest w drodze.";

        connector.send(Fixtures.reply(psid(Product.INSTAGRAM, Duration.ofHours(1)), text, null));

        assertThat(sentTexts(igPath)).containsExactly(text);
    }

    @Test
    void aRetryAfterAPartialSendGoesOnWithThePartMetaHasNotAccepted() {
        // A text and its files are several Send API messages: the connector still remembers which Meta accepted.
        start(Product.MESSENGER, Map.of());
        String path = "/v23.0/" + Fixtures.PAGE_ID + "/messages";
        String[] answers = {"m_1", null, "m_2", "m_3"};
        for (int i = 0; i < answers.length; i++) {
            wm.stubFor(post(urlEqualTo(path)).inScenario("parts")
                    .whenScenarioStateIs(i == 0 ? com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED : "call-" + i)
                    .willSetStateTo("call-" + (i + 1))
                    .willReturn(answers[i] == null ? aResponse().withStatus(503)
                            : json(200, "{\"recipient_id\":\"1\",\"message_id\":\"" + answers[i] + "\"}")));
        }
        List<Attachment> files = List.of(
                new Attachment("a.jpg", "image/jpeg", 10, null, URI.create("https://cdn.example.com/a.jpg")),
                new Attachment("b.jpg", "image/jpeg", 10, null, URI.create("https://cdn.example.com/b.jpg")));
        Conversation c = psid(Product.MESSENGER, Duration.ofHours(1));

        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "Here are both", null, files)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
        assertThat(connector.send(Fixtures.reply(c, "Here are both", null, files))).isEqualTo("m_1");

        List<String> sent = wm.findAll(postRequestedFor(urlEqualTo(path))).stream().map(r -> {
            var message = Fixtures.json(r.getBodyAsString()).path("message");
            return message.has("text") ? message.path("text").asText()
                    : message.path("attachment").path("payload").path("url").asText();
        }).toList();
        assertThat(sent).as("the text is not sent twice").containsExactly("Here are both",
                "https://cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg", "https://cdn.example.com/b.jpg");
    }

    @Test
    void messengerOutsideTheWindowUsesHumanAgentTagWithinSevenDays() {
        start(Product.MESSENGER, Map.of("humanAgentTag", true));
        String path = "/v23.0/" + Fixtures.PAGE_ID + "/messages";
        wm.stubFor(post(urlEqualTo(path)).willReturn(json(200, "{\"recipient_id\":\"1\",\"message_id\":\"m_TAG\"}")));
        Conversation c = psid(Product.MESSENGER, Duration.ofDays(2));
        assertThat(connector.send(Fixtures.reply(c, "Following up", null))).isEqualTo("m_TAG");
        wm.verify(postRequestedFor(urlEqualTo(path)).withRequestBody(equalToJson(
                "{\"recipient\":{\"id\":\"6873453252741\"},\"messaging_type\":\"MESSAGE_TAG\",\"tag\":\"HUMAN_AGENT\","
                        + "\"message\":{\"text\":\"Following up\"}}")));
    }

    @Test
    void messengerOutsideTheWindowWithoutTagOrBeyondSevenDaysIsPermanent() {
        start(Product.MESSENGER, Map.of());
        Conversation c = psid(Product.MESSENGER, Duration.ofDays(2));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "late", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("outside Messenger's 24-hour messaging window").contains("humanAgentTag");
                });
        connector.stop();
        start(Product.INSTAGRAM, Map.of("humanAgentTag", true));
        Conversation old = psid(Product.INSTAGRAM, Duration.ofDays(8));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(old, "very late", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("7-day");
                });
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void rateLimitCodesAreRetryableAndHonourRetryAfter() {
        start(Product.WHATSAPP, Map.of());
        Conversation c = wa(Duration.ofHours(1));
        wm.stubFor(post(urlEqualTo(WA_PATH)).willReturn(json(400, "{\"error\":{\"message\":\"(#130429) Rate limit hit\","
                + "\"type\":\"OAuthException\",\"code\":130429,\"error_data\":{\"messaging_product\":\"whatsapp\"},"
                + "\"fbtrace_id\":\"Az8or2yhqkZfEZ-_4Qn_Bam\"}}")));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "hi", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).contains("130429").doesNotContain(TOKEN);
                });
        wm.stubFor(post(urlEqualTo(WA_PATH)).willReturn(json(429, "{\"error\":{\"message\":\"Too many\",\"code\":4}}")
                .withHeader("Retry-After", "30")));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "hi", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
                });
        wm.stubFor(post(urlEqualTo(WA_PATH)).willReturn(aResponse().withStatus(503).withBody("upstream down")));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "hi", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void reEngagementAndInvalidParameterArePermanentExpiredTokenReported() {
        start(Product.WHATSAPP, Map.of());
        Conversation c = wa(Duration.ofHours(1));
        wm.stubFor(post(urlEqualTo(WA_PATH)).willReturn(json(400, "{\"error\":{\"message\":\"(#131047) Re-engagement message\","
                + "\"type\":\"OAuthException\",\"code\":131047,\"error_data\":{\"messaging_product\":\"whatsapp\","
                + "\"details\":\"Message failed to send because more than 24 hours have passed\"},\"fbtrace_id\":\"A1\"}}")));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "hi", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains("131047").contains("Re-engagement");
                    assertThat(e.customerUnreachable()).as("the hub may answer on another address").isTrue();
                });
        wm.stubFor(post(urlEqualTo(WA_PATH)).willReturn(json(401, "{\"error\":{\"message\":\"Error validating access token: "
                + "Session has expired\",\"type\":\"OAuthException\",\"code\":190,\"error_subcode\":463,\"fbtrace_id\":\"A2\"}}")));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "hi", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
        assertThat(ctx.problems()).anySatisfy(p -> assertThat(p).contains("190").doesNotContain(TOKEN));
    }

    @Test
    void blankReplyWithoutFilesIsPermanent() {
        start(Product.WHATSAPP, Map.of());
        Conversation c = wa(Duration.ofHours(1));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "  ", null)))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isFalse());
    }
}
