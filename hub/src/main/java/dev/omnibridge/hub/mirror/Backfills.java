package dev.omnibridge.hub.mirror;

import dev.omnibridge.hub.runtime.Refused;
import dev.omnibridge.hub.store.BackfillTables;
import dev.omnibridge.hub.store.BackfillTables.Backfill;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.Ids;
import dev.omnibridge.hub.store.InboundWriter;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.TxWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Backfill (issue 22): a desk newly added to a route (a business moving from one CRM to another) is sent the history
 * of the conversations it should have: those created in a date range, or the open ones, from the channels whose
 * routes now name it. Each conversation goes with its messages in order into a new ticket, through the outbox like
 * live traffic (once each, in order, retried, dead-lettered); a conversation the desk already has is left alone.
 * Pages run on the journal's writer a few times a second, one backfill at a time, oldest first; progress is stored
 * with each page, so a restart resumes where it stopped.
 */
public final class Backfills {
    private static final Logger LOG = LoggerFactory.getLogger(Backfills.class);
    /** Conversations per page (one transaction). */
    static final int PAGE = 25;

    private final Database database;
    private final Journal journal;
    private final InboundWriter writer;
    private final Function<String, List<String>> channelsOf;
    private final Predicate<String> isDesk;
    private final Clock clock;
    private final int pageSize;
    /** Whether a backfill may be running: at first (one a stop left resumes), after a start; not once none is. */
    private final AtomicBoolean active = new AtomicBoolean(true);

    /**
     * @param channelsOf the channel instances whose routes name a desk
     * @param isDesk     whether an instance id is a configured desk that takes deliveries (not a console inbox)
     */
    public Backfills(Database database, Journal journal, InboundWriter writer,
                     Function<String, List<String>> channelsOf, Predicate<String> isDesk, Clock clock) {
        this(database, journal, writer, channelsOf, isDesk, clock, PAGE);
    }

    Backfills(Database database, Journal journal, InboundWriter writer, Function<String, List<String>> channelsOf,
              Predicate<String> isDesk, Clock clock, int pageSize) {
        this.database = database;
        this.journal = journal;
        this.writer = writer;
        this.channelsOf = channelsOf;
        this.isDesk = isDesk;
        this.clock = clock;
        this.pageSize = pageSize;
    }


    /** Runs the pages on the journal's writer; a backfill left RUNNING by a stop resumes here. */
    public void schedule() {
        journal.every(Duration.ofMillis(250), "timer:backfills", step());   // issue 25: on one node
    }

    /**
     * Starts a backfill: {@code open} for the open conversations, else those created in [{@code from}, {@code to}).
     *
     * @param actor who asked (the audit actor), never a secret
     */
    public Backfill start(String desk, Instant from, Instant to, boolean open, String actor) throws Refused,
            SQLException {
        if (desk == null || desk.isBlank()) {
            throw new Refused(400, "desk is required: the desk instance to send the history to");
        }
        if (!isDesk.test(desk)) {
            throw new Refused(400, "desk '" + desk + "' is not a configured desk instance that takes deliveries");
        }
        if (channelsOf.apply(desk).isEmpty()) {
            throw new Refused(409, "no route names desk '" + desk + "': add it to a route first");
        }
        if (open && (from != null || to != null)) {
            throw new Refused(400, "give either open: true or from and to, not both");
        }
        if (!open && (from == null || to == null)) {
            throw new Refused(400, "from and to (ISO-8601 instants) are required, or open: true");
        }
        if (!open && !from.isBefore(to)) {
            throw new Refused(400, "from must be before to");
        }
        Instant now = clock.instant();
        Backfill b = new Backfill(Ids.newId(), desk, open, from, to, BackfillTables.RUNNING, 0, 0, 0,
                actor == null ? "unknown" : actor, now, now, null);
        await(journal.submit((c, after) -> {
            BackfillTables.create(c, b);
            after.run(() -> active.set(true));
            return null;
        }));
        LOG.info("Backfill {} to desk {} started ({})", b.id(), desk, open ? "open conversations" : "date range");
        return b;
    }

    public Optional<Backfill> find(String id) throws SQLException {
        try (Connection c = database.connection()) {
            return BackfillTables.find(c, id);
        }
    }

    public List<Backfill> list(int limit) throws SQLException {
        try (Connection c = database.connection()) {
            return BackfillTables.list(c, limit);
        }
    }

    /** One page of the oldest running backfill; false when none is running. */
    TxWork<Boolean> step() {
        return (c, after) -> {
            // Without a backfill running (nearly always), the writer's periodic pass reads nothing.
            if (!active.get()) {
                return false;
            }
            Optional<Backfill> running = BackfillTables.nextRunning(c);
            if (running.isEmpty()) {
                active.set(false);
                return false;
            }
            Backfill b = running.get();
            BackfillTables.Page page = BackfillTables.page(c, after, writer, b, channelsOf.apply(b.desk()),
                    pageSize, clock.instant());
            if (page.finished()) {
                after.run(() -> LOG.info("Backfill {} to desk {} done", b.id(), b.desk()));
            }
            return true;
        };
    }

    private static void await(java.util.concurrent.CompletableFuture<?> stored) throws SQLException {
        try {
            stored.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new SQLException("the backfill could not be stored: " + e.getMessage(), e);
        }
    }
}
