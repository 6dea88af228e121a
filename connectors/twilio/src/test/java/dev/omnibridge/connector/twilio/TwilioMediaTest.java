package dev.omnibridge.connector.twilio;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Attachment;
import dev.omnibridge.model.Message;
import dev.omnibridge.webhook.WebhookOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.twilio.TwilioRequests.ACCOUNT_SID;
import static dev.omnibridge.connector.twilio.TwilioRequests.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

class TwilioMediaTest {
    private static final String SID = "MM0123456789abcdef0123456789abcdef";
    private static final String MEDIA_PATH = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages/" + SID
            + "/Media/ME0123456789abcdef0123456789abcdef";
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString((ACCOUNT_SID + ":" + TOKEN)
            .getBytes(StandardCharsets.UTF_8));

    /** Stands in for api.twilio.com's media endpoint. */
    @RegisterExtension
    static WireMockExtension twilio = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    /** Stands in for the CDN Twilio redirects media to. */
    @RegisterExtension
    static WireMockExtension cdn = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private Fixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Test mode as the README describes it: mock media server on loopback, allowed explicitly. */
    private Fixture startedAllowingLoopback(long maxBytes) {
        Map<String, Object> s = Fixture.baseSettings();
        s.put("mediaHosts", List.of("localhost:" + twilio.getPort()));
        s.put("allowPrivateMediaAddresses", true);
        s.put("maxMediaBytes", maxBytes);
        fixture = Fixture.start(s);
        return fixture;
    }

    /**
     * Production address checks on, with only the mock "Twilio" (localhost:port) treated as a public host, so a
     * redirect chain from it to private addresses is refused as it would be from api.twilio.com.
     */
    private Fixture startedWithAddressChecks() {
        Map<String, Object> s = Fixture.baseSettings();
        s.put("mediaHosts", List.of("localhost:" + twilio.getPort()));
        fixture = Fixture.start(s, Set.of("localhost:" + twilio.getPort()));
        return fixture;
    }

    private Message deliverMms(String... mediaUrlsAndTypes) {
        List<Map.Entry<String, String>> params = new ArrayList<>(TwilioRequests.sms(SID, "+15551230001",
                "+15557650002", "see picture"));
        params.removeIf(e -> e.getKey().equals("NumMedia"));
        params.add(Map.entry("NumMedia", String.valueOf(mediaUrlsAndTypes.length / 2)));
        for (int i = 0; i < mediaUrlsAndTypes.length / 2; i++) {
            params.add(Map.entry("MediaUrl" + i, mediaUrlsAndTypes[2 * i]));
            params.add(Map.entry("MediaContentType" + i, mediaUrlsAndTypes[2 * i + 1]));
        }
        WebhookOutcome outcome = fixture.connector.onWebhook(TwilioRequests.signedForm("", Fixture.HUB_URL,
                Fixture.HUB_URL, TOKEN, params));
        return outcome.inbound().messages().get(0);
    }

    @Test
    void downloadsMediaWithTheAccountCredentialsIntoTheAttachmentStore() throws Exception {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/jpeg").withBody(JPEG)));
        startedAllowingLoopback(5_242_880);

        Message m = deliverMms(twilio.url(MEDIA_PATH), "image/jpeg");

        assertThat(m.text()).isEqualTo("see picture");
        assertThat(m.attachments()).hasSize(1);
        Attachment a = m.attachments().get(0);
        assertThat(a.mediaType()).isEqualTo("image/jpeg");
        assertThat(a.fileName()).isEqualTo("media-0.jpg");
        assertThat(a.size()).isEqualTo(JPEG.length);
        assertThat(a.location().toString()).startsWith("attachment:");
        assertThat(fixture.context.attachments().bytes(a.location())).isEqualTo(JPEG);
        twilio.verify(1, getRequestedFor(urlEqualTo(MEDIA_PATH)).withHeader("Authorization", equalTo(BASIC)));
    }

