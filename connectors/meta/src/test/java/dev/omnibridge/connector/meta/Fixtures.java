package dev.omnibridge.connector.meta;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Conversation;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.FakeConnectorContext;
import dev.omnibridge.webhook.WebhookRequest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Payloads shaped from Meta's webhook and Graph API reference, and connectors wired to WireMock. */
final class Fixtures {
    static final String APP_SECRET = "test-app-secret";
    static final String VERIFY_TOKEN = "verify-me-123";
    static final String TOKEN = "EAAG-secret-access-token";
    static final String PHONE_ID = "106540352242922";
    static final String PAGE_ID = "1234567890";
    static final String IG_ID = "17841400000000000";

    private Fixtures() {
    }

    static Map<String, Object> settings(WireMockExtension wm, Product product) {
        Map<String, Object> s = new HashMap<>();
        s.put("appSecret", APP_SECRET);
        s.put("verifyToken", VERIFY_TOKEN);
        s.put("accessToken", TOKEN);
        s.put("graphApiBaseUrl", wm.baseUrl());
        s.put("timeout", "3s");
        switch (product) {
            case WHATSAPP -> s.put("phoneNumberId", PHONE_ID);
            case MESSENGER -> s.put("pageId", PAGE_ID);
            case INSTAGRAM -> s.put("igAccountId", IG_ID);
        }
        return s;
    }

    /** A connector whose media downloads may reach these WireMock stubs on loopback (every other rule holds). */
    static MetaConnector connector(Product product, WireMockExtension... trusted) {
        java.util.Set<String> authorities = new java.util.HashSet<>();
        for (WireMockExtension w : trusted) {
            authorities.add("localhost:" + w.getPort());
            authorities.add("127.0.0.1:" + w.getPort());
        }
        return new MetaConnector(product, java.time.Clock.systemUTC(), authorities);
    }

    static FakeConnectorContext context(Product product, Map<String, Object> settings) {
        return new FakeConnectorContext("meta-" + product.type, MetaSettings.config(product), settings);
    }

    /** HMAC-SHA256 computed here with javax.crypto, independently of the connector. */
    static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static WebhookRequest post(byte[] body, String signature) {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("Content-Type", List.of("application/json"));
        if (signature != null) {
            headers.put("X-Hub-Signature-256", List.of(signature));
        }
        return new WebhookRequest("POST", "", URI.create("http://localhost:8080/hooks/meta"), headers, Map.of(), body,
                "127.0.0.1");
    }

    static com.fasterxml.jackson.databind.JsonNode json(String body) {
        try {
            return GraphApi.JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static WebhookRequest signed(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return post(body, sign(APP_SECRET, body));
    }

    static WebhookRequest get(Map<String, List<String>> query) {
        return new WebhookRequest("GET", "", URI.create("http://localhost:8080/hooks/meta"), Map.of(), query, null,
                "127.0.0.1");
    }

    /** Stores a customer message from {@code ago} before now and returns its conversation. */
    static Conversation conversationWithInbound(FakeConnectorContext ctx, Product product, String threadKey,
                                                Address address, Instant customerWroteAt) {
        ChannelRef channel = new ChannelRef(product.type, ctx.instanceId());
        Message in = Message.builder().direction(Direction.INBOUND).channel(channel)
                .channelMessageId("in-" + threadKey + "-" + customerWroteAt.toEpochMilli()).threadKey(threadKey)
                .author(Author.customer("Ann", address)).text("help").channelTimestamp(customerWroteAt)
                .receivedAt(customerWroteAt).build();
        ctx.submit(Inbound.messages(List.of(in))).toCompletableFuture().join();
        return ctx.findConversation(threadKey).orElseThrow();
    }

    static OutboundMessage reply(Conversation conversation, String text, String replyTo) {
        return reply(conversation, text, replyTo, List.of());
    }

    static OutboundMessage reply(Conversation conversation, String text, String replyTo,
                                 List<dev.omnibridge.model.Attachment> attachments) {
        Message out = Message.builder().direction(Direction.OUTBOUND).channel(conversation.channel())
                .channelMessageId("out-1").threadKey(conversation.threadKey()).author(Author.agent("Alice"))
                .text(text).replyTo(replyTo).attachments(attachments).receivedAt(Instant.now()).build();
        return new OutboundMessage(out, conversation, "idem-1");
    }
}
