package dev.omnibridge.hub.privacy;

import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.store.AttachmentStorage;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.RecentMessages;
import dev.omnibridge.hub.store.RetentionPurge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Purges message bodies and attachments older than each channel instance's retention ({@code privacy.retentionDays},
 * per channel {@code privacy.channels.<id>.retentionDays}), keeping the rows analytics count
 * ({@link dev.omnibridge.hub.store.MessagePurge}).
 *
 * <p>The journal's timer starts a run every {@code privacy.retentionCheck} (1 h by default); a run is a chain of
 * small units on the journal writer, {@value #BATCH} messages each, so ingest is never held up for long. Each unit
 * writes its audit entry ({@code retention.purge}, actor {@code hub}) in its own transaction; attachment files are
 * deleted after the commit. Figures: {@code omnibridge_retention_purged_messages_total{instance}},
 * {@code omnibridge_retention_purged_attachments_total{instance}}, {@code omnibridge_retention_runs_total{outcome}},
 * {@code omnibridge_retention_last_run_timestamp_seconds}.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    static final int BATCH = 500;
    /**
     * A file written this recently is never deleted: a connector stores a message's attachment before it submits
     * the message, so a file with the same content may be on its way into a new message not yet committed.
     */
    static final Duration FRESH_FILE = Duration.ofMinutes(10);
    public static final String AUDIT_ACTION = "retention.purge";

    private final PrivacyConfig config;
    private final List<String> instanceIds;
    private final Journal journal;
    private final AuditTrail audit;
    private final AttachmentStorage attachments;
    private final RecentMessages recent;
    private final Metrics metrics;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    public Retention(PrivacyConfig config, List<String> instanceIds, Journal journal, AuditTrail audit,
                     AttachmentStorage attachments, RecentMessages recent, Metrics metrics, Clock clock) {
        this.config = config;
        this.instanceIds = List.copyOf(instanceIds);
        this.journal = journal;
        this.audit = audit;
        this.attachments = attachments;
        this.recent = recent;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Starts a run every {@code retentionCheck} (the first one a period after start-up), when any retention is set. */
    public void schedule() {
        if (!config.anyRetention()) {
            return;
        }
        // Issue 25: on one node of a cluster (the purge run, attachment file deletes included, starts only there).
        journal.every(config.retentionCheck(), "timer:retention", (c, after) -> {
            after.run(this::runInBackground);
            return null;
        });
    }

    private void runInBackground() {
        if (!running.compareAndSet(false, true)) {
            return;   // the previous run is still going
        }
        // Not on the writer thread that ran the trigger: a run waits for its own units.
        CompletableFuture.runAsync(() -> {
            try {
                runNow();
            } finally {
                running.set(false);
            }
        });
    }

    /** Purges everything due now, channel by channel; the number of bodies purged. */
    public int runNow() {
        Instant now = clock.instant();
        int total = 0;
        boolean ok = true;
        for (String id : instanceIds) {
            Integer days = config.retentionDaysOf(id).orElse(null);
            if (days == null) {
                continue;
            }
            Instant cutoff = now.minus(Duration.ofDays(days));
            try {
                total += purgeChannel(id, cutoff, now);
            } catch (RuntimeException e) {
                if (stopping(e)) {
                    return total;   // the hub is stopping: the next start picks up where this run ended
                }
                ok = false;
                LOG.warn("Retention: purging instance {} failed: {}", id, e.getMessage());
            }
        }
        metrics.retentionRun(ok, now);
        return total;
    }

    private static boolean stopping(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException && String.valueOf(t.getMessage()).contains("shutting down")) {
                return true;
            }
        }
        return false;
    }

    private int purgeChannel(String id, Instant cutoff, Instant now) {
        int total = 0;
        while (true) {
            RetentionPurge.Batch batch = journal.submit((c, after) -> {
                RetentionPurge.Batch b = RetentionPurge.purge(c, id, cutoff, BATCH, now);
                if (b.messages() > 0 || !b.attachmentHashes().isEmpty()) {
                    audit.append(c, AuditTrail.HUB, AUDIT_ACTION, id, b.messages() + " message bodies received "
                            + "before " + cutoff + " purged, " + b.attachmentHashes().size() + " attachment files");
                    after.run(() -> RetentionPurge.forget(recent, b.purgedIds()));
                }
                return b;
            }).join();
            int deleted = 0;
            for (String hash : batch.attachmentHashes()) {
                try {
                    if (attachments.deleteIfWrittenBefore(hash, now.minus(FRESH_FILE))) {
                        deleted++;
                    }
                } catch (IOException e) {
                    LOG.warn("Retention: attachment file {} could not be deleted: {}", hash, e.getMessage());
                }
            }
            metrics.retentionPurged(id, batch.messages(), deleted);
            total += batch.messages();
            if (batch.messages() > 0) {
                LOG.info("Retention: purged {} message bodies and {} attachment files of instance {} (older than {})",
                        batch.messages(), deleted, id, cutoff);
            }
            if (!batch.more()) {
                return total;
            }
        }
    }
}
