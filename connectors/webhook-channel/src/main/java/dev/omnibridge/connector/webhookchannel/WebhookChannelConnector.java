package dev.omnibridge.connector.webhookchannel;

import dev.omnibridge.webhook.SignedJsonPoster;
import dev.omnibridge.webhook.WebhookSignature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Settings;
import dev.omnibridge.model.ChannelRef;
import dev.omnibridge.model.Message;
import dev.omnibridge.model.json.CanonicalJson;
import dev.omnibridge.privacy.Redact;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.ConnectorBase;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.OutboundMessage;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One {@code webhook-channel} instance. Inbound: signed canonical messages posted to {@code /hooks/<id>}.
 * Outbound: agents' replies POSTed, signed, to {@code callbackUrl}.
 */
public final class WebhookChannelConnector extends ConnectorBase<WebhookChannelConnector.Running>
        implements ChannelConnector {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookChannelConnector.class);

    /** Everything {@link #open} sets up; replaced as a whole so concurrent callers see one consistent state. */
    record Running(String instanceId, WebhookSignature signature, InboundMessageParser parser,
                           SignedJsonPoster callback) {
    }

    @Override
    protected Running open(ConnectorContext context) {
        Settings settings = context.settings();
        Secret secret = settings.secret(WebhookChannelType.SECRET);
        WebhookSignature signature = new WebhookSignature(secret);
        SignedJsonPoster callback = new SignedJsonPoster(settings.url(WebhookChannelType.CALLBACK_URL),
                settings.duration(WebhookChannelType.TIMEOUT), signature, secret.reveal());
        ChannelRef channel = new ChannelRef(WebhookChannelType.NAME, context.instanceId());
        Running r = new Running(context.instanceId(), signature, new InboundMessageParser(channel), callback);
        LOG.info("{}: webhook-channel started; replies go to {}", context.instanceId(), callback.where());
        return r;
    }

    @Override
    protected void close(Running was) {
        LOG.info("{}: webhook-channel stopped", was.instanceId());
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = runningForWebhook();
        try {
            r.signature().verify(request);
            if (!request.subPath().isEmpty()) {
                throw new WebhookRejectedException(404, "no such hook; post messages to the instance's hook itself");
            }
            if (!"POST".equals(request.method())) {
                throw new WebhookRejectedException(405, "method " + request.method() + " not allowed; use POST");
            }
            List<Message> messages = r.parser().parse(request.body(), Instant.now());
            if (LOG.isDebugEnabled()) {
                for (Message m : messages) {
                    LOG.debug("{}: accepted message {} from {}", r.instanceId(), m.channelMessageId(),
                            Redact.address(m.author().address()));
                }
            }
            return WebhookOutcome.store(Inbound.messages(messages));
        } catch (WebhookRejectedException e) {
            if (e.status() == 400) {
                // Body problems may quote the sender's values; keep them out of ordinary logs.
                LOG.debug("{}: rejected webhook from {} with 400: {}", r.instanceId(), request.remoteAddress(),
                        e.getMessage());
            } else {
                LOG.info("{}: rejected webhook from {} with {}: {}", r.instanceId(), request.remoteAddress(),
                        e.status(), e.getMessage());
            }
            throw e;
        }
    }

    @Override
    public String send(OutboundMessage outbound) throws DeliveryException {
        Running r = running();
        Message message = outbound.customerFacing();
        SignedJsonPoster.Answer answer = r.callback().post(CanonicalJson.write(message), outbound.idempotencyKey());
        String id = channelMessageId(answer.body()).orElse(outbound.idempotencyKey());
        LOG.debug("{}: delivered reply for conversation {} to {} (HTTP {}, id {})", r.instanceId(),
                outbound.conversation() == null ? null : outbound.conversation().id(),
                outbound.conversation() == null ? null : Redact.address(outbound.conversation().customer()),
                answer.status(), id);
        return id;
    }

    /** The {@code id} of a 2xx answer {@code {"id":"..."}}, if it has one. */
    private static Optional<String> channelMessageId(byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode id = CanonicalJson.readTree(body).path("id");
            return id.isTextual() || id.isNumber() ? Optional.of(id.asText()).filter(s -> !s.isBlank())
                    : Optional.empty();
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }
}
