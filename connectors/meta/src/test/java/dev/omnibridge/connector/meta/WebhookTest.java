package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.AddressKind;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeliveryStatus;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.MessageAnnotation;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.meta.Fixtures.APP_SECRET;
import static dev.omnibridge.connector.meta.Fixtures.TOKEN;
import static dev.omnibridge.connector.meta.Fixtures.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private MetaConnector connector;
    private FakeConnectorContext ctx;

    private MetaConnector start(Product product) {
        ctx = Fixtures.context(product, Fixtures.settings(wm, product));
        connector = Fixtures.connector(product, wm);
        connector.start(ctx);
        return connector;
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    // ------------------------------------------------------------------------------------------- signatures

    static final String FIXED_BODY = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}";
    /** openssl dgst -sha256 -hmac test-app-secret over FIXED_BODY. */
    static final String FIXED_SIG = "sha256=c84a394cc475525991e78ff16e430b02e47f953877d2af0ade26956ce6f384dc";

    @Test
    void knownVectorMatchesAnIndependentHmac() {
        byte[] body = FIXED_BODY.getBytes(StandardCharsets.UTF_8);
        assertThat(Fixtures.sign(APP_SECRET, body)).isEqualTo(FIXED_SIG);
        start(Product.WHATSAPP);
        WebhookOutcome outcome = connector.onWebhook(Fixtures.post(body, FIXED_SIG));
        assertThat(outcome.response().status()).isEqualTo(200);
        // upper-case hex is accepted too
        assertThat(connector.onWebhook(Fixtures.post(body, "sha256=" + FIXED_SIG.substring(7).toUpperCase()))
                .response().status()).isEqualTo(200);
    }

    @Test
    void oneChangedByteMissingHeaderOrWrongSecretIs403() {
        start(Product.WHATSAPP);
        byte[] body = FIXED_BODY.getBytes(StandardCharsets.UTF_8);
        byte[] changed = body.clone();
        changed[changed.length - 3] = 'X';
        assertThatThrownBy(() -> connector.onWebhook(Fixtures.post(changed, FIXED_SIG)))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> connector.onWebhook(Fixtures.post(body, null)))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> connector.onWebhook(Fixtures.post(body, Fixtures.sign("other", body))))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> connector.onWebhook(Fixtures.post(body, "sha1=" + FIXED_SIG.substring(7))))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(ctx.submissions()).isEmpty();
    }

    @Test
    void signatureIsCheckedBeforeParsing() {
        start(Product.WHATSAPP);
        byte[] garbage = "not json at all".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> connector.onWebhook(Fixtures.post(garbage, "sha256=00")))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> connector.onWebhook(Fixtures.post(garbage, Fixtures.sign(APP_SECRET, garbage))))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void escapedUnicodeIsVerifiedOverTheRawBytes() {
        start(Product.MESSENGER);
        // Meta escapes non-ASCII as \u00e9; re-serialising the parsed JSON would give different bytes ("é").
        String raw = "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1,\"messaging\":[{\"sender\":{\"id\":\"5551\"},"
                + "\"recipient\":{\"id\":\"1\"},\"timestamp\":1700000000000,\"message\":{\"mid\":\"m_u\",\"text\":\"caf\\u00e9\"}}]}]}";
        assertThat(raw).contains("caf\\u00e9");
        byte[] body = raw.getBytes(StandardCharsets.UTF_8);
        String sig = "sha256=637aab584cf1acc5a59eb93596962ec6176f45f4b8a954f04a3b12b0f72e3d1f";
        assertThat(Fixtures.sign(APP_SECRET, body)).isEqualTo(sig);
        Inbound in = connector.onWebhook(Fixtures.post(body, sig)).inbound();
        assertThat(in.messages()).singleElement().satisfies(m -> assertThat(m.text()).isEqualTo("café"));
        byte[] reserialized = raw.replace("\\u00e9", "é").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> connector.onWebhook(Fixtures.post(reserialized, sig)))
                .isInstanceOf(WebhookRejectedException.class);
    }

    // ------------------------------------------------------------------------------------------- handshake

    @Test
    void verificationHandshake() {
        start(Product.WHATSAPP);
        WebhookOutcome ok = connector.onWebhook(Fixtures.get(Map.of("hub.mode", List.of("subscribe"),
                "hub.verify_token", List.of(Fixtures.VERIFY_TOKEN), "hub.challenge", List.of("1158201444"))));
        assertThat(ok.response().status()).isEqualTo(200);
        assertThat(ok.response().contentType()).startsWith("text/plain");
        assertThat(new String(ok.response().body(), StandardCharsets.UTF_8)).isEqualTo("1158201444");
        assertThat(ok.inbound().isEmpty()).isTrue();

        assertThatThrownBy(() -> connector.onWebhook(Fixtures.get(Map.of("hub.mode", List.of("subscribe"),
                "hub.verify_token", List.of("wrong"), "hub.challenge", List.of("1")))))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> connector.onWebhook(Fixtures.get(Map.of("hub.mode", List.of("unsubscribe"),
                "hub.verify_token", List.of(Fixtures.VERIFY_TOKEN), "hub.challenge", List.of("1")))))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> connector.onWebhook(Fixtures.get(Map.of())))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    // ------------------------------------------------------------------------------------------- WhatsApp

    static String waValue(String contacts, String messages, String statuses) {
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{"
                + "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"" + Fixtures.PHONE_ID + "\"}"
                + (contacts == null ? "" : ",\"contacts\":" + contacts)
                + (messages == null ? "" : ",\"messages\":" + messages)
                + (statuses == null ? "" : ",\"statuses\":" + statuses)
                + "},\"field\":\"messages\"}]}]}";
    }

    @Test
    void whatsAppBatchGoesIntoOneInbound() {
        start(Product.WHATSAPP);
        String body = waValue(
                "[{\"profile\":{\"name\":\"Sheena Nelson\"},\"wa_id\":\"16505551234\"},"
                        + "{\"profile\":{\"name\":\"Kerry Fisher\"},\"wa_id\":\"447700900123\"}]",
                "[{\"from\":\"16505551234\",\"id\":\"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=\","
                        + "\"timestamp\":\"1749416383\",\"type\":\"text\",\"text\":{\"body\":\"Does it come in another color?\"}},"
                        + "{\"from\":\"447700900123\",\"id\":\"wamid.SECOND\",\"timestamp\":\"1749416390\",\"type\":\"text\","
                        + "\"context\":{\"from\":\"15550783881\",\"id\":\"wamid.OURS\"},\"text\":{\"body\":\"Thanks!\"}},"
                        + "{\"from\":\"16505551234\",\"id\":\"wamid.REACTION\",\"timestamp\":\"1749416400\",\"type\":\"reaction\","
                        + "\"reaction\":{\"message_id\":\"wamid.OURS\",\"emoji\":\"\\uD83D\\uDE00\"}},"
                        + "{\"from\":\"447700900123\",\"id\":\"wamid.UNREACT\",\"timestamp\":\"1749416401\",\"type\":\"reaction\","
                        + "\"reaction\":{\"message_id\":\"wamid.OURS\"}}]",
                "[{\"id\":\"wamid.OURS\",\"status\":\"read\",\"timestamp\":\"1749416410\",\"recipient_id\":\"16505551234\"},"
                        + "{\"id\":\"wamid.FAILED\",\"status\":\"failed\",\"timestamp\":\"1749416411\",\"recipient_id\":\"16505551234\","
                        + "\"errors\":[{\"code\":131047,\"title\":\"Re-engagement message\",\"message\":\"Re-engagement message\"}]}]");
        WebhookOutcome outcome = connector.onWebhook(signed(body));
        assertThat(outcome.response().status()).isEqualTo(200);
        Inbound in = outcome.inbound();
        assertThat(in.messages()).hasSize(2);
        Message a = in.messages().get(0);
        assertThat(a.direction()).isEqualTo(Direction.INBOUND);
        assertThat(a.channel().type()).isEqualTo("whatsapp");
        assertThat(a.channelMessageId()).startsWith("wamid.HBgL");
        assertThat(a.threadKey()).isEqualTo("16505551234");
        assertThat(a.author().address().kind()).isEqualTo(AddressKind.PHONE);
        assertThat(a.author().address().value()).isEqualTo("+16505551234");
        assertThat(a.author().displayName()).isEqualTo("Sheena Nelson");
        assertThat(a.text()).isEqualTo("Does it come in another color?");
        assertThat(a.channelTimestamp()).isEqualTo(Instant.ofEpochSecond(1749416383));
        Message b = in.messages().get(1);
        assertThat(b.threadKey()).isEqualTo("447700900123");
        assertThat(b.author().displayName()).isEqualTo("Kerry Fisher");
        assertThat(b.replyTo()).isEqualTo("wamid.OURS");
        assertThat(in.statuses()).containsExactly(
                new DeliveryStatus("wamid.OURS", DeliveryStatus.State.READ, null, null, Instant.ofEpochSecond(1749416410)),
                new DeliveryStatus("wamid.FAILED", DeliveryStatus.State.FAILED, "131047", "Re-engagement message",
                        Instant.ofEpochSecond(1749416411)));
        assertThat(in.annotations()).containsExactly(
                new MessageAnnotation("wamid.OURS", "reaction.16505551234", "\uD83D\uDE00"),
                new MessageAnnotation("wamid.OURS", "reaction.447700900123", null));
    }

    @Test
    void whatsAppMediaIsFetchedInTwoStepsWithTheBearerToken() throws Exception {
        start(Product.WHATSAPP);
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};
        wm.stubFor(get(urlEqualTo("/v23.0/1037543291543636")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"messaging_product\":\"whatsapp\",\"url\":\"" + wm.baseUrl() + "/whatsapp_business/attachments/?mid=1037\","
                                + "\"mime_type\":\"image/jpeg\",\"sha256\":\"x\",\"file_size\":6,\"id\":\"1037543291543636\"}")));
        wm.stubFor(get(urlEqualTo("/whatsapp_business/attachments/?mid=1037"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "image/jpeg").withBody(jpeg)));
        Inbound in = connector.onWebhook(signed(waValue("[{\"profile\":{\"name\":\"Ann\"},\"wa_id\":\"16505551234\"}]",
                "[{\"from\":\"16505551234\",\"id\":\"wamid.IMG\",\"timestamp\":\"1749416383\",\"type\":\"image\","
                        + "\"image\":{\"caption\":\"my receipt\",\"mime_type\":\"image/jpeg\",\"sha256\":\"x\","
                        + "\"id\":\"1037543291543636\"}}]", null))).inbound();
        Message m = in.messages().get(0);
        assertThat(m.text()).isEqualTo("my receipt");
        assertThat(m.attachments()).singleElement().satisfies(att -> {
            assertThat(att.mediaType()).isEqualTo("image/jpeg");
            assertThat(att.size()).isEqualTo(6);
        });
        assertThat(ctx.attachments().bytes(m.attachments().get(0).location())).isEqualTo(jpeg);
        wm.verify(getRequestedFor(urlEqualTo("/v23.0/1037543291543636")));
        assertThat(wm.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getUrl()).doesNotContain(TOKEN));
    }

    @Test
    void theAccessTokenIsNeverSentToAMediaUrlOutsideMetaOrToAPrivateAddress() {
        start(Product.WHATSAPP);
        wm.stubFor(get(urlEqualTo("/v23.0/777")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"url\":\"https://collector.example.net/steal\",\"mime_type\":\"image/png\",\"id\":\"777\"}")));
        wm.stubFor(get(urlEqualTo("/v23.0/778")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"url\":\"https://127.0.0.1.nip.invalid.fbcdn.net/x\",\"mime_type\":\"image/png\","
                        + "\"id\":\"778\"}")));
        String messages = "[{\"from\":\"16505551234\",\"id\":\"wamid.E1\",\"timestamp\":\"1749416383\","
                + "\"type\":\"image\",\"image\":{\"mime_type\":\"image/png\",\"id\":\"777\"}},"
                + "{\"from\":\"16505551234\",\"id\":\"wamid.E2\",\"timestamp\":\"1749416384\","
                + "\"type\":\"image\",\"image\":{\"mime_type\":\"image/png\",\"id\":\"778\"}}]";

        List<Message> got = connector.onWebhook(signed(waValue(null, messages, null))).inbound().messages();

        assertThat(got.get(0).attachments()).isEmpty();
        assertThat(got.get(0).text()).contains("not on a Meta host");
        assertThat(got.get(1).attachments()).isEmpty();
        // a name that does not resolve may resolve later: noted, and tried again in the background
        assertThat(got.get(1).text()).contains("not fetched");
    }

    @Test
    void whatsAppMediaOverTheLimitBecomesANote() {
        Map<String, Object> s = Fixtures.settings(wm, Product.WHATSAPP);
        s.put("maxMediaBytes", 10L);
        ctx = Fixtures.context(Product.WHATSAPP, s);
        connector = Fixtures.connector(Product.WHATSAPP, wm);
        connector.start(ctx);
        wm.stubFor(get(urlEqualTo("/v23.0/555")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"url\":\"" + wm.baseUrl() + "/big\",\"mime_type\":\"video/mp4\",\"file_size\":5000000,\"id\":\"555\"}")));
        Message m = connector.onWebhook(signed(waValue(null, "[{\"from\":\"16505551234\",\"id\":\"wamid.V\","
                + "\"timestamp\":\"1749416383\",\"type\":\"video\",\"video\":{\"mime_type\":\"video/mp4\",\"id\":\"555\"}}]",
                null))).inbound().messages().get(0);
        assertThat(m.attachments()).isEmpty();
        assertThat(m.text()).contains("video").contains("not fetched").contains("over the limit");
        wm.verify(0, getRequestedFor(urlEqualTo("/big")));
    }

    @Test
    void whatsAppInteractiveLocationAndButtonReplies() {
        start(Product.WHATSAPP);
        Inbound in = connector.onWebhook(signed(waValue(null,
                "[{\"from\":\"16505551234\",\"id\":\"wamid.I1\",\"timestamp\":\"1749416383\",\"type\":\"interactive\","
                        + "\"context\":{\"from\":\"15550783881\",\"id\":\"wamid.MENU\"},"
                        + "\"interactive\":{\"type\":\"button_reply\",\"button_reply\":{\"id\":\"track-order\",\"title\":\"Track my order\"}}},"
                        + "{\"from\":\"16505551234\",\"id\":\"wamid.I2\",\"timestamp\":\"1749416384\",\"type\":\"interactive\","
                        + "\"interactive\":{\"type\":\"list_reply\",\"list_reply\":{\"id\":\"opt-2\",\"title\":\"Returns\"}}},"
                        + "{\"from\":\"16505551234\",\"id\":\"wamid.L\",\"timestamp\":\"1749416385\",\"type\":\"location\","
                        + "\"location\":{\"latitude\":37.4839,\"longitude\":-122.1486,\"name\":\"Philz Coffee\"}},"
                        + "{\"from\":\"16505551234\",\"id\":\"wamid.B\",\"timestamp\":\"1749416386\",\"type\":\"button\","
                        + "\"button\":{\"payload\":\"STOP_PROMOS\",\"text\":\"Stop promotions\"}},"
                        + "{\"from\":\"16505551234\",\"id\":\"wamid.U\",\"timestamp\":\"1749416387\",\"type\":\"unsupported\"}]",
                null))).inbound();
        assertThat(in.messages()).extracting(Message::text)
                .containsExactly("Track my order", "Returns", "[location 37.4839, -122.1486 Philz Coffee]", "Stop promotions");
        assertThat(in.messages().get(0).metadata()).containsEntry("interactive.id", "track-order");
        assertThat(in.messages().get(0).replyTo()).isEqualTo("wamid.MENU");
        assertThat(in.messages().get(1).metadata()).containsEntry("interactive.id", "opt-2");
        assertThat(in.skipped()).singleElement().satisfies(s -> assertThat(s.sourceId()).isEqualTo("wamid.U"));
    }

    // ------------------------------------------------------------------------------------------- Messenger / IG

    @Test
    void messengerTextPostbackAndEchoSkipped() {
        start(Product.MESSENGER);
        String body = "{\"object\":\"page\",\"entry\":[{\"id\":\"" + Fixtures.PAGE_ID + "\",\"time\":1700000000500,\"messaging\":["
                + "{\"sender\":{\"id\":\"6873453252741\"},\"recipient\":{\"id\":\"" + Fixtures.PAGE_ID + "\"},\"timestamp\":1700000000000,"
                + "\"message\":{\"mid\":\"m_1\",\"text\":\"hello, world!\",\"quick_reply\":{\"payload\":\"SIZE_M\"}}},"
                + "{\"sender\":{\"id\":\"6873453252741\"},\"recipient\":{\"id\":\"" + Fixtures.PAGE_ID + "\"},\"timestamp\":1700000001000,"
                + "\"postback\":{\"title\":\"Talk to an agent\",\"payload\":\"AGENT\",\"mid\":\"m_pb\"}},"
                + "{\"sender\":{\"id\":\"6873453252741\"},\"recipient\":{\"id\":\"" + Fixtures.PAGE_ID + "\"},\"timestamp\":1700000001500,"
                + "\"postback\":{\"title\":\"Get Started\",\"payload\":\"START\"}},"
                + "{\"sender\":{\"id\":\"" + Fixtures.PAGE_ID + "\"},\"recipient\":{\"id\":\"6873453252741\"},\"timestamp\":1700000002000,"
                + "\"message\":{\"mid\":\"m_echo\",\"is_echo\":true,\"app_id\":1517776481860111,\"text\":\"our reply\"}},"
                + "{\"sender\":{\"id\":\"6873453252741\"},\"recipient\":{\"id\":\"" + Fixtures.PAGE_ID + "\"},\"timestamp\":1700000003000,"
                + "\"delivery\":{\"mids\":[\"m_ours\"],\"watermark\":1700000003000}},"
                + "{\"sender\":{\"id\":\"6873453252741\"},\"recipient\":{\"id\":\"" + Fixtures.PAGE_ID + "\"},\"timestamp\":1700000004000,"
                + "\"reaction\":{\"mid\":\"m_ours\",\"action\":\"react\",\"reaction\":\"love\",\"emoji\":\"\\u2764\"}},"
                + "{\"sender\":{\"id\":\"6873453252741\"},\"recipient\":{\"id\":\"" + Fixtures.PAGE_ID + "\"},\"timestamp\":1700000005000,"
                + "\"message\":{\"mid\":\"m_att\",\"attachments\":[{\"type\":\"image\",\"payload\":{\"url\":\"http://169.254.169.254/latest\"}}]}}"
                + "]}]}";
        Inbound in = connector.onWebhook(signed(body)).inbound();
        assertThat(in.messages()).extracting(Message::channelMessageId)
                .containsExactly("m_1", "m_pb", "postback:6873453252741:1700000001500", "m_att");
        Message text = in.messages().get(0);
        assertThat(text.threadKey()).isEqualTo("6873453252741");
        assertThat(text.author().address().kind()).isEqualTo(AddressKind.CHAT_USER);
        assertThat(text.author().address().value()).isEqualTo("6873453252741");
        assertThat(text.text()).isEqualTo("hello, world!");
        assertThat(text.metadata()).containsEntry("quick_reply.payload", "SIZE_M");
        assertThat(text.channelTimestamp()).isEqualTo(Instant.ofEpochMilli(1700000000000L));
        assertThat(in.messages().get(1).text()).isEqualTo("Talk to an agent");
        assertThat(in.messages().get(1).metadata()).containsEntry("postback.payload", "AGENT");
        assertThat(in.messages().get(3).attachments()).isEmpty();
        // plain http to the metadata address: the graver of the two refusals is named
        assertThat(in.messages().get(3).text()).contains("could not be fetched").contains("link-local");
        assertThat(in.statuses()).singleElement().satisfies(s -> {
            assertThat(s.channelMessageId()).isEqualTo("m_ours");
            assertThat(s.state()).isEqualTo(DeliveryStatus.State.DELIVERED);
        });
        assertThat(in.annotations()).containsExactly(new MessageAnnotation("m_ours", "reaction.6873453252741", "\u2764"));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void instagramText() {
        start(Product.INSTAGRAM);
        String body = "{\"object\":\"instagram\",\"entry\":[{\"id\":\"" + Fixtures.IG_ID + "\",\"time\":1700000000500,\"messaging\":["
                + "{\"sender\":{\"id\":\"1087654321\"},\"recipient\":{\"id\":\"" + Fixtures.IG_ID + "\"},\"timestamp\":1700000000000,"
                + "\"message\":{\"mid\":\"aWdfZAG1faXRlbTox\",\"text\":\"is this in stock?\"}}]}]}";
        Inbound in = connector.onWebhook(signed(body)).inbound();
        assertThat(in.messages()).singleElement().satisfies(m -> {
            assertThat(m.channel().type()).isEqualTo("instagram");
            assertThat(m.channelMessageId()).isEqualTo("aWdfZAG1faXRlbTox");
            assertThat(m.threadKey()).isEqualTo("1087654321");
            assertThat(m.text()).isEqualTo("is this in stock?");
        });
        // a page payload sent to an instagram instance is not for it
        WebhookOutcome other = connector.onWebhook(signed("{\"object\":\"page\",\"entry\":[]}"));
        assertThat(other.inbound().isEmpty()).isTrue();
    }
}
