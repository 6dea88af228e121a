package dev.omnibridge.testkit.contract;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.model.Address;
import dev.omnibridge.model.Author;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Direction;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.ConnectorType;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.testkit.TestWebhooks;
import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A channel small enough to read at a glance, for the contract's own tests: webhook bodies are
 * {@code id|thread|email|text}, signed with the reference X-Omnibridge-Signature; sends fail with the status set in
 * {@link #failWith}. Each {@link Flaw} breaks one rule, to show the matching check catches it.
 */
final class ToyChannel implements ChannelConnector {
    enum Flaw { NONE, ACCEPTS_UNSIGNED, LOGS_TEXT, LOGS_SECRET, ALL_SEND_ERRORS_PERMANENT, RANDOM_IDS, DECLARES_NOTHING }

    static volatile int failWith;

    private final Flaw flaw;
    private String secret;
    private ConnectorContext context;

    ToyChannel(Flaw flaw) {
        this.flaw = flaw;
    }

    static ConnectorType type(Flaw flaw) {
        return new ConnectorType() {
            @Override
            public String name() {
                return "toy";
            }

            @Override
            public String description() {
                return "a toy channel for the contract's own tests";
            }

            @Override
            public ConfigDef config() {
                return ConfigDef.create().define(Setting.of("secret", SettingType.STRING).required().secret()
                        .describedAs("shared secret of the webhook signature"));
            }

            @Override
            public Connector create() {
                return new ToyChannel(flaw);
            }
        };
    }

    @Override
    public void start(ConnectorContext ctx) {
        this.context = ctx;
        this.secret = ctx.settings().secret("secret").reveal();
        if (flaw == Flaw.LOGS_SECRET) {
            System.out.println("[main] INFO toy - started with secret " + secret);
        }
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        String given = request.header("X-Omnibridge-Signature").orElse(null);
        if (flaw != Flaw.ACCEPTS_UNSIGNED && !HmacSignatures.constantTimeEquals(
                TestWebhooks.signature(secret, request.body()), given)) {
            throw WebhookRejectedException.unauthorized("signature does not match");
        }
        String[] f = new String(request.body(), StandardCharsets.UTF_8).split("\\|", 4);
        if (flaw == Flaw.LOGS_TEXT) {
            System.out.println("[main] INFO toy - message from " + f[2] + ": " + f[3]);
        }
        String id = flaw == Flaw.RANDOM_IDS ? java.util.UUID.randomUUID().toString() : f[0];
        Message m = Message.builder().direction(Direction.INBOUND).channel(new ChannelRef("toy", context.instanceId()))
                .channelMessageId(id).threadKey(f[1]).author(Author.customer("Ann Example", Address.email(f[2])))
                .text(f[3]).receivedAt(Instant.now()).build();
        return WebhookOutcome.store(Inbound.messages(List.of(m)));
    }

    @Override
    public dev.omnibridge.spi.ChannelCapabilities capabilities() {
        return flaw == Flaw.DECLARES_NOTHING ? dev.omnibridge.spi.ChannelCapabilities.undeclared()
                : dev.omnibridge.spi.ChannelCapabilities.builder()
                        .text(160, dev.omnibridge.spi.ChannelCapabilities.TextUnit.UTF16_UNITS).build();
    }

    @Override
    public String send(OutboundMessage outbound) {
        if (failWith == -1) {
            throw DeliveryException.retryable("connection reset", null);
        }
        if (failWith != 0) {
            throw flaw == Flaw.ALL_SEND_ERRORS_PERMANENT ? DeliveryException.permanent("HTTP " + failWith)
                    : DeliveryException.forHttpStatus(failWith, null, "failed");
        }
        return "sent-1";
    }
}
