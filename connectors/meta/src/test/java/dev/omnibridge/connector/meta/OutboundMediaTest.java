package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.meta.Fixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Outbound files, with request and answer shapes from Meta's reference:
 * <ul>
 *   <li>WhatsApp upload: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media
 *       ({@code POST /PHONE_NUMBER_ID/media}, form fields {@code file}, {@code type}, {@code messaging_product};
 *       answer {@code {"id":"<MEDIA_ID>"}}; "Supported media types" with the size limits in {@link MediaRules})</li>
 *   <li>WhatsApp media messages: https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/image-messages
 *       ({@code "type":"image","image":{"id":…,"caption":…}}, caption at most 1024 characters; documents add
 *       {@code filename})</li>
 *   <li>Messenger: https://developers.facebook.com/docs/messenger-platform/reference/attachment-upload-api and
 *       https://developers.facebook.com/docs/messenger-platform/send-messages/saving-assets
 *       ({@code POST /PAGE-ID/message_attachments}, form fields {@code message} and {@code filedata}; answer
 *       {@code {"attachment_id":…}}; Send API {@code message.attachment.payload.attachment_id}; 25 MB)</li>
 *   <li>Instagram: https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message and
 *       https://developers.facebook.com/docs/messenger-platform/instagram/features/attachment-upload (the upload
 *       needs the linked Page's id and, in some revisions, takes images only from a URL: the connector sends files
 *       by {@code payload.url} only)</li>
 * </ul>
 */
class OutboundMediaTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    static final String WA_MEDIA = "/v23.0/" + Fixtures.PHONE_ID + "/media";
    static final String WA_MESSAGES = "/v23.0/" + Fixtures.PHONE_ID + "/messages";
    static final String PAGE_UPLOAD = "/v23.0/" + Fixtures.PAGE_ID + "/message_attachments";
    static final String PAGE_MESSAGES = "/v23.0/" + Fixtures.PAGE_ID + "/messages";
    /** Instagram with a Page token (the default login) sends through the token's Page: /me/messages. */
    static final String IG_MESSAGES = "/v23.0/me/messages";
    static final String WA_HEAD = "\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
            + "\"to\":\"16505551234\"";
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    static final byte[] PDF = "%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

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
        connector.stop();
    }

    private Attachment stored(String name, String type, byte[] bytes) {
        try {
            return ctx.attachments().store(name, type, new ByteArrayInputStream(bytes), Long.MAX_VALUE - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static String waOk(String id) {
        return "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"16505551234\",\"wa_id\":\"16505551234\"}],"
                + "\"messages\":[{\"id\":\"" + id + "\"}]}";
    }

    private static void stubWhatsApp() {
        wm.stubFor(post(urlEqualTo(WA_MEDIA)).willReturn(json(200, "{\"id\":\"4490709327384033\"}")));
        wm.stubFor(post(urlEqualTo(WA_MESSAGES)).willReturn(json(200, waOk("wamid.MEDIA1"))));
    }

    /** WireMock lists the newest request first. */
    private static List<LoggedRequest> inOrder() {
        List<LoggedRequest> all = new ArrayList<>(wm.getAllServeEvents().stream().map(ServeEvent::getRequest).toList());
        Collections.reverse(all);
        return all;
    }

    private static void assertPermanent(Throwable t, String... fragments) {
        assertThat(t).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.isRetryable()).isFalse();
            for (String f : fragments) {
                assertThat(e.getMessage()).contains(f);
            }
        });
    }

    @Test
    void whatsAppImageIsUploadedAsMultipartThenSentByMediaIdWithTheTextAsCaption() {
        start(Product.WHATSAPP, Map.of());
        stubWhatsApp();
        Attachment png = stored("shoe.png", "image/png", PNG);
        String id = connector.send(Fixtures.reply(wa(Duration.ofHours(1)), "Here is the blue one.", "wamid.CUST",
                List.of(png)));

        assertThat(id).isEqualTo("wamid.MEDIA1");
        wm.verify(1, postRequestedFor(urlEqualTo(WA_MEDIA))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", containing("multipart/form-data; boundary="))
                .withRequestBodyPart(aMultipart().withName("messaging_product").withBody(equalTo("whatsapp")).build())
                .withRequestBodyPart(aMultipart().withName("type").withBody(equalTo("image/png")).build())
                .withRequestBodyPart(aMultipart().withName("file")
                        .withHeader("Content-Disposition", containing("filename=\"shoe.png\""))
                        .withHeader("Content-Type", equalTo("image/png"))
                        .withBody(binaryEqualTo(PNG)).build()));
        wm.verify(1, postRequestedFor(urlEqualTo(WA_MESSAGES))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{" + WA_HEAD + ",\"type\":\"image\",\"context\":{\"message_id\":"
                        + "\"wamid.CUST\"},\"image\":{\"id\":\"4490709327384033\",\"caption\":\"Here is the blue one.\"}}")));
        assertThat(wm.getAllServeEvents()).hasSize(2);
    }

    @Test
    void whatsAppDocumentCarriesItsFileNameAndCaption() {
        start(Product.WHATSAPP, Map.of());
        stubWhatsApp();
        Attachment pdf = stored("Rechnung März.pdf", "application/pdf", PDF);
        connector.send(Fixtures.reply(wa(Duration.ofHours(1)), "Your invoice", null, List.of(pdf)));

        wm.verify(postRequestedFor(urlEqualTo(WA_MEDIA))
                .withRequestBodyPart(aMultipart().withName("type").withBody(equalTo("application/pdf")).build())
                .withRequestBodyPart(aMultipart().withName("file")
                        .withHeader("Content-Disposition", containing("filename=\"Rechnung M_rz.pdf\""))
                        .withHeader("Content-Type", equalTo("application/pdf")).withBody(binaryEqualTo(PDF)).build()));
        wm.verify(postRequestedFor(urlEqualTo(WA_MESSAGES)).withRequestBody(equalToJson("{" + WA_HEAD
                + ",\"type\":\"document\",\"document\":{\"id\":\"4490709327384033\",\"caption\":\"Your invoice\","
                + "\"filename\":\"Rechnung März.pdf\"}}")));
    }

    @Test
    void whatsAppSeveralFilesSendTheTextFirstThenOneMessageEachAndReturnTheTextsId() {
        start(Product.WHATSAPP, Map.of());
        wm.stubFor(post(urlEqualTo(WA_MEDIA)).willReturn(json(200, "{\"id\":\"111\"}")));
        wm.stubFor(post(urlEqualTo(WA_MESSAGES)).withRequestBody(containing("\"type\":\"text\""))
                .willReturn(json(200, waOk("wamid.TEXT"))));
        wm.stubFor(post(urlEqualTo(WA_MESSAGES)).withRequestBody(containing("\"type\":\"image\""))
                .willReturn(json(200, waOk("wamid.IMG"))));
        wm.stubFor(post(urlEqualTo(WA_MESSAGES)).withRequestBody(containing("\"type\":\"audio\""))
                .willReturn(json(200, waOk("wamid.AUDIO"))));
        List<Attachment> files = List.of(stored("a.png", "image/png", PNG),
                stored("note.ogg", "audio/ogg; codecs=opus", "OggS-voice".getBytes(StandardCharsets.US_ASCII)),
                stored("b.jpg", "image/jpeg", "jpeg-bytes".getBytes(StandardCharsets.US_ASCII)));

        String id = connector.send(Fixtures.reply(wa(Duration.ofHours(1)), "Two photos and a voice note", "wamid.Q",
                files));

        assertThat(id).isEqualTo("wamid.TEXT");
        wm.verify(3, postRequestedFor(urlEqualTo(WA_MEDIA)));
        wm.verify(postRequestedFor(urlEqualTo(WA_MEDIA))
                .withRequestBodyPart(aMultipart().withName("type").withBody(equalTo("audio/ogg")).build()));
        List<String> sent = inOrder().stream().filter(r -> r.getUrl().equals(WA_MESSAGES))
                .map(LoggedRequest::getBodyAsString).toList();
        assertThat(sent).hasSize(4);
        assertThat(sent.get(0)).contains("\"type\":\"text\"", "Two photos and a voice note", "wamid.Q");
        assertThat(sent.get(1)).contains("\"type\":\"image\"").doesNotContain("caption", "context");
        assertThat(sent.get(2)).contains("\"type\":\"audio\"", "\"audio\":{\"id\":\"111\"}");
        assertThat(sent.get(3)).contains("\"type\":\"image\"").doesNotContain("caption");
        // every upload happened before the first message went out
        List<String> order = inOrder().stream().map(LoggedRequest::getUrl).toList();
        assertThat(order.subList(0, 3)).containsOnly(WA_MEDIA);
    }

    @Test
    void whatsAppWebpIsASticker_withoutCaptionAndHttpsFilesGoByLink() {
        start(Product.WHATSAPP, Map.of());
        stubWhatsApp();
        Attachment sticker = stored("smile.webp", "image/webp", "RIFF....WEBP".getBytes(StandardCharsets.US_ASCII));
        Attachment linked = new Attachment("manual.pdf", "application/pdf", 2048, null,
                URI.create("https://cdn.example.com/manual.pdf"));
        connector.send(Fixtures.reply(wa(Duration.ofHours(1)), "", null, List.of(sticker, linked)));

        wm.verify(1, postRequestedFor(urlEqualTo(WA_MEDIA)));
        wm.verify(postRequestedFor(urlEqualTo(WA_MESSAGES)).withRequestBody(equalToJson("{" + WA_HEAD
                + ",\"type\":\"sticker\",\"sticker\":{\"id\":\"4490709327384033\"}}")));
        wm.verify(postRequestedFor(urlEqualTo(WA_MESSAGES)).withRequestBody(equalToJson("{" + WA_HEAD
                + ",\"type\":\"document\",\"document\":{\"link\":\"https://cdn.example.com/manual.pdf\","
                + "\"filename\":\"manual.pdf\"}}")));
    }

    @Test
    void fileOverMetasLimitOrMaxMediaBytesIsPermanentAndNothingIsUploaded() {
        start(Product.WHATSAPP, Map.of("maxMediaBytes", 64L));
        Conversation c = wa(Duration.ofHours(1));
        Attachment big = stored("big.pdf", "application/pdf", new byte[65]);
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "see attached", null, List.of(big))))
                .satisfies(t -> assertPermanent(t, "big.pdf", "maxMediaBytes"));
        // a declared size over WhatsApp's 5 MB image limit is refused without reading the store
        Attachment declared = new Attachment("huge.jpg", "image/jpeg", 6L * 1024 * 1024, "00",
                URI.create("attachment:00"));
        connector.stop();
        start(Product.WHATSAPP, Map.of());
        Conversation c2 = wa(Duration.ofHours(1));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c2, "photo", null, List.of(declared))))
                .satisfies(t -> assertPermanent(t, "huge.jpg", "WhatsApp's limit of 5242880 bytes for image files"));
        // and a stored file over the limit whose size was not declared is caught while reading
        Attachment undeclared = stored("big.png", "image/png", new byte[5 * 1024 * 1024 + 1]);
        Attachment unknownSize = new Attachment("big.png", "image/png", -1, undeclared.sha256(),
                undeclared.location());
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c2, "photo", null, List.of(unknownSize))))
                .satisfies(t -> assertPermanent(t, "big.png"));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void typeMetaDoesNotAcceptIsPermanentBeforeAnythingIsSent() {
        start(Product.WHATSAPP, Map.of());
        Conversation c = wa(Duration.ofHours(1));
        List<Attachment> files = List.of(stored("ok.png", "image/png", PNG),
                stored("archive.zip", "application/zip", new byte[]{'P', 'K', 3, 4}));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "files", null, files)))
                .satisfies(t -> assertPermanent(t, "archive.zip", "WhatsApp does not accept application/zip"));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void uploadRateLimitOrServerErrorIsRetryableAndNoMessageIsSent() {
        start(Product.WHATSAPP, Map.of());
        Conversation c = wa(Duration.ofHours(1));
        Attachment png = stored("shoe.png", "image/png", PNG);
        wm.stubFor(post(urlEqualTo(WA_MEDIA)).willReturn(json(429, "{\"error\":{\"message\":\"(#4) Application request "
                + "limit reached\",\"type\":\"OAuthException\",\"code\":4,\"fbtrace_id\":\"AbC\"}}")
                .withHeader("Retry-After", "20")));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "photo", null, List.of(png))))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(20));
                    assertThat(e.getMessage()).doesNotContain(TOKEN);
                });
        wm.stubFor(post(urlEqualTo(WA_MEDIA)).willReturn(aResponse().withStatus(502).withBody("bad gateway")));
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "photo", null, List.of(png))))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable()).isTrue());
        wm.verify(0, postRequestedFor(urlEqualTo(WA_MESSAGES)));
    }

    @Test
    void whatsAppOutsideTheWindowAppliesToFilesToo() {
        start(Product.WHATSAPP, Map.of());
        Conversation c = wa(Duration.ofHours(30));
        Attachment png = stored("shoe.png", "image/png", PNG);
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "", null, List.of(png))))
                .satisfies(t -> assertPermanent(t, "outside WhatsApp's 24-hour customer service window"));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void messengerUploadsTheFileThenSendsTheTextAndTheAttachmentId() {
        start(Product.MESSENGER, Map.of());
        wm.stubFor(post(urlEqualTo(PAGE_UPLOAD)).willReturn(json(200, "{\"attachment_id\":\"1857777774821032\"}")));
        wm.stubFor(post(urlEqualTo(PAGE_MESSAGES)).withRequestBody(containing("\"text\""))
                .willReturn(json(200, "{\"recipient_id\":\"6873453252741\",\"message_id\":\"m_TEXT\"}")));
        wm.stubFor(post(urlEqualTo(PAGE_MESSAGES)).withRequestBody(containing("attachment_id"))
                .willReturn(json(200, "{\"recipient_id\":\"6873453252741\",\"message_id\":\"m_FILE\"}")));
        Attachment pdf = stored("invoice.pdf", "application/pdf", PDF);

        String id = connector.send(Fixtures.reply(psid(Product.MESSENGER, Duration.ofHours(2)), "Your invoice", null,
                List.of(pdf)));

        assertThat(id).isEqualTo("m_TEXT");
        wm.verify(1, postRequestedFor(urlEqualTo(PAGE_UPLOAD))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", containing("multipart/form-data; boundary="))
                .withRequestBodyPart(aMultipart().withName("message").withBody(equalToJson(
                        "{\"attachment\":{\"type\":\"file\",\"payload\":{\"is_reusable\":true}}}")).build())
                .withRequestBodyPart(aMultipart().withName("filedata")
                        .withHeader("Content-Disposition", containing("filename=\"invoice.pdf\""))
                        .withHeader("Content-Type", equalTo("application/pdf")).withBody(binaryEqualTo(PDF)).build()));
        wm.verify(postRequestedFor(urlEqualTo(PAGE_MESSAGES)).withRequestBody(equalToJson(
                "{\"recipient\":{\"id\":\"6873453252741\"},\"messaging_type\":\"RESPONSE\",\"message\":{\"text\":\"Your invoice\"}}")));
        wm.verify(postRequestedFor(urlEqualTo(PAGE_MESSAGES)).withRequestBody(equalToJson(
                "{\"recipient\":{\"id\":\"6873453252741\"},\"messaging_type\":\"RESPONSE\",\"message\":{\"attachment\":"
                        + "{\"type\":\"file\",\"payload\":{\"attachment_id\":\"1857777774821032\"}}}}")));
    }

    @Test
    void messengerImageWithoutTextUsesHumanAgentTagOutsideTheWindow() {
        start(Product.MESSENGER, Map.of("humanAgentTag", true));
        wm.stubFor(post(urlEqualTo(PAGE_UPLOAD)).willReturn(json(200, "{\"attachment_id\":\"42\"}")));
        wm.stubFor(post(urlEqualTo(PAGE_MESSAGES)).willReturn(json(200, "{\"recipient_id\":\"1\",\"message_id\":\"m_IMG\"}")));
        Attachment png = stored("shoe.png", "image/png", PNG);
        assertThat(connector.send(Fixtures.reply(psid(Product.MESSENGER, Duration.ofDays(2)), null, null, List.of(png))))
                .isEqualTo("m_IMG");
        wm.verify(postRequestedFor(urlEqualTo(PAGE_UPLOAD)).withRequestBodyPart(aMultipart().withName("message")
                .withBody(equalToJson("{\"attachment\":{\"type\":\"image\",\"payload\":{\"is_reusable\":true}}}")).build()));
        wm.verify(1, postRequestedFor(urlEqualTo(PAGE_MESSAGES)).withRequestBody(equalToJson(
                "{\"recipient\":{\"id\":\"6873453252741\"},\"messaging_type\":\"MESSAGE_TAG\",\"tag\":\"HUMAN_AGENT\","
                        + "\"message\":{\"attachment\":{\"type\":\"image\",\"payload\":{\"attachment_id\":\"42\"}}}}")));
    }

    @Test
    void instagramSendsHttpsFilesByUrlAndRefusesStoredOnesPermanently() {
        start(Product.INSTAGRAM, Map.of());
        wm.stubFor(post(urlEqualTo(IG_MESSAGES)).willReturn(json(200, "{\"recipient_id\":\"1\",\"message_id\":\"aWdf\"}")));
        Conversation c = psid(Product.INSTAGRAM, Duration.ofHours(1));
        Attachment linked = new Attachment("look.jpg", "image/jpeg", -1, null, URI.create("https://cdn.example.com/look.jpg"));
        assertThat(connector.send(Fixtures.reply(c, null, null, List.of(linked)))).isEqualTo("aWdf");
        wm.verify(postRequestedFor(urlEqualTo(IG_MESSAGES)).withRequestBody(equalToJson(
                "{\"recipient\":{\"id\":\"6873453252741\"},\"messaging_type\":\"RESPONSE\",\"message\":{\"attachment\":"
                        + "{\"type\":\"image\",\"payload\":{\"url\":\"https://cdn.example.com/look.jpg\"}}}}")));
        wm.resetRequests();

        Attachment png = stored("shoe.png", "image/png", PNG);
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "photo", null, List.of(png))))
                .satisfies(t -> assertPermanent(t, "Instagram", "public URL", "shoe.png"));
        Attachment doc = stored("notes.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", PDF);
        assertThatThrownBy(() -> connector.send(Fixtures.reply(c, "doc", null, List.of(doc))))
                .satisfies(t -> assertPermanent(t, "Instagram does not accept", "notes.docx"));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }
}