    @Test
    void followsARedirectToAnotherHostWithoutTheCredentials() throws Exception {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://127.0.0.1:" + cdn.getPort() + "/media/abc.jpg")));
        cdn.stubFor(get(urlEqualTo("/media/abc.jpg")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/jpeg").withBody(JPEG)));
        startedAllowingLoopback(5_242_880);

        Message m = deliverMms(twilio.url(MEDIA_PATH), "image/jpeg");

        assertThat(m.attachments()).hasSize(1);
        assertThat(fixture.context.attachments().bytes(m.attachments().get(0).location())).isEqualTo(JPEG);
        cdn.verify(1, getRequestedFor(urlEqualTo("/media/abc.jpg")).withHeader("Authorization", absent()));
    }

    @Test
    void refusesARedirectToTheCloudMetadataAddress() {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://169.254.169.254/latest/meta-data/")));
        startedWithAddressChecks();

        Message m = deliverMms(twilio.url(MEDIA_PATH), "image/jpeg");

        assertThat(m.attachments()).isEmpty();
        assertThat(m.text()).isEqualTo("see picture\n[attachment 0 not fetched: redirect refused: "
                + "host 169.254.169.254 is a link-local address]");
    }

    @Test
    void refusesARedirectChainThatEndsOnLoopback() {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "/hop-2")));
        twilio.stubFor(get(urlEqualTo("/hop-2")).willReturn(aResponse().withStatus(301)
                .withHeader("Location", "http://127.0.0.1:" + cdn.getPort() + "/internal-admin")));
        startedWithAddressChecks();

        Message m = deliverMms(twilio.url(MEDIA_PATH), "image/jpeg");

