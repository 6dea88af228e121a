package dev.omnibridge.hub.privacy;

import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.store.ContactErasures;
import dev.omnibridge.hub.store.ContactErasures.DeskStep;
import dev.omnibridge.hub.store.ContactErasures.Job;
import dev.omnibridge.hub.store.ContactErasures.State;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.AttachmentStorage;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.MessagePurge;
import dev.omnibridge.hub.store.StoreWipe;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.RequesterErasure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code DELETE /api/contacts/{id}}: erases a contact's personal data from the hub and asks its desks to erase the
 * requester (right to erasure). An erasure is a durable job ({@code contact_erasures}) moving through steps, each
 * recorded when done, so that one interrupted by a crash resumes at start-up where it stopped:
 * <ol>
 *   <li>STORE: one transaction empties the messages (text, subject, author, attachments' names, metadata, thread
 *       key; rows, channel, direction, timestamps stay for the counts), deletes the addresses, their channels, links
 *       and desk requester ids, forgets the names, clears outbox, dead-letter, skipped-item and delivery-report
 *       texts of the conversations, and records what the desks need;</li>
 *   <li>FILES: deletes the attachment files no other message uses;</li>
 *   <li>DESKS: asks each desk that had a requester or a ticket ({@code DeskConnector.eraseRequester}); a retryable
 *       failure is retried with backoff, up to a number of attempts; each outcome is recorded;</li>
 *   <li>WIPE: rewrites the embedded store file so that the erased bytes are gone from it ({@link StoreWipe});</li>
 *   <li>DONE, audited as {@code contact.erase.done} with the figures.</li>
 * </ol>
 * A second request for the same contact answers the first job. Requests and completions are audited.
 */
