package dev.omnibridge.connector.salesforce;

import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskErasures;
import dev.omnibridge.deskkit.DeskCalls;
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
import dev.omnibridge.webhook.WebhookResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One {@code salesforce} instance: deliveries become Cases and CaseComments ({@link CaseWriter}); agents' replies
 * and closed cases come back by polling ({@link ReplyPoller}) every {@code pollInterval}, and at once when a signed
 * poll-now hint arrives at {@code /hooks/<id>}.
 */
public final class SalesforceConnector implements DeskConnector {
    private static final Logger LOG = LoggerFactory.getLogger(SalesforceConnector.class);

    /** Everything {@link #start} sets up, replaced as a whole. */
    private record Running(ConnectorContext context, SalesforceSettings settings, CaseWriter writer,
                           CommentBatch comments, ReplyPoller poller, Optional<PollHint> hint, Instant startedAt,
                           ScheduledExecutorService scheduler, ApiBudget budget, SalesforceErasure erasure) {
    }

    private final Object pollLock = new Object();
    private final Clock clock;
    private volatile Running running;

    public SalesforceConnector() {
        this(Clock.systemUTC());
    }

    /** @param clock what the API budget's pauses and spacing are measured on (tests move it) */
    SalesforceConnector(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void start(ConnectorContext context) throws Exception {
        SalesforceSettings settings = SalesforceSettings.from(context.settings());
        ApiBudget budget = new ApiBudget(settings.apiReservePercent(), clock, new ApiBudget.Listener() {
            @Override
            public void quota(long remaining, long limit) {
                context.reportQuota(ApiBudget.QUOTA, remaining, limit);
            }

            @Override
            public void limitReached(String message) {
                context.reportProblem(message);
            }

            @Override
            public void flowing() {
                context.problemResolved();
            }
        });
        SalesforceApi api = new SalesforceApi(settings, budget);
        try {
            api.authenticate();
        } catch (DeskApiException e) {
            throw new IllegalStateException("Salesforce did not accept the connected app's client credentials at "
                    + settings.baseUrl().getHost() + ": " + e.getMessage());
        }
        try {
            // One cheap authenticated call that also proves the integration user can read the external id field.
            api.query("SELECT Id, " + settings.caseIdField() + " FROM Case LIMIT 1");
        } catch (DeskApiException e) {
            throw new IllegalStateException("the integration user cannot read Case." + settings.caseIdField()
                    + " (create the field and grant access, see the README): " + e.getMessage());
        }
        ReplyPoller poller = new ReplyPoller(api, settings);
        poller.checkEmailAccess().ifPresent(problem -> LOG.warn("{}: {}", context.instanceId(), problem));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "salesforce-poll-" + context.instanceId());
            t.setDaemon(true);
            return t;
        });
        CaseWriter writer = new CaseWriter(api, settings, context.attachments(), context.instanceId(),
                context.requesters());
        Running r = new Running(context, settings, writer, new CommentBatch(api, writer), poller,
                settings.webhookSecret().map(s -> new PollHint(s, settings.webhookTolerance())),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), scheduler, budget,
                new SalesforceErasure(api, settings));
        running = r;
        long every = settings.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> pollAndSubmit(r), every, every, TimeUnit.MILLISECONDS);
        LOG.info("{}: salesforce started against {} (API {}), polling every {}", context.instanceId(),
                settings.baseUrl().getHost(), settings.apiVersion(), settings.pollInterval());
    }

    @Override
    public void stop() {
        Running r = running;
        running = null;
        if (r != null) {
            r.scheduler().shutdownNow();
            LOG.info("{}: salesforce stopped", r.context().instanceId());
        }
    }

    /** The customer's Cases and Contact deleted, where {@code eraseContacts} allows it ({@link SalesforceErasure}). */
    @Override
    public RequesterErasure.Outcome eraseRequester(RequesterErasure request)
            throws DeliveryException {
        Running r = DeliveryException.whileRunning(running);
        return DeskErasures.run(r.context().instanceId(), "Salesforce", request, r.erasure()::erase);
    }

    @Override
    public DeskResult deliver(DeskDelivery delivery) throws DeliveryException {
        Running r = DeliveryException.whileRunning(running);
        return DeskCalls.deliver(r.context().instanceId(), delivery, () -> r.writer().deliver(delivery));
    }

    /**
     * The instance's {@code maxBatch} (one sObject Collections request takes up to 200 records); 1 with an
     * {@code apiVersion} before 42.0, which has no sObject Collections, and while not running.
     */
    @Override
    public int maxBatch() {
        Running r = running;
        return r == null ? 1 : r.settings().commentsPerRequest();
    }

    /**
     * Follow-ups of one Case as CaseComments made by one sObject Collections request (one call against the pacer and
     * the org's daily API budget). The results of the comments made before the first refused one go with the
     * failure; nothing after it is made.
     */
    @Override
    public List<DeskResult> deliverAll(List<DeskDelivery> batch) throws DeliveryException {
        Running r = DeliveryException.whileRunning(running);
        if (!DeskDelivery.isBatchForOneTicket(batch, r.settings().commentsPerRequest())) {
            // Outside the hub's promise (one existing case, at most maxBatch; 1 without collections): one at a time.
            return DeskConnector.super.deliverAll(batch);
        }
        List<DeskResult> applied = new ArrayList<>();
        try {
            r.comments().deliver(batch, applied);
            LOG.debug("{}: conversation {} -> Case {}: {} comments in one request", r.context().instanceId(),
                    batch.get(0).conversation().id(), batch.get(0).ticketRef(), applied.size());
            return applied;
        } catch (DeskApiException e) {
            LOG.warn("{}: conversation {}: {} of {} comments added, then: {}", r.context().instanceId(),
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
        Running r = running;
        if (r == null) {
            throw new WebhookRejectedException(503, "instance is not running");
        }
        PollHint hint = r.hint().orElseThrow(() ->
                new WebhookRejectedException(404, "this instance has no webhookSecret, so it takes no webhooks"));
        try {
            hint.verify(request, Instant.now());
        } catch (WebhookRejectedException e) {
            LOG.info("{}: rejected poll hint from {} with {}: {}", r.context().instanceId(), request.remoteAddress(),
                    e.status(), e.getMessage());
            throw e;
        }
        if (!"POST".equals(request.method())) {
            throw new WebhookRejectedException(405, "method " + request.method() + " not allowed; use POST");
        }
        Inbound found;
        try {
            found = poll(r);
        } catch (DeskApiException e) {
            throw new WebhookRejectedException(503, "polling Salesforce failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookRejectedException(503, "interrupted while polling Salesforce");
        }
        return WebhookOutcome.store(found, WebhookResponse.json(200, "{\"status\":\"stored\",\"replies\":"
                + found.replies().size() + ",\"ticketUpdates\":" + found.ticketUpdates().size() + "}"));
    }

    /** One poll; cursors come from the offsets the hub stored with the previous poll's results. */
    private Inbound poll(Running r) throws DeskApiException, InterruptedException {
        synchronized (pollLock) {
            // A fresh instance starts one overlap before its start: the hub's clock may be ahead of Salesforce's.
            return r.poller().poll(key -> r.context().offset(key).map(Instant::parse)
                    .orElse(r.startedAt().minus(r.settings().replyOverlap())));
        }
    }

    private void pollAndSubmit(Running r) {
        if (!r.budget().idlePollDue(r.settings().pollInterval())) {
            // Held by the daily API limit (the problem is reported) or saving the org's last requests.
            return;
        }
        try {
            synchronized (pollLock) {
                Inbound found = poll(r);
                boolean moved = found.offsets().entrySet().stream()
                        .anyMatch(e -> !r.context().offset(e.getKey()).map(e.getValue()::equals).orElse(false));
                if (!found.replies().isEmpty() || !found.ticketUpdates().isEmpty() || moved) {
                    // Holding the lock until stored: the next poll must read the cursors this one saves.
                    r.context().submit(found).toCompletableFuture().get(1, TimeUnit.MINUTES);
                    r.poller().markStored(found);
                }
            }
            r.context().problemResolved();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            String message = "polling Salesforce failed: " + e.getMessage();
            LOG.warn("{}: {}", r.context().instanceId(), message);
            r.context().reportProblem(message);
        }
    }
}
