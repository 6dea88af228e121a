package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.MessageAnnotation;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.webhook.WebhookOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.meta.Fixtures.TOKEN;
import static dev.omnibridge.connector.meta.Fixtures.signed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A media download that fails for a passing reason must not hold the message back: the webhook is answered 200
 * with the message stored and a note, and a background retry adds the file to the conversation later.
 */
class LateMediaTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 7, 7, 7};
    private static final String IMAGE_MESSAGE = "[{\"from\":\"16505551234\",\"id\":\"wamid.IMG\",\"timestamp\":"
            + "\"1749416383\",\"type\":\"image\",\"image\":{\"caption\":\"my receipt\",\"mime_type\":\"image/jpeg\","
            + "\"sha256\":\"x\",\"id\":\"900\"}}]";

    private MetaConnector connector;

    private Map<String, Object> settings(String delay, int retries) {
        Map<String, Object> s = Fixtures.settings(wm, Product.WHATSAPP);
        s.put("mediaRetryDelay", delay);
        s.put("mediaRetries", retries);
        return s;
    }

    private FakeConnectorContext start(Map<String, Object> settings) {
        FakeConnectorContext ctx = Fixtures.context(Product.WHATSAPP, settings);
        connector = Fixtures.connector(Product.WHATSAPP, wm);
        connector.start(ctx);
        return ctx;
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.stop();
        }
    }

    private static void mediaLookupFailsOnceThenWorks() {
        wm.stubFor(get(urlEqualTo("/v23.0/900")).inScenario("media").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"Service temporarily "
                        + "unavailable\",\"type\":\"OAuthException\",\"code\":2}}")).willSetStateTo("up"));
        mediaWorks("up");
    }

    private static void mediaWorks(String state) {
        wm.stubFor(get(urlEqualTo("/v23.0/900")).inScenario("media").whenScenarioStateIs(state)
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"messaging_product\":\"whatsapp\",\"url\":\"" + wm.baseUrl()
                                + "/whatsapp_business/attachments/?mid=900\",\"mime_type\":\"image/jpeg\","
                                + "\"sha256\":\"x\",\"file_size\":6,\"id\":\"900\"}")));
        wm.stubFor(get(urlEqualTo("/whatsapp_business/attachments/?mid=900"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "image/jpeg").withBody(JPEG)));
    }

    /** What the hub does with a store outcome: commit it, then answer 200. */
    private static Message storedFrom(FakeConnectorContext ctx, WebhookOutcome outcome) {
        Inbound in = outcome.inbound();
        ctx.submit(in).toCompletableFuture().join();
        return ctx.findMessage("wamid.IMG").orElseThrow();
    }

    private static <T> T await(Supplier<Optional<T>> probe) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            Optional<T> got = probe.get();
            if (got.isPresent()) {
                return got.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not within 10 s");
    }

    @Test
    void aFailedMediaFetchStoresTheMessageWithANoteAndARetryAddsTheFileLater() throws Exception {
        FakeConnectorContext ctx = start(settings("50ms", 3));
        mediaLookupFailsOnceThenWorks();

        Message stored = storedFrom(ctx, connector.onWebhook(signed(WebhookTest.waValue(null, IMAGE_MESSAGE, null))));

        assertThat(stored.attachments()).isEmpty();
        assertThat(stored.text()).startsWith("my receipt\n[image").contains("not fetched yet")
                .contains("HTTP 503");
        Message late = await(() -> ctx.findMessage("wamid.IMG#media-1"));
        assertThat(late.replyTo()).isEqualTo("wamid.IMG");
        assertThat(late.threadKey()).isEqualTo("16505551234");
        assertThat(late.author().address()).isEqualTo(stored.author().address());
        assertThat(late.text()).contains("fetched later");
        assertThat(late.attachments()).singleElement().satisfies(a -> {
            assertThat(a.mediaType()).isEqualTo("image/jpeg");
            assertThat(ctx.attachments().bytes(a.location())).isEqualTo(JPEG);
        });
        assertThat(ctx.submissions()).flatExtracting(Inbound::annotations)
                .contains(new MessageAnnotation("wamid.IMG", "media.1", "fetched later as wamid.IMG#media-1"));
        assertThat(ctx.offsets()).containsEntry("media.retry." + "wamid.IMG#1", "");
    }

    @Test
    void aRetryDueBeforeTheHubHasStoredTheMessageWaitsForItWithoutUsingAnAttempt() throws Exception {
        FakeConnectorContext ctx = start(settings("20ms", 1));
        mediaLookupFailsOnceThenWorks();

        WebhookOutcome outcome = connector.onWebhook(signed(WebhookTest.waValue(null, IMAGE_MESSAGE, null)));
        Thread.sleep(200);   // several retry times pass while the hub has not committed yet
        storedFrom(ctx, outcome);

        Message late = await(() -> ctx.findMessage("wamid.IMG#media-1"));
        assertThat(late.attachments()).hasSize(1);
    }

    @Test
    void aPendingRetrySurvivesARestart() throws Exception {
        Map<String, Object> slow = settings("1h", 3);
        FakeConnectorContext ctx = start(slow);
        wm.stubFor(get(urlEqualTo("/v23.0/900")).inScenario("media").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)));
        storedFrom(ctx, connector.onWebhook(signed(WebhookTest.waValue(null, IMAGE_MESSAGE, null))));
        connector.stop();
        assertThat(ctx.offsets()).containsKey("media.retry." + "wamid.IMG#1");

        mediaWorks("up");
        wm.setScenarioState("media", "up");
        FakeConnectorContext restarted = ctx.restartedAs(MetaSettings.config(Product.WHATSAPP), settings("50ms", 3));
        connector = Fixtures.connector(Product.WHATSAPP, wm);
        connector.start(restarted);

        Message late = await(() -> restarted.findMessage("wamid.IMG#media-1"));
        assertThat(late.attachments()).hasSize(1);
    }

    @Test
    void retriesAreBoundedAndTheLastFailureIsReportedInTheConversation() throws Exception {
        FakeConnectorContext ctx = start(settings("20ms", 2));
        wm.stubFor(get(urlEqualTo("/v23.0/900")).willReturn(aResponse().withStatus(502)));

        storedFrom(ctx, connector.onWebhook(signed(WebhookTest.waValue(null, IMAGE_MESSAGE, null))));

        Message last = await(() -> ctx.findMessage("wamid.IMG#media-1"));
        assertThat(last.attachments()).isEmpty();
        assertThat(last.text()).contains("could not be fetched after 3 attempts").contains("HTTP 502");
        assertThat(ctx.offsets()).containsEntry("media.retry." + "wamid.IMG#1", "");
        Thread.sleep(200);
        wm.verify(3, getRequestedFor(urlEqualTo("/v23.0/900")));
    }

    @Test
    void aMessengerAttachmentThatFailsIsRetriedToo() throws Exception {
        FakeConnectorContext ctx = Fixtures.context(Product.MESSENGER, Map.of("appSecret", Fixtures.APP_SECRET,
                "verifyToken", Fixtures.VERIFY_TOKEN, "accessToken", TOKEN, "graphApiBaseUrl", wm.baseUrl(),
                "timeout", "3s", "pageId", Fixtures.PAGE_ID, "mediaRetryDelay", "50ms"));
        connector = Fixtures.connector(Product.MESSENGER, wm);
        connector.start(ctx);
        wm.stubFor(get(urlEqualTo("/cdn/photo.png")).inScenario("cdn").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        wm.stubFor(get(urlEqualTo("/cdn/photo.png")).inScenario("cdn").whenScenarioStateIs("up")
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody("png-bytes")));
        String body = "{\"object\":\"page\",\"entry\":[{\"id\":\"" + Fixtures.PAGE_ID + "\",\"time\":1700000000500,"
                + "\"messaging\":[{\"sender\":{\"id\":\"6873453252741\"},\"recipient\":{\"id\":\"" + Fixtures.PAGE_ID
                + "\"},\"timestamp\":1700000005000,\"message\":{\"mid\":\"m_late\",\"text\":\"look\","
                + "\"attachments\":[{\"type\":\"image\",\"payload\":{\"url\":\"" + wm.baseUrl() + "/cdn/photo.png\"}}]}}]}]}";

        ctx.submit(connector.onWebhook(signed(body)).inbound()).toCompletableFuture().join();

        assertThat(ctx.findMessage("m_late").orElseThrow().text()).contains("not fetched yet");
        Message late = await(() -> ctx.findMessage("m_late#media-1"));
        assertThat(late.attachments()).singleElement().satisfies(a ->
                assertThat(new String(ctx.attachments().bytes(a.location()))).isEqualTo("png-bytes"));
    }
}