        assertThat(m.attachments()).isEmpty();
        assertThat(m.text()).endsWith("[attachment 0 not fetched: redirect refused: host 127.0.0.1 is a loopback "
                + "address]");
        twilio.verify(1, getRequestedFor(urlEqualTo("/hop-2")));
        assertThat(cdn.getAllServeEvents()).isEmpty();
    }

    @Test
    void refusesAHostNameThatResolvesToLoopback() {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://localhost:" + cdn.getPort() + "/x")));
        startedWithAddressChecks();

        Message m = deliverMms(twilio.url(MEDIA_PATH), "image/jpeg");

        assertThat(m.text()).endsWith("[attachment 0 not fetched: redirect refused: host localhost is a loopback "
                + "address]");
        assertThat(cdn.getAllServeEvents()).isEmpty();
    }

    @Test
    void refusesRedirectsToOtherSchemes() {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "file:///etc/passwd")));
        startedWithAddressChecks();

        assertThat(deliverMms(twilio.url(MEDIA_PATH), "image/jpeg").text())
                .endsWith("[attachment 0 not fetched: redirect refused: not an http(s) URL]");
    }

    @Test
    void stopsAfterFiveRedirects() {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", MEDIA_PATH)));
        startedWithAddressChecks();

        assertThat(deliverMms(twilio.url(MEDIA_PATH), "image/jpeg").text())
                .endsWith("[attachment 0 not fetched: more than 5 redirects]");
        twilio.verify(6, getRequestedFor(urlEqualTo(MEDIA_PATH)));
    }

    @Test
    void neverFetchesFromAHostThatIsNotAMediaHost() {
        startedAllowingLoopback(5_242_880);

        Message m = deliverMms("http://127.0.0.1:" + cdn.getPort() + "/media.jpg", "image/jpeg");

        assertThat(m.text()).endsWith("[attachment 0 not fetched: host 127.0.0.1 is not one of the media hosts]");
        assertThat(cdn.getAllServeEvents()).isEmpty();
    }

    @Test
    void refusesAPlainHttpMediaUrlOutsideTestMode() {
        Map<String, Object> s = Fixture.baseSettings();
        s.put("mediaHosts", List.of("localhost:" + twilio.getPort()));
        fixture = Fixture.start(s);

        assertThat(deliverMms(twilio.url(MEDIA_PATH), "image/jpeg").text())
                .endsWith("[attachment 0 not fetched: media URL is not https]");
        assertThat(twilio.getAllServeEvents()).isEmpty();
    }

    @Test
    void leavesOutOversizedMediaWithANote() {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/jpeg").withBody(new byte[2048])));
        startedAllowingLoopback(1024);

        Message m = deliverMms(twilio.url(MEDIA_PATH), "image/jpeg");

        assertThat(m.attachments()).isEmpty();
        assertThat(m.text()).endsWith("[attachment 0 not fetched: larger than 1024 bytes]");
        assertThat(fixture.context.attachments().size()).isZero();
    }

    @Test
    void leavesOutOversizedMediaSentWithoutContentLength() {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/jpeg").withHeader("Transfer-Encoding", "chunked")
                .withBody(new byte[4096])));
        startedAllowingLoopback(1024);

        assertThat(deliverMms(twilio.url(MEDIA_PATH), "image/jpeg").text())
                .endsWith("[attachment 0 not fetched: larger than 1024 bytes]");
    }

    @Test
    void notesAFailedDownloadAndKeepsTheOtherMedia() {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(JPEG)));
        twilio.stubFor(get(urlEqualTo("/gone")).willReturn(aResponse().withStatus(404)));
        startedAllowingLoopback(5_242_880);

        Message m = deliverMms(twilio.url("/gone"), "image/jpeg", twilio.url(MEDIA_PATH), "image/png");

        assertThat(m.attachments()).extracting(Attachment::fileName).containsExactly("media-1.png");
        assertThat(m.text()).isEqualTo("see picture\n[attachment 0 not fetched: HTTP 404]");
    }

    @Test
    void theCredentialsNeverGoToAnotherPortOfAMediaHost() {
        cdn.stubFor(get(urlEqualTo("/media.jpg")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/jpeg").withBody(JPEG)));
        Map<String, Object> s = Fixture.baseSettings();
        s.put("mediaHosts", List.of("localhost"));
        s.put("allowPrivateMediaAddresses", true);
        fixture = Fixture.start(s);

        Message m = deliverMms("http://localhost:" + cdn.getPort() + "/media.jpg", "image/jpeg");

        assertThat(m.attachments()).isEmpty();
        assertThat(m.text()).endsWith("[attachment 0 not fetched: host localhost is not one of the media hosts]");
        assertThat(cdn.getAllServeEvents()).isEmpty();
    }

    @Test
    void refusesARedirectToLoopbackCarriedInAnIpv6Address() {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://[64:ff9b::7f00:1]:" + cdn.getPort() + "/x")));
        startedWithAddressChecks();

        assertThat(deliverMms(twilio.url(MEDIA_PATH), "image/jpeg").text())
                .endsWith("[attachment 0 not fetched: redirect refused: host 64:ff9b::7f00:1 is a loopback address]");
    }

    @Test
    void aMediaHostErrorStoresTheMessageWithANoteAndTheFileArrivesLater() throws Exception {
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).inScenario("media").whenScenarioStateIs(
                com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        twilio.stubFor(get(urlEqualTo(MEDIA_PATH)).inScenario("media").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "image/jpeg").withBody(JPEG)));
        Map<String, Object> s = Fixture.baseSettings();
        s.put("mediaHosts", List.of("localhost:" + twilio.getPort()));
        s.put("allowPrivateMediaAddresses", true);
        s.put("mediaRetryDelay", "50ms");
        fixture = Fixture.start(s);
        List<Map.Entry<String, String>> params = new ArrayList<>(TwilioRequests.sms(SID, "+15551230001",
                "+15557650002", "see picture"));
        params.removeIf(e -> e.getKey().equals("NumMedia"));
        params.add(Map.entry("NumMedia", "1"));
        params.add(Map.entry("MediaUrl0", twilio.url(MEDIA_PATH)));
        params.add(Map.entry("MediaContentType0", "image/jpeg"));

        WebhookOutcome outcome = fixture.connector.onWebhook(TwilioRequests.signedForm("", Fixture.HUB_URL,
                Fixture.HUB_URL, TOKEN, params));
        fixture.context.submit(outcome.inbound()).toCompletableFuture().join();   // as the hub does before its 200

        assertThat(fixture.context.findMessage(SID).orElseThrow().text())
                .isEqualTo("see picture\n[attachment 0 not fetched yet: HTTP 503; the hub tries again and adds it to "
                        + "this conversation]");
        long until = System.nanoTime() + 10_000_000_000L;
        while (fixture.context.findMessage(SID + "#media-1").isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        Message late = fixture.context.findMessage(SID + "#media-1").orElseThrow();
        assertThat(late.replyTo()).isEqualTo(SID);
        assertThat(fixture.context.attachments().bytes(late.attachments().get(0).location())).isEqualTo(JPEG);
        twilio.verify(2, getRequestedFor(urlEqualTo(MEDIA_PATH)).withHeader("Authorization", equalTo(BASIC)));
    }
}
