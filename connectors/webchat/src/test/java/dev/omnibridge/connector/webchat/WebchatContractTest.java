package dev.omnibridge.connector.webchat;

import dev.omnibridge.model.Address;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.contract.ChannelConnectorContract;
import dev.omnibridge.testkit.contract.Check;
import dev.omnibridge.testkit.contract.ContractSamples;
import dev.omnibridge.testkit.contract.Running;
import dev.omnibridge.testkit.contract.WebhookSample;
import dev.omnibridge.webhook.WebhookRequest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * webchat keeps the connector contract. Its "signature" is the visitor token (HMAC with tokenSecret over the
 * conversation key and expiry) in {@code Authorization: Bearer}: a missing token is 401, one signed with another
 * secret 403, an expired one (older than tokenTtl) 401. A resent clientId is the same message. Messages are stored
 * through {@code submit}, not the webhook outcome.
 */
class WebchatContractTest implements ChannelConnectorContract<WebchatConnector> {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String SITE = "https://shop.example.com";
    /** One visitor conversation per sample, fixed for the test class so repeats land in the same conversation. */
    private static final List<String> KEYS = List.of(keyForTests(), keyForTests());

    private static String keyForTests() {
        return new TokenSigner(SECRET, "keys", Duration.ofDays(1), Clock.systemUTC()).newConversationKey();
    }

    @Override
    public ConnectorType type() {
        return new WebchatType();
    }

    @Override
    public Map<String, ?> validSettings() {
        return Map.of("tokenSecret", SECRET, "allowedOrigins", SITE);
    }

    @Override
    public Map<Check, String> optOuts() {
        return Map.of(Check.ALTERED_BODY_REFUSED, "the visitor token authenticates the visitor, not one body: the"
                        + " visitor writes the body themselves (over TLS), so there is nothing to alter in between",
                Check.SEND_ERRORS_CLASSIFIED, "no vendor API: a reply goes to the visitor's socket or waits in the"
                        + " history; a visitor who left is handed off or reported unreachable (HandOffPolicy,"
                        + " WebchatConnectorTest), there is no HTTP status to classify");
    }

    @Override
    public Optional<Duration> signatureMaxAge() {
        return Optional.of(Duration.ofDays(30));   // tokenTtl's default
    }

    @Override
    public String webhookSecret() {
        return SECRET;
    }

    @Override
    public List<WebhookSample> webhookSamples() {
        List<WebhookSample> samples = new ArrayList<>();
        String[] texts = {"Where is my order 5512?", "Can I return the blue shoes"};
        for (int i = 0; i < 2; i++) {
            samples.add(new WebhookSample("visitor " + i + " writes", "POST", "messages",
                    Map.of("Content-Type", List.of("application/json"), "Origin", List.of(SITE),
                            "X-Sample", List.of(KEYS.get(i))), Map.of(),
                    ("{\"clientId\":\"c-0000000" + i + "\",\"text\":\"" + texts[i] + "\"}")
                            .getBytes(StandardCharsets.UTF_8)));
        }
        return samples;
    }

    /** The token the widget got from its session, issued at {@code signedAt} with {@code secret}. */
    @Override
    public WebhookRequest sign(WebhookSample sample, String secret, Instant signedAt) {
        String key = sample.headers().get("X-Sample").get(0);
        String token = new TokenSigner(secret, instanceId(), Duration.ofDays(30), Clock.fixed(signedAt, ZoneOffset.UTC))
                .issue(key);
        return sample.toRequest(instanceId(), Map.of("Authorization", List.of("Bearer " + token)));
    }

    /** What the visitor's message made the connector submit. */
    @Override
    public Inbound receive(Running<WebchatConnector> running, int sample) {
        int before = running.context().submissions().size();
        running.connector().onWebhook(sign(webhookSamples().get(sample), webhookSecret(), Instant.now()));
        List<Message> messages = new ArrayList<>();
        running.context().submissions().subList(before, running.context().submissions().size())
                .forEach(in -> messages.addAll(in.messages()));
        return Inbound.messages(messages);
    }

    @Override
    public OutboundMessage sampleOutbound() {
        return ContractSamples.reply(WebchatType.NAME, instanceId(), KEYS.get(0), Address.chatUser(KEYS.get(0)),
                "Your order ships today");
    }

    @Override
    public void failSendsWith(int status) {
        throw new UnsupportedOperationException("opted out of SEND_ERRORS_CLASSIFIED");
    }

    @Override
    public void failSendsWithNetworkError() {
        throw new UnsupportedOperationException("opted out of SEND_ERRORS_CLASSIFIED");
    }
}
