package dev.omnibridge.connector.salesforce;

import dev.omnibridge.deskkit.DeskApiException;
import dev.omnibridge.deskkit.DeskErasures;
import dev.omnibridge.deskkit.DeskCalls;
import dev.omnibridge.spi.ConnectorBase;
import dev.omnibridge.spi.ConnectorContext;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskConnector;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.Inbound;
import dev.omnibridge.spi.PollException;
import dev.omnibridge.spi.PollResult;
import dev.omnibridge.spi.PollSchedule;
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

/**
 * One {@code salesforce} instance: deliveries become Cases and CaseComments ({@link CaseWriter}); agents' replies
 * and closed cases come back by polling ({@link ReplyPoller}) every {@code pollInterval}, and at once when a signed
 * poll-now hint arrives at {@code /hooks/<id>}.
 */
public final class SalesforceConnector extends ConnectorBase<SalesforceConnector.Running> implements DeskConnector {
    private static final Logger LOG = LoggerFactory.getLogger(SalesforceConnector.class);

    /** Everything {@link #start} sets up, replaced as a whole. */
    record Running(ConnectorContext context, SalesforceSettings settings, CaseWriter writer,
                   CommentBatch comments, ReplyPoller poller, Optional<PollHint> hint, Instant startedAt,
                   ApiBudget budget, SalesforceErasure erasure) {
    }

    /** The name of the scheduled reply poll in the hub ({@code /health}). */
    static final String REPLIES = "replies";
    /** The longest pause after failed polls in a row (or the poll interval, when longer). */
    static final java.time.Duration MAX_BACKOFF = java.time.Duration.ofMinutes(5);

    private final Object pollLock = new Object();
    private final Clock clock;

    public SalesforceConnector() {
        this(Clock.systemUTC());
    }

    /** @param clock what the API budget's pauses and spacing are measured on (tests move it) */
    SalesforceConnector(Clock clock) {
        this.clock = clock;
    }

    @Override
    protected Running open(ConnectorContext context) throws Exception {
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
        CaseWriter writer = new CaseWriter(api, settings, context.attachments(), context.instanceId(),
                context.requesters());
        Running r = new Running(context, settings, writer, new CommentBatch(api, writer), poller,
                settings.webhookSecret().map(s -> new PollHint(s, settings.webhookTolerance())),
                Instant.now().truncatedTo(ChronoUnit.SECONDS), budget,
                new SalesforceErasure(api, settings));
        // The hub runs the scheduled poll: the first one interval after start, then one interval after each.
        java.time.Duration every = settings.pollInterval();
        poll(context, REPLIES, request -> scheduledPoll(r), PollSchedule.builder().interval(every)
                .initialDelay(every).backoff(every, every.compareTo(MAX_BACKOFF) > 0 ? every : MAX_BACKOFF).build());
        LOG.info("{}: salesforce started against {} (API {}), polling every {}", context.instanceId(),
                settings.baseUrl().getHost(), settings.apiVersion(), settings.pollInterval());
        return r;
    }

    /** After the hub stopped the scheduled poll (a result being stored was stored). */
    @Override
    protected void close(Running r) {
        LOG.info("{}: salesforce stopped", r.context().instanceId());
    }

    /** The customer's Cases and Contact deleted, where {@code eraseContacts} allows it ({@link SalesforceErasure}). */
    @Override
    public RequesterErasure.Outcome eraseRequester(RequesterErasure request)
            throws DeliveryException {
        Running r = running();
        return DeskErasures.run(r.context().instanceId(), "Salesforce", request, r.erasure()::erase);
    }

    @Override
    public DeskResult deliver(DeskDelivery delivery) throws DeliveryException {
        Running r = running();
        return DeskCalls.deliver(r.context().instanceId(), delivery, () -> r.writer().deliver(delivery));
    }

    /**
     * The instance's {@code maxBatch} (one sObject Collections request takes up to 200 records); 1 with an
     * {@code apiVersion} before 42.0, which has no sObject Collections, and while not running.
     */
    @Override
    public int maxBatch() {
        return current().map(r -> r.settings().commentsPerRequest()).orElse(1);
    }

    /**
     * Follow-ups of one Case as CaseComments made by one sObject Collections request (one call against the pacer and
     * the org's daily API budget). The results of the comments made before the first refused one go with the
     * failure; nothing after it is made.
     */
    @Override
    public List<DeskResult> deliverAll(List<DeskDelivery> batch) throws DeliveryException {
        Running r = running();
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
        Running r = runningForWebhook();
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

    /**
     * The scheduled poll, run by the hub: it stores what is found with the advanced cursors, then polls again one
     * interval later. A poll the API budget holds back asks Salesforce nothing and leaves the limit's problem shown.
     */
    private PollResult scheduledPoll(Running r) throws PollException, InterruptedException {
        java.time.Duration every = r.settings().pollInterval();
        if (!r.budget().idlePollDue(every)) {
            // Held by the daily API limit (the problem is reported) or saving the org's last requests.
            return PollResult.held(every);
        }
        Inbound found;
        try {
            found = poll(r);
        } catch (DeskApiException e) {
            String message = "polling Salesforce failed: " + e.getMessage();
            // The daily limit's wait is kept by the budget (polls are held until it has passed, on its clock).
            throw e.deferred() ? PollException.retryable(message)
                    : PollException.retryAfter(message, e.retryAfter().orElse(null));
        }
        boolean moved = found.offsets().entrySet().stream()
                .anyMatch(e -> !r.context().offset(e.getKey()).map(e.getValue()::equals).orElse(false));
        if (found.replies().isEmpty() && found.ticketUpdates().isEmpty() && !moved) {
            return PollResult.nothing();
        }
        return PollResult.builder().inbound(found).nextPollIn(every)
                .describedAs(found.replies().size() + " replies and " + found.ticketUpdates().size()
                        + " case updates")
                .onStored(() -> r.poller().markStored(found)).build();
    }
}
