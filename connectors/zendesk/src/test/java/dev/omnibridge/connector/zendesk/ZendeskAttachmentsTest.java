package dev.omnibridge.connector.zendesk;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.webhook.WebhookRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agents' files: Zendesk answers an attachment's {@code content_url} (on the account's host, with the API token)
 * with a 302 to a temporary download URL on another host
 * (https://developer.zendesk.com/documentation/ticketing/managing-tickets/accessing-end-user-uploaded-attachments/).
 * The redirect is followed without the credentials; a file that cannot be fetched is named in the reply.
 */
class ZendeskAttachmentsTest {
    private static final Instant NOW = Instant.parse("2021-07-25T10:02:00Z");
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
            (Fixture.EMAIL + "/token:" + Fixture.TOKEN).getBytes(StandardCharsets.UTF_8));
    private static final String CONTENT_PATH = "/attachments/token/abc/?name=label.pdf";

    @RegisterExtension
    static WireMockExtension zd = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    /** Stands in for Zendesk's temporary download host. */
    @RegisterExtension
    static WireMockExtension files = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    /** A service on the hub's own network that no download may reach. */
    @RegisterExtension
    static WireMockExtension internal = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private FakeConnectorContext ctx;
    private ZendeskConnector connector;

    @BeforeEach
    void start() throws Exception {
        zd.stubFor(get("/api/v2/users/me").willReturn(okJson("{\"user\":{\"id\":900,\"role\":\"admin\"}}")));
        Map<String, Object> s = Fixture.settings(zd.baseUrl());
        s.put("maxAttachmentBytes", 1024L);
        ctx = Fixture.context(s);
        connector = new ZendeskConnector(Clock.fixed(NOW, ZoneOffset.UTC),
                Set.of("localhost:" + files.getPort(), "127.0.0.1:" + files.getPort()));
        connector.start(ctx);
    }

    @AfterEach
    void stop() {
        connector.stop();
    }

    private static WebhookRequest signed(String body) {
        String timestamp = "2021-07-25T10:01:30Z";
        return TestWebhooks.request("zd", "POST", body.getBytes(StandardCharsets.UTF_8), Map.of(
                "Content-Type", List.of("application/json"),
                "X-Zendesk-Webhook-Signature-Timestamp", List.of(timestamp),
                "X-Zendesk-Webhook-Signature", List.of(ZendeskSignature.sign(Fixture.SIGNING_SECRET, timestamp,
                        body.getBytes(StandardCharsets.UTF_8)))));
    }

    /** One public agent comment with the given attachments (List Comments shape, users sideloaded). */
    private DeskReply replyWith(String attachmentsJson) {
        zd.stubFor(get("/api/v2/tickets/77/comments?include=users&page[size]=100").willReturn(okJson("""
                {"comments":[{"id":4,"type":"Comment","author_id":42,"public":true,"body":"Here is your label.",
                   "plain_body":"Here is your label.","created_at":"2021-07-25T10:01:00Z","attachments":%s}],
                 "users":[{"id":42,"name":"Alice Agent","role":"agent"}]}""".formatted(attachmentsJson))));
        return connector.onWebhook(signed("{\"ticket_id\":\"77\",\"external_id\":\"conv-1\",\"status\":\"Open\"}"))
                .inbound().replies().get(0);
    }

    private static String attachment(String fileName, String contentUrl, long size) {
        return "{\"id\":11,\"file_name\":\"" + fileName + "\",\"content_type\":\"application/pdf\",\"size\":" + size
                + ",\"inline\":false,\"content_url\":\"" + contentUrl + "\"}";
    }

    @Test
    void theRedirectToTheTemporaryDownloadUrlIsFollowedWithoutTheCredentials() {
        zd.stubFor(get(urlEqualTo(CONTENT_PATH)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", files.baseUrl() + "/dl/label.pdf?token=tmp-123")));
        files.stubFor(get(urlEqualTo("/dl/label.pdf?token=tmp-123")).willReturn(aResponse()
                .withHeader("Content-Type", "application/pdf").withBody(new byte[]{9, 8, 7})));

        DeskReply reply = replyWith("[" + attachment("label.pdf", zd.baseUrl() + CONTENT_PATH, 3) + "]");

        assertThat(reply.text()).isEqualTo("Here is your label.");
        assertThat(reply.attachments()).singleElement().satisfies(a -> {
            assertThat(a.fileName()).isEqualTo("label.pdf");
            assertThat(ctx.attachments().bytes(a.location())).containsExactly(9, 8, 7);
        });
        zd.verify(getRequestedFor(urlEqualTo(CONTENT_PATH)).withHeader("Authorization", equalTo(BASIC)));
        files.verify(getRequestedFor(urlEqualTo("/dl/label.pdf?token=tmp-123")).withHeader("Authorization", absent()));
    }

    @Test
    void aFileThatCannotBeFetchedIsNamedInTheReply() {
        zd.stubFor(get(urlEqualTo(CONTENT_PATH)).willReturn(aResponse().withStatus(404)));

        DeskReply reply = replyWith("[" + attachment("label.pdf", zd.baseUrl() + CONTENT_PATH, 3) + "]");

        assertThat(reply.attachments()).isEmpty();
        assertThat(reply.text()).startsWith("Here is your label.").contains("label.pdf");
        assertThat(reply.metadata().get("desk.filesNotFetched")).contains("label.pdf").contains("HTTP 404");
    }

    @Test
    void aRedirectToAnAddressOnTheHubsNetworkIsRefusedAndTheFileNamed() {
        zd.stubFor(get(urlEqualTo(CONTENT_PATH)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://127.0.0.1:" + internal.getPort() + "/admin")));

        DeskReply reply = replyWith("[" + attachment("label.pdf", zd.baseUrl() + CONTENT_PATH, 3) + "]");

        assertThat(reply.attachments()).isEmpty();
        assertThat(reply.text()).contains("label.pdf");
        assertThat(reply.metadata().get("desk.filesNotFetched")).contains("redirect refused");
        internal.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aFileOverTheLimitIsNamedInTheReplyAndTheOthersStillArrive() {
        zd.stubFor(get(urlEqualTo("/attachments/token/big/?name=big.pdf")).willReturn(aResponse()
                .withBody(new byte[4096])));
        zd.stubFor(get(urlEqualTo(CONTENT_PATH)).willReturn(aResponse().withBody(new byte[]{1, 2, 3})));

        DeskReply reply = replyWith("[" + attachment("big.pdf", zd.baseUrl() + "/attachments/token/big/?name=big.pdf",
                4096) + "," + attachment("label.pdf", zd.baseUrl() + CONTENT_PATH, 3) + "]");

        assertThat(reply.attachments()).extracting(a -> a.fileName()).containsExactly("label.pdf");
        assertThat(reply.text()).contains("big.pdf").doesNotContain("label.pdf");
        assertThat(reply.metadata().get("desk.filesNotFetched")).contains("big.pdf");
    }
}
