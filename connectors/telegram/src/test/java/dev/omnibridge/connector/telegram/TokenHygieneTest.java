package dev.omnibridge.connector.telegram;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.ConversationStatus;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.FakeConnectorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.omnibridge.connector.telegram.Fixtures.TOKEN;
import static dev.omnibridge.connector.telegram.Fixtures.await;
import static dev.omnibridge.connector.telegram.Fixtures.path;
import static org.assertj.core.api.Assertions.assertThat;

/** Failures of every kind: the bot token must show up in no exception message, problem or log line. */
class TokenHygieneTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String TOKEN_SECRET_PART = TOKEN.substring(TOKEN.indexOf(':') + 1);
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private final List<String> seen = new ArrayList<>();

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        originalErr.print(captured.toString(StandardCharsets.UTF_8));
    }

    private void collect(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            seen.add(String.valueOf(c.getMessage()));
            seen.add(c.toString());
        }
    }

    private OutboundMessage reply() {
        ChannelRef ch = new ChannelRef("telegram", "tg");
        Message m = Message.builder().direction(Direction.OUTBOUND).channel(ch).channelMessageId("o")
                .threadKey("42").author(Author.agent("A")).text("hi").build();
        return new OutboundMessage(m, new Conversation("c", ch, "42", "k", Address.chatUser("42"),
                ConversationStatus.OPEN, Map.of(), Instant.now()), "i");
    }

    private void sendExpectingFailure(TelegramConnector connector) {
        try {
            connector.send(reply());
            throw new AssertionError("send should have failed");
        } catch (RuntimeException e) {
            collect(e);
        }
    }

    @Test
    void noTokenInAnyFailure() throws Exception {
        // 1. connection refused: polling, send, and webhook registration
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Map<String, Object> refused = Fixtures.settings(wm, "polling");
        refused.put("apiBaseUrl", "http://127.0.0.1:" + closedPort);
        FakeConnectorContext refusedCtx = Fixtures.context(refused);
        TelegramConnector c1 = new TelegramConnector(Duration.ofMillis(50));
        c1.start(refusedCtx);
        await(() -> refusedCtx.problems().size() >= 2, "poll failures reported");
        sendExpectingFailure(c1);
        c1.stop();
        seen.addAll(refusedCtx.problems());

        Map<String, Object> refusedHook = Fixtures.settings(wm, "webhook");
        refusedHook.put("apiBaseUrl", "http://127.0.0.1:" + closedPort);
        try {
            new TelegramConnector().start(Fixtures.context(refusedHook));
            throw new AssertionError("start should have failed");
        } catch (IllegalStateException e) {
            collect(e);
        }

        // 2. 500, 401, malformed JSON, a reset connection and a description echoing the token
        Fixtures.ok(wm, "deleteWebhook", "true");
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).willReturn(aResponse().withStatus(200)
                .withBody("{\"ok\":true,\"result\":[{\"update_id\":")));
        wm.stubFor(post(urlEqualTo(path("getFile"))).willReturn(aResponse().withStatus(500).withBody("oops")));
        Map<String, Object> quickRetries = Fixtures.settings(wm, "polling");
        quickRetries.put("fileRetryDelay", "20ms");
        quickRetries.put("fileRetries", 1);
        FakeConnectorContext ctx = Fixtures.context(quickRetries);
        TelegramConnector c2 = new TelegramConnector(Duration.ofMillis(50));
        c2.start(ctx);
        await(() -> !ctx.problems().isEmpty(), "malformed answer reported");

        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(Fixtures.error(500, "Internal Server Error",
                null)));
        sendExpectingFailure(c2);
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(Fixtures.error(401, "Unauthorized", null)));
        sendExpectingFailure(c2);
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(aResponse().withStatus(200).withBody("<html>")));
        sendExpectingFailure(c2);
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(aResponse()
                .withFault(Fault.CONNECTION_RESET_BY_PEER)));
        sendExpectingFailure(c2);
        wm.stubFor(post(urlEqualTo(path("sendMessage"))).willReturn(Fixtures.error(400,
                "Bad Request: wrong url /bot" + TOKEN + "/x", null)));
        sendExpectingFailure(c2);

        // a file download failing while polling
        wm.stubFor(post(urlEqualTo(path("getUpdates"))).willReturn(Fixtures.okJson(Fixtures.updates(
                Fixtures.update(1, Fixtures.message(1, "\"document\":{\"file_id\":\"F\",\"file_unique_id\":\"f\","
                        + "\"file_name\":\"a.txt\"}"))))));
        // the message is stored with a note, the file tried again in the background and its failure noted
        await(() -> ctx.findMessage("42:1#file-1").isPresent(), "download failure noted after the retry");
        c2.stop();
        seen.addAll(ctx.problems());
        ctx.messages().forEach(m -> seen.add(m.text()));

        seen.add(captured.toString(StandardCharsets.UTF_8));
        assertThat(ctx.problems()).isNotEmpty();
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("tg:");   // the log was captured
        assertThat(seen).isNotEmpty().allSatisfy(text -> assertThat(text)
                .doesNotContain(TOKEN).doesNotContain(TOKEN_SECRET_PART));
    }

    @Test
    void redactionCoversTokenShapes() {
        assertThat(Tokens.redact("GET https://api.telegram.org/bot" + TOKEN + "/getMe failed", TOKEN))
                .isEqualTo("GET https://api.telegram.org/bot<redacted>/getMe failed");
        assertThat(Tokens.redact("other bot987654321:ZZZZZZZZZZZZZZZZZZZZZZZZZZ here", null))
                .doesNotContain("ZZZZZZZZZZ");
        assertThat(new TelegramSettings(new dev.omnibridge.config.Secret(TOKEN), false,
                java.net.URI.create("https://api.telegram.org"), Duration.ofSeconds(30), null,
                java.net.URI.create("https://x"), 1, Duration.ofSeconds(1), 0, Duration.ofSeconds(1)).toString()).doesNotContain(TOKEN_SECRET_PART);
    }
}
