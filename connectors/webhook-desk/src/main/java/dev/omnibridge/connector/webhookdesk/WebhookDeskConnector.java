package dev.omnibridge.connector.webhookdesk;

import dev.omnibridge.webhook.SignedJsonPoster;
import dev.omnibridge.webhook.WebhookSignature;
import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Settings;
import dev.omnibridge.privacy.Redact;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.TicketUpdate;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;

/**
 * One {@code webhook-desk} instance. Outbound: each message is POSTed, signed, to {@code url} as an
 * {@code omnibridge.desk-event/v1}; with {@code batchSize} above 1, several follow-ups of one ticket go as one
 * {@code omnibridge.desk-events/v1} request. Inbound: agents' replies and ticket status changes posted, signed, to
 * {@code /hooks/<id>}; internal notes are dropped.
 */
public final class WebhookDeskConnector implements DeskConnector {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeskConnector.class);

    /** Everything {@link #start} sets up; replaced as a whole so concurrent callers see one consistent state. */
    private record Running(String instanceId, WebhookSignature signature, SignedJsonPoster desk, int batchSize) {
    }

    private final DeskWebhookParser parser = new DeskWebhookParser();
    private volatile Running running;

    @Override
    public void start(ConnectorContext context) {
        Settings settings = context.settings();
        Secret secret = settings.secret(WebhookDeskType.SECRET);
        WebhookSignature signature = new WebhookSignature(secret);
        SignedJsonPoster desk = new SignedJsonPoster(settings.url(WebhookDeskType.URL),
                settings.duration(WebhookDeskType.TIMEOUT), signature, secret.reveal());
        running = new Running(context.instanceId(), signature, desk, settings.integer(WebhookDeskType.BATCH_SIZE));
        LOG.info("{}: webhook-desk started; desk events go to {}", context.instanceId(), desk.where());
    }

    @Override
    public void stop() {
        Running was = running;
        running = null;
        if (was != null) {
            LOG.info("{}: webhook-desk stopped", was.instanceId());
        }
    }

    @Override
    public DeskResult deliver(DeskDelivery delivery) throws DeliveryException {
        Running r = DeliveryException.whileRunning(running);
        SignedJsonPoster.Answer answer = r.desk().post(DeskEvents.messageCreated(delivery), delivery.idempotencyKey());
        DeskResult result;
        try {
            result = DeskEvents.readAnswer(answer.status(), answer.body(), delivery);
        } catch (DeliveryException e) {
            LOG.warn("{}: conversation {}: {}", r.instanceId(), delivery.conversation().id(), e.getMessage());
            throw e;
        }
        LOG.debug("{}: delivered message of conversation {} ({}) to ticket {}{}", r.instanceId(),
                delivery.conversation().id(),
                delivery.contact() == null || delivery.contact().addresses().isEmpty() ? null
                        : Redact.address(delivery.contact().addresses().get(0)),
                result.ticketRef(), delivery.opensTicket() ? " (new)" : "");
        return result;
    }

    /** The {@code batchSize} setting; 1 (one request per message) while stopped. */
    @Override
    public int maxBatch() {
        Running r = running;
        return r == null ? 1 : r.batchSize();
    }

    /**
     * Posts the follow-ups as one {@code omnibridge.desk-events/v1} request, signed like a single event, with the
     * first event's key as {@code Idempotency-Key} (the receiver dedupes by each event's own key). A batch of one,
     * or anything the contract does not allow in one request (a message opening a ticket, more than
     * {@code batchSize}), goes one event per request.
     */
    @Override
    public List<DeskResult> deliverAll(List<DeskDelivery> batch) throws DeliveryException {
        Running r = DeliveryException.whileRunning(running);
        if (!DeskDelivery.isBatchForOneTicket(batch, r.batchSize())) {
            return DeskConnector.super.deliverAll(batch);
        }
        SignedJsonPoster.Answer answer = r.desk().post(DeskEvents.batch(batch), batch.get(0).idempotencyKey());
        List<DeskResult> results;
        try {
            results = DeskEvents.readBatchAnswer(answer.status(), answer.body(), batch);
        } catch (DeliveryException e) {
            LOG.warn("{}: conversation {}: {}", r.instanceId(), batch.get(0).conversation().id(), e.getMessage());
            throw e;
        }
        LOG.debug("{}: delivered {} messages of conversation {} to ticket {} in one request", r.instanceId(),
                batch.size(), batch.get(0).conversation().id(), results.get(results.size() - 1).ticketRef());
        return results;
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = running;
        if (r == null) {
            throw new WebhookRejectedException(503, "instance is not running");
        }
        try {
            r.signature().verify(request);
            if (!request.subPath().isEmpty()) {
                throw new WebhookRejectedException(404, "no such hook; post replies to the instance's hook itself");
            }
            if (!"POST".equals(request.method())) {
                throw new WebhookRejectedException(405, "method " + request.method() + " not allowed; use POST");
            }
            DeskWebhookParser.Parsed parsed = parser.parse(request.body(), Instant.now());
            if (LOG.isDebugEnabled()) {
                for (DeskReply reply : parsed.replies()) {
                    LOG.debug("{}: accepted reply {} on ticket {}", r.instanceId(), reply.replyId(), reply.ticketRef());
                }
                for (TicketUpdate update : parsed.ticketUpdates()) {
                    LOG.debug("{}: ticket {} is now {}", r.instanceId(), update.ticketRef(), update.status());
                }
                if (parsed.internalNotes() > 0) {
                    LOG.debug("{}: ignored {} internal note(s)", r.instanceId(), parsed.internalNotes());
                }
            }
            return WebhookOutcome.store(new Inbound(null, parsed.replies(), parsed.ticketUpdates(), null));
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
}
