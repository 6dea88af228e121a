package dev.omnibridge.connector.webhookdesk;

import dev.omnibridge.webhook.SignedJsonPoster;
import dev.omnibridge.webhook.WebhookSignature;
import dev.omnibridge.config.Secret;
import dev.omnibridge.config.Settings;
import dev.omnibridge.privacy.Redact;
import dev.omnibridge.spi.ConnectorBase;
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
 * {@code omnibridge.desk-events/v1} request; with {@code batchAcrossTickets} too, one request is in flight at a time
 * and the messages other conversations hand in meanwhile go together in the next one ({@link CrossTicketBatcher}).
 * Inbound: agents' replies and ticket status changes posted, signed, to
 * {@code /hooks/<id>}; internal notes are dropped.
 */
public final class WebhookDeskConnector extends ConnectorBase<WebhookDeskConnector.Running> implements DeskConnector {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeskConnector.class);

    /** Everything {@link #open} sets up; replaced as a whole so concurrent callers see one consistent state. */
    record Running(String instanceId, WebhookSignature signature, SignedJsonPoster desk, int batchSize,
                           CrossTicketBatcher acrossTickets) {
    }

    /**
     * Sent as {@code User-Agent} with every desk event: the receiver sees which build of the plugin posted it (a
     * plugin swapped while the hub runs shows at once, issue 24). The version is the one the plugin was built as.
     */
    static final String USER_AGENT = "omnibridge-webhook-desk/" + PluginVersion.of(WebhookDeskConnector.class);

    private final DeskWebhookParser parser = new DeskWebhookParser();

    @Override
    protected Running open(ConnectorContext context) {
        Settings settings = context.settings();
        Secret secret = settings.secret(WebhookDeskType.SECRET);
        WebhookSignature signature = new WebhookSignature(secret);
        SignedJsonPoster desk = new SignedJsonPoster(settings.url(WebhookDeskType.URL),
                settings.duration(WebhookDeskType.TIMEOUT), signature, secret.reveal(), USER_AGENT);
        int batchSize = settings.integer(WebhookDeskType.BATCH_SIZE);
        String instanceId = context.instanceId();
        CrossTicketBatcher acrossTickets = settings.bool(WebhookDeskType.BATCH_ACROSS_TICKETS) && batchSize > 1
                ? new CrossTicketBatcher(new CrossTicketBatcher.Desk() {
                    @Override
                    public List<DeskResult> alone(List<DeskDelivery> events) {
                        return events.size() == 1 ? List.of(post(instanceId, desk, events.get(0)))
                                : postOneTicket(instanceId, desk, events);
                    }

                    @Override
                    public List<CrossTicketBatcher.Entry> mixed(List<DeskDelivery> events) {
                        return postMixed(instanceId, desk, events);
                    }
                }, batchSize, settings.duration(WebhookDeskType.TIMEOUT))
                : null;
        Running r = new Running(instanceId, signature, desk, batchSize, acrossTickets);
        LOG.info("{}: webhook-desk started; desk events go to {}", context.instanceId(), desk.where());
        return r;
    }

    @Override
    protected void close(Running was) {
        if (was.acrossTickets() != null) {
            was.acrossTickets().stop();
        }
        LOG.info("{}: webhook-desk stopped", was.instanceId());
    }

    @Override
    public DeskResult deliver(DeskDelivery delivery) throws DeliveryException {
        Running r = running();
        if (r.acrossTickets() != null) {
            checkEvent(delivery);
            return r.acrossTickets().submit(List.of(delivery)).get(0);
        }
        return post(r.instanceId(), r.desk(), delivery);
    }

    private static DeskResult post(String instanceId, SignedJsonPoster desk, DeskDelivery delivery) {
        SignedJsonPoster.Answer answer = desk.post(DeskEvents.messageCreated(delivery), delivery.idempotencyKey());
        DeskResult result;
        try {
            result = DeskEvents.readAnswer(answer.status(), answer.body(), delivery);
        } catch (DeliveryException e) {
            LOG.warn("{}: conversation {}: {}", instanceId, delivery.conversation().id(), e.getMessage());
            throw e;
        }
        LOG.debug("{}: delivered message of conversation {} ({}) to ticket {}{}", instanceId,
                delivery.conversation().id(),
                delivery.contact() == null || delivery.contact().addresses().isEmpty() ? null
                        : Redact.address(delivery.contact().addresses().get(0)),
                result.ticketRef(), delivery.opensTicket() ? " (new)" : "");
        return result;
    }

    /**
     * Before a delivery joins other conversations' events: what would fail the request's body for everyone fails
     * this caller alone, as its own request would.
     */
    private static void checkEvent(DeskDelivery delivery) {
        if (delivery.message() == null || delivery.conversation() == null) {
            throw DeliveryException.permanent("delivery has no message or no conversation");
        }
    }

    /** The {@code batchSize} setting; 1 (one request per message) while stopped. */
    @Override
    public int maxBatch() {
        return current().map(Running::batchSize).orElse(1);
    }

    /**
     * Posts the follow-ups as one {@code omnibridge.desk-events/v1} request, signed like a single event, with the
     * first event's key as {@code Idempotency-Key} (the receiver dedupes by each event's own key). A batch of one,
     * or anything the contract does not allow in one request (a message opening a ticket, more than
     * {@code batchSize}), goes one event per request.
     */
    @Override
    public List<DeskResult> deliverAll(List<DeskDelivery> batch) throws DeliveryException {
        Running r = running();
        if (!DeskDelivery.isBatchForOneTicket(batch, r.batchSize())) {
            return DeskConnector.super.deliverAll(batch);
        }
        if (r.acrossTickets() != null) {
            batch.forEach(WebhookDeskConnector::checkEvent);
            return r.acrossTickets().submit(List.copyOf(batch));
        }
        return postOneTicket(r.instanceId(), r.desk(), batch);
    }

    private static List<DeskResult> postOneTicket(String instanceId, SignedJsonPoster desk, List<DeskDelivery> batch) {
        SignedJsonPoster.Answer answer = desk.post(DeskEvents.batch(batch), batch.get(0).idempotencyKey());
        List<DeskResult> results;
        try {
            results = DeskEvents.readBatchAnswer(answer.status(), answer.body(), batch);
        } catch (DeliveryException e) {
            LOG.warn("{}: conversation {}: {}", instanceId, batch.get(0).conversation().id(), e.getMessage());
            throw e;
        }
        LOG.debug("{}: delivered {} messages of conversation {} to ticket {} in one request", instanceId,
                batch.size(), batch.get(0).conversation().id(), results.get(results.size() - 1).ticketRef());
        return results;
    }

    /** Several conversations' events in one request ({@code batchAcrossTickets}); entries of the applied prefix. */
    private static List<CrossTicketBatcher.Entry> postMixed(String instanceId, SignedJsonPoster desk,
                                                            List<DeskDelivery> events) {
        List<CrossTicketBatcher.Entry> entries;
        try {
            SignedJsonPoster.Answer answer = desk.post(DeskEvents.batch(events), MixedBatch.idempotencyKey(events));
            entries = MixedBatch.readAnswer(answer.status(), answer.body(), events);
        } catch (DeliveryException e) {
            LOG.warn("{}: a request of {} events of several conversations failed: {}", instanceId, events.size(),
                    e.getMessage());
            throw e;
        }
        if (entries.size() < events.size()) {
            LOG.warn("{}: the desk applied {} of {} events of a request; conversation {} is retried, the rest sent "
                    + "again", instanceId, entries.size(), events.size(), events.get(entries.size()).conversation().id());
        } else {
            LOG.debug("{}: delivered {} events of several conversations in one request", instanceId, events.size());
        }
        return entries;
    }

    /** Events waiting for the request in flight (tests). */
    int queuedEvents() {
        return current().map(Running::acrossTickets).map(CrossTicketBatcher::queuedEvents).orElse(0);
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = runningForWebhook();
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
            return WebhookOutcome.store(
                    Inbound.builder().replies(parsed.replies()).ticketUpdates(parsed.ticketUpdates()).build());
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