public final class ContactErasure implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContactErasure.class);

    /** How the desk step retries a desk that failed retryably. */
    public record Retry(Duration first, Duration max, int maxAttempts) {
        public static final Retry DEFAULT = new Retry(Duration.ofSeconds(30), Duration.ofHours(1), 12);

        Duration after(int attempts) {
            long factor = 1L << Math.min(20, Math.max(0, attempts - 1));
            Duration d = first.multipliedBy(factor);
            return d.compareTo(max) > 0 ? max : d;
        }
    }

    /** The desks' side: asks a desk instance to erase a requester (InstanceManager in the hub). */
    @FunctionalInterface
    public interface Desks {
        RequesterErasure.Outcome erase(String deskInstance, RequesterErasure request);
    }

    private final Database database;
    private final Journal journal;
    private final ContactErasures store;
    private final AttachmentStorage files;
    private final Desks desks;
    private final AuditTrail audit;
    private final Clock clock;
    private final Retry retry;
    private final ScheduledExecutorService runner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "omnibridge-erasure");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    // Issue 25: jobs run on the one node holding lease timer:erasure; each step's unit checks its fence. Without
    // leases (tests) this node runs them, as does a hub on its own (it holds every lease, with Fence.NONE).
    static final String LEASE = "timer:erasure";
    /** How often the leader of a cluster looks for jobs requested on other nodes. */
    static final Duration CLUSTER_SCAN = Duration.ofSeconds(5);
    private volatile dev.omnibridge.hub.cluster.Leases leases;
    private volatile dev.omnibridge.hub.cluster.Fence fence = dev.omnibridge.hub.cluster.Fence.NONE;
    private final Set<String> waking = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ContactErasure(Database database, Journal journal, ContactErasures store, AttachmentStorage files,
                          Desks desks, AuditTrail audit, Clock clock, Retry retry) {
        this.database = database;
        this.journal = journal;
        this.store = store;
        this.files = files;
        this.desks = desks;
        this.audit = audit;
        this.clock = clock;
        this.retry = retry;
    }

    /**
     * Issue 25: runs the jobs only while this node holds lease {@value #LEASE} (call once, before {@link #resume()}).
     * A single node gets it at once; in a cluster the holder resumes the unfinished jobs and looks every
     * {@link #CLUSTER_SCAN} for jobs requested on other nodes.
     */
    public void leases(dev.omnibridge.hub.cluster.Leases leases) {
        this.fence = null;
        this.leases = leases;
        leases.want(LEASE, new dev.omnibridge.hub.cluster.LeaseListener() {
            @Override
            public void acquired(dev.omnibridge.hub.cluster.Fence f) {
                fence = f;
                if (!f.none() && !closed) {
                    runner.execute(ContactErasure.this::scan);
                }
            }

            @Override
            public void lost(dev.omnibridge.hub.cluster.Fence f) {
                fence = null;
            }
        });
    }

    /** The cluster leader's look for unfinished jobs, again every {@link #CLUSTER_SCAN} while it leads. */
    private void scan() {
        dev.omnibridge.hub.cluster.Fence f = fence;
        if (closed || f == null) {
            return;
        }
        try {
            resume();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Looking for erasures to run failed: {}", describe(e));
        }
        if (!closed) {
            runner.schedule(this::scan, CLUSTER_SCAN.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The unit checking first that this node still leads the erasures (issue 25). */
    private <T> dev.omnibridge.hub.store.TxWork<T> fenced(dev.omnibridge.hub.store.TxWork<T> work) {
        dev.omnibridge.hub.cluster.Leases l = leases;
        dev.omnibridge.hub.cluster.Fence f = fence;
        if (l == null || f != null && f.none()) {
            return work;
        }
        return (c, after) -> {
            if (f == null) {
                throw new dev.omnibridge.hub.cluster.LeaseLost(new dev.omnibridge.hub.cluster.Fence(LEASE, "", 0));
            }
            l.verify(c, f);
            return work.apply(c, after);
        };
    }

    /** A request's answer: the job, and whether this request created it (false: it was asked for before). */
    public record Requested(Job job, boolean created) {
    }

    /**
     * Records an erasure of the contact an id leads to (a joined id: its survivor, with every contact joined into
     * it) and starts it; empty when there is no such contact.
     */
    public Optional<Requested> request(String contactId, String actor) throws Exception {
        Requested r = journal.submit((c, after) -> {
            Optional<String> root = ContactErasures.survivor(c, contactId);
            if (root.isEmpty()) {
                return null;
            }
            Map.Entry<Job, Boolean> job = ContactErasures.request(c, root.get(), actor, clock.instant());
            if (job.getValue()) {
                audit.append(c, actor, "contact.erase", root.get(), "erasure " + job.getKey().id()
                        + (root.get().equals(contactId) ? "" : " requested for joined contact " + contactId));
            }
            return new Requested(job.getKey(), job.getValue());
        }).get();
        if (r == null) {
            return Optional.empty();
        }
        if (r.job().state() != State.DONE) {
            wake(r.job().id(), Duration.ZERO);
        }
        return Optional.of(r);
    }

    /** The job by its id, or the job of a contact (by the contact's or a joined contact's id). */
    public Optional<Job> status(String jobOrContactId) throws SQLException {
        try (Connection c = database.connection()) {
            Optional<Job> job = ContactErasures.find(c, jobOrContactId);
            if (job.isPresent()) {
                return job;
            }
            Optional<String> root = ContactErasures.survivor(c, jobOrContactId);
            return root.isEmpty() ? Optional.empty() : ContactErasures.forContact(c, root.get());
        }
    }

    /** Resumes the erasures a stop or crash interrupted (call once the desk instances are started). */
    public void resume() throws SQLException {
        if (fence == null) {
            return;   // issue 25: another node of the cluster runs the erasures
        }
        try (Connection c = database.connection()) {
            for (String id : ContactErasures.unfinished(c)) {
                LOG.info("Resuming erasure {}", id);
                wake(id, Duration.ZERO);
            }
        }
    }

    private void wake(String jobId, Duration delay) {
        if (closed || fence == null || !waking.add(jobId)) {
            return;   // issue 25: not the leader (it finds the job), or already due to run
        }
        runner.schedule(() -> {
            waking.remove(jobId);
            run(jobId);
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs the job's steps until it is done or waits for a desk's retry. */
    private void run(String jobId) {
        try {
            while (!closed && fence != null) {
                Job job;
                try (Connection c = database.connection()) {
                    job = ContactErasures.find(c, jobId).orElse(null);
                }
                if (job == null || job.state() == State.DONE) {
                    return;
                }
                Duration wait = step(job);
                if (wait != null) {
                    wake(jobId, wait);
                    return;
                }
            }
        } catch (Exception e) {
            if (closed || fence == null || e.getCause() instanceof dev.omnibridge.hub.cluster.LeaseLost) {
                return;   // issue 25: the node now leading the erasures resumes the job where it stands
            }
            // The step left the job where it was: try again in a while (the store may be failing over).
            LOG.warn("Erasure {} failed a step, retrying in {}: {}", jobId, retry.first(), describe(e));
            wake(jobId, retry.first());
        }
    }

    /** Does the job's current step; null when it moved on, else how long to wait before looking again. */
    private Duration step(Job job) throws Exception {
        switch (job.state()) {
            case STORE -> {
                ContactErasures.Erased erased = journal.submit(fenced((c, after) ->
                        store.eraseStore(c, after, job.id(), job.contactId(), clock.instant()))).get();
                LOG.info("Erasure {}: store erased ({} contacts, {} messages)", job.id(), erased.contactIds().size(),
                        erased.messageIds().size());
                return null;
            }
            case FILES -> {
                int deleted = journal.submit(fenced((c, after) -> {
                    Set<String> hashes = ContactErasures.attachmentHashes(c, job.id());
                    hashes.removeAll(MessagePurge.stillReferenced(c, hashes));
                    int n = 0;
                    for (String sha : hashes) {
                        try {
                            if (files.delete(sha)) {
                                n++;
                            }
                        } catch (java.io.IOException e) {
                            throw new SQLException("cannot delete attachment file " + sha + ": " + e.getMessage(), e);
                        }
                    }
                    ContactErasures.advance(c, job.id(), State.DESKS, Map.of("attachmentFiles", String.valueOf(n)),
                            clock.instant());
                    return n;
                })).get();
                LOG.info("Erasure {}: {} attachment files deleted", job.id(), deleted);
                return null;
            }
            case DESKS -> {
                return desksStep(job);
            }
            case WIPE -> {
                StoreWipe.Result wiped = journal.submit(fenced((c, after) -> {
                    StoreWipe.Result w = StoreWipe.wipe(c);
                    Map<String, String> figures = new LinkedHashMap<>();
                    figures.put("storeWipe", w.supported() ? "done" : "unsupported");
                    if (w.supported()) {
                        figures.put("zeroedBytes", String.valueOf(w.zeroedBytes()));
                    }
                    // One wipe covers every erasure that waits for one: a full rewrite of the file is not cheap.
                    for (String id : ContactErasures.inState(c, State.WIPE)) {
                        ContactErasures.advance(c, id, State.DONE, figures, clock.instant());
                        Job done = ContactErasures.find(c, id).orElseThrow();
                        audit.append(c, done.requestedBy(), "contact.erase.done", done.contactId(), report(done));
                    }
                    return w;
                })).get();
                LOG.info("Erasure {} done (store file {} -> {} bytes, {} free bytes zeroed)", job.id(),
                        wiped.fileBytesBefore(), wiped.fileBytesAfter(), wiped.zeroedBytes());
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private Duration desksStep(Job job) throws Exception {
        Instant now = clock.instant();
        Instant nextDue = null;
        for (DeskStep d : job.desks()) {
            if (d.outcome() != null) {
                continue;
            }
            if (d.nextAttemptAt() != null && d.nextAttemptAt().isAfter(now)) {
                nextDue = nextDue == null || d.nextAttemptAt().isBefore(nextDue) ? d.nextAttemptAt() : nextDue;
                continue;
            }
            int attempts = d.attempts() + 1;
            RequesterErasure request = new RequesterErasure(job.contactId(), d.requesterRef(), d.addresses(),
                    d.ticketRefs());
            String outcome;
            String detail;
            Instant retryAt = null;
            dev.omnibridge.hub.cluster.Leases l = leases;
            dev.omnibridge.hub.cluster.Fence f = fence;
            if (l != null && (f == null || !l.stillHeld(f))) {
                return Duration.ofSeconds(1);   // issue 25: no desk call once the lease may have moved; look again
            }
            try {
                RequesterErasure.Outcome o = desks.erase(d.desk(), request);
                outcome = o.result().name();
                detail = o.detail();
            } catch (DeliveryException e) {
                detail = describe(e);
                if (e.isRetryable() && attempts < retry.maxAttempts()) {
                    outcome = null;
                    retryAt = now.plus(e.retryAfter().filter(r -> r.compareTo(retry.after(attempts)) > 0)
                            .orElse(retry.after(attempts)));
                } else {
                    outcome = "FAILED";
                }
            } catch (RuntimeException e) {
                outcome = "FAILED";
                detail = describe(e);
            }
            String o = outcome;
            String dt = detail;
            Instant at = retryAt;
            journal.submit(fenced((c, after) -> {
                if (o == null) {
                    ContactErasures.deskRetry(c, job.id(), d.desk(), dt, attempts, at);
                } else {
                    ContactErasures.deskFinished(c, job.id(), d.desk(), o, dt, attempts, clock.instant());
                }
                return null;
            })).get();
            if (o == null) {
                // The desk's error text may quote the customer: it goes to the job's record, not to the log.
                LOG.info("Erasure {}: desk {} failed (attempt {}), retrying at {}", job.id(), d.desk(), attempts, at);
                nextDue = nextDue == null || at.isBefore(nextDue) ? at : nextDue;
            } else if ("FAILED".equals(o)) {
                // An error text may quote the customer: it goes to the job's record, not to the log.
                LOG.warn("Erasure {}: desk {} failed for good after {} attempt(s); see the erasure's status", job.id(),
                        d.desk(), attempts);
            } else {
                // What a connector reports (RequesterErasure.Outcome.detail) is free of personal data by contract.
                LOG.info("Erasure {}: desk {} answered {} ({})", job.id(), d.desk(), o, dt);
            }
        }
        if (nextDue != null) {
            return Duration.between(clock.instant(), nextDue).isNegative() ? Duration.ZERO
                    : Duration.between(clock.instant(), nextDue);
        }
        journal.submit(fenced((c, after) -> {
            Job now2 = ContactErasures.find(c, job.id()).orElseThrow();
            Map<String, String> figures = new LinkedHashMap<>();
            for (DeskStep d : now2.desks()) {
                figures.put("desk." + d.desk(), d.outcome());
            }
            ContactErasures.advance(c, job.id(), State.WIPE, figures, clock.instant());
            return null;
        })).get();
        return null;
    }

    private static String report(Job job) {
        StringBuilder sb = new StringBuilder("erasure ").append(job.id());
        job.figures().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    private static String describe(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    @Override
    public void close() {
        closed = true;
        runner.shutdownNow();
    }
}
