package dev.omnibridge.examples.line;

import dev.omnibridge.config.Settings;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.webhook.HmacSignatures;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * One {@code line} instance.
 * <ul>
 *   <li>Inbound: LINE POSTs webhook events to the hub's {@code /hooks/<instance id>} (set it as the channel's webhook
 *   URL). {@code x-line-signature} must be the Base64 HMAC-SHA256 of the raw body with the channel secret; anything
 *   else is refused with 401 before the body is read. LINE signs no timestamp: a replayed request carries the same
 *   {@code webhookEventId}s, which the hub stores once.</li>
 *   <li>Outbound: agents' replies are pushed to the conversation's LINE user ({@link LinePush}).</li>
 * </ul>
 * Reply tokens are not used: one is valid for a short while only, and a reply the hub sends later would fail with
 * it; a push works at any time (it counts towards the account's monthly message quota).
 */
public final class LineConnector implements ChannelConnector {
    static final String SIGNATURE_HEADER = "x-line-signature";

    private static final Logger LOG = LoggerFactory.getLogger(LineConnector.class);

    /** Everything {@link #start} sets up; replaced as a whole, so concurrent calls see one consistent state. */
    private record Running(String instanceId, String channelSecret, LineEvents events, LinePush push) {
    }

    private volatile Running running;

    @Override
    public void start(ConnectorContext context) {
        Settings settings = context.settings();
        LinePush push = new LinePush(settings.url(LineType.API_BASE), settings.secret(LineType.ACCESS_TOKEN),
                settings.duration(LineType.TIMEOUT));
        running = new Running(context.instanceId(), settings.secret(LineType.CHANNEL_SECRET).reveal(),
                new LineEvents(new ChannelRef(LineType.NAME, context.instanceId())), push);
        LOG.info("{}: LINE connector started; webhook URL {}", context.instanceId(), context.webhookUrl());
    }

    @Override
    public void stop() {
        Running was = running;
        running = null;
        if (was != null) {
            LOG.info("{}: LINE connector stopped", was.instanceId());
        }
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = running;
        if (r == null) {
            throw new WebhookRejectedException(503, "instance is not running");
        }
        if (!"POST".equals(request.method())) {
            throw new WebhookRejectedException(405, "LINE webhooks are POSTed");
        }
        String given = request.header(SIGNATURE_HEADER).orElse(null);
        if (given == null || given.isBlank()) {
            LOG.info("{}: refused a webhook without {}", r.instanceId(), SIGNATURE_HEADER);
            throw WebhookRejectedException.unauthorized("missing " + SIGNATURE_HEADER);
        }
        String expected = HmacSignatures.hmacBase64("HmacSHA256", r.channelSecret(), request.body());
        if (!HmacSignatures.constantTimeEquals(expected, given.strip())) {
            LOG.info("{}: refused a webhook whose {} does not match", r.instanceId(), SIGNATURE_HEADER);
            throw WebhookRejectedException.unauthorized(SIGNATURE_HEADER + " does not match");
        }
        Inbound inbound = r.events().read(request.body(), Instant.now());
        LOG.debug("{}: webhook with {} messages, {} skipped", r.instanceId(), inbound.messages().size(),
                inbound.skipped().size());
        return WebhookOutcome.store(inbound);
    }

    /**
     * Text only, at most 5,000 characters per text message (LINE Messaging API reference, "Text message"); the hub
     * splits longer replies in order and names files in the text, so this connector only pushes what it is given.
     */
    @Override
    public dev.omnibridge.spi.ChannelCapabilities capabilities() {
        return dev.omnibridge.spi.ChannelCapabilities.builder()
                .text(LinePush.MAX_TEXT, dev.omnibridge.spi.ChannelCapabilities.TextUnit.UTF16_UNITS)
                .build();
    }

    @Override
    public String send(OutboundMessage outbound) throws DeliveryException {
        Running r = DeliveryException.whileRunning(running);
        Message message = outbound.customerFacing();
        if (message.text() == null || message.text().isBlank()) {
            throw DeliveryException.permanent("this LINE connector sends text only, and the reply has none");
        }
        String to = outbound.conversation().threadKey();
        String id = r.push().send(to, message.text(), outbound.idempotencyKey()).orElse(outbound.idempotencyKey());
        LOG.debug("{}: pushed reply for conversation {}", r.instanceId(), outbound.conversation().id());
        return id;
    }
}
