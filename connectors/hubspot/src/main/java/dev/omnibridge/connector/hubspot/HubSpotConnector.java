package dev.omnibridge.connector.hubspot;

import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskErasures;
import dev.omnibridge.deskkit.DeskCalls;
import dev.omnibridge.deskkit.DeskHttp;
import dev.omnibridge.deskkit.RatePacer;
import dev.omnibridge.spi.ConnectorBase;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.RequesterErasure;
import dev.omnibridge.webhook.WebhookOutcome;
import dev.omnibridge.webhook.WebhookRejectedException;
import dev.omnibridge.webhook.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One {@code hubspot} instance: {@link HubSpotDesk} out, signed webhooks through {@link HubSpotReplies} in. */
public final class HubSpotConnector extends ConnectorBase<HubSpotConnector.Running> implements DeskConnector {
    private static final Logger LOG = LoggerFactory.getLogger(HubSpotConnector.class);

    /** Everything {@link #open} sets up, replaced as a whole. */
    record Running(String instanceId, HubSpotDesk desk, NoteBatch notes, HubSpotReplies replies,
                           HubSpotSignature signature, int maxBatch, HubSpotErasure erasure) {
    }

    private final Clock clock;

    public HubSpotConnector() {
        this(Clock.systemUTC());
    }

    HubSpotConnector(Clock clock) {
        this.clock = clock;
    }

    private static final int LOCKED = 423;

    @Override
    protected Running open(ConnectorContext context) throws Exception {
        HubSpotSettings s = HubSpotSettings.from(context.settings(), context.webhookUrl());
        String token = s.accessToken().reveal();
        DeskHttp http = DeskHttp.builder(s.baseUrl()).authorization("Bearer " + token).secret(token)
                .secret(s.clientSecret().reveal()).timeout(s.timeout())
                .pacer(new RatePacer(s.requestsPerTenSeconds(), Duration.ofSeconds(10)))
                // HubSpot answers 423 Locked while it syncs a large volume of data and asks for "a delay of at least
                // 2 seconds" (API reference, "Error handling"): retryable, and the pacer holds every call a while.
                .retryableWhen(answer -> answer.status() == LOCKED)
                .onAnswer(answer -> HubSpotUsage.report(answer, context)).build();
        HubSpotApi api = new HubSpotApi(http);
        try {
            api.checkAccess();
        } catch (DeskApiException e) {
            throw new IllegalStateException(e.status() == 401 || e.status() == 403
                    ? "HubSpot refused the access token (HTTP " + e.status()
                    + "); check the private app token and its tickets scope" : "HubSpot is not reachable: "
                    + e.getMessage());
        }
        HubSpotDesk desk = new HubSpotDesk(api, s, context);
        Running r = new Running(context.instanceId(), desk, new NoteBatch(api, desk),
                new HubSpotReplies(api, s, context.attachments()),
                new HubSpotSignature(s.clientSecret().reveal(), s.webhookUrl(), clock), s.maxBatch(),
                new HubSpotErasure(api, s));
        LOG.info("{}: hubspot started ({}); webhooks are signed for {}", context.instanceId(), s.baseUrl(),
                s.webhookUrl());
        return r;
    }

    /** GDPR erasure of the customer's HubSpot contact, and deletion of their tickets ({@link HubSpotErasure}). */
    @Override
    public RequesterErasure.Outcome eraseRequester(RequesterErasure request)
            throws DeliveryException {
        Running r = running();
        return DeskErasures.run(r.instanceId(), "HubSpot", request, r.erasure()::erase);
    }

    @Override
    public DeskResult deliver(DeskDelivery delivery) throws DeliveryException {
        Running r = running();
        return DeskCalls.deliver(r.instanceId(), delivery, () -> r.desk().deliver(delivery));
    }

    /** The instance's {@code maxBatch} (HubSpot takes up to 100 inputs per batch create); 1 while not running. */
    @Override
    public int maxBatch() {
        return current().map(Running::maxBatch).orElse(1);
    }

    /**
     * Follow-ups of one ticket as one notes batch create (one request against the pacer, however many notes). The
     * results of the notes HubSpot made before the first one it did not make go with the failure.
     */
    @Override
    public List<DeskResult> deliverAll(List<DeskDelivery> batch) throws DeliveryException {
        Running r = running();
        if (!DeskDelivery.isBatchForOneTicket(batch, r.maxBatch())) {
            // Outside the hub's promise (one existing ticket, at most maxBatch): one at a time is always right.
            return DeskConnector.super.deliverAll(batch);
        }
        List<DeskResult> applied = new ArrayList<>();
        try {
            r.notes().deliver(batch, applied);
            LOG.debug("{}: conversation {} -> ticket {}: {} notes in one batch", r.instanceId(),
                    batch.get(0).conversation().id(), batch.get(0).ticketRef(), applied.size());
            return applied;
        } catch (DeskApiException e) {
            LOG.warn("{}: conversation {}: {} of {} notes added, then: {}", r.instanceId(),
                    batch.get(0).conversation().id(), applied.size(), batch.size(), e.getMessage());
            DeliveryException failure = e.toDelivery();
            throw failure.afterDelivering(applied);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            DeliveryException failure = DeliveryException.retryable("interrupted while talking to the desk", e);
            throw failure.afterDelivering(applied);
        }
    }

    @Override
    public WebhookOutcome onWebhook(WebhookRequest request) {
        Running r = runningForWebhook();
        try {
            r.signature().verify(request);
            if (!"POST".equals(request.method())) {
                throw new WebhookRejectedException(405, "method " + request.method() + " not allowed; use POST");
            }
            List<HubSpotEvents.Event> events = HubSpotEvents.parse(request.body());
            HubSpotReplies.Result result = r.replies().resolve(events);
            LOG.debug("{}: webhook with {} event(s): {} reply(ies), {} update(s), {} ignored", r.instanceId(),
                    events.size(), result.replies().size(), result.updates().size(), result.ignored());
            return WebhookOutcome.store(
                    Inbound.builder().replies(result.replies()).ticketUpdates(result.updates()).build());
        } catch (DeskApiException e) {
            // HubSpot retries a webhook answered with 5xx; the re-read is tried again then.
            LOG.warn("{}: could not read HubSpot for a webhook: {}", r.instanceId(), e.getMessage());
            throw new WebhookRejectedException(503, "HubSpot could not be read; retry later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookRejectedException(503, "interrupted");
        } catch (WebhookRejectedException e) {
            LOG.info("{}: rejected webhook from {} with {}: {}", r.instanceId(), request.remoteAddress(), e.status(),
                    e.getMessage());
            throw e;
        }
    }
}
