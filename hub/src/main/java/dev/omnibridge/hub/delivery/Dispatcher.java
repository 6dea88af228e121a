package dev.omnibridge.hub.delivery;

import dev.omnibridge.hub.cluster.Bus;
import dev.omnibridge.hub.cluster.Cluster;
import dev.omnibridge.hub.cluster.Fence;
import dev.omnibridge.hub.cluster.LeaseListener;
import dev.omnibridge.hub.cluster.LeaseLost;
import dev.omnibridge.hub.cluster.Leases;
import dev.omnibridge.hub.metrics.Metrics;
import dev.omnibridge.hub.store.Columns;
import dev.omnibridge.hub.store.DeliveryStore;
import dev.omnibridge.hub.store.DeliveryTask;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.OutboxShards;
import dev.omnibridge.hub.store.TxWork;
import dev.omnibridge.model.Priority;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;
import dev.omnibridge.spi.OutboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Works through the outbox. Each (target, conversation) pair is a lane: a lane delivers one message at a time, in
 * the order they were stored, so a conversation's messages reach a desk in order and its first message creates
 * the ticket before the next one is added; different lanes run in parallel on the worker pool. A failure is
 * retried with backoff (holding its lane), and a permanent or exhausted one goes to the dead-letter list while
 * the lane moves on.
 *
 * <p>Where a desk takes several messages of one ticket in one call ({@link DeliveryTargets#maxBatch} above 1), a
 * lane whose ticket is known sends its head together with the queued rows after it that are due, in one
 * {@code deliverAll} call, so a busy conversation costs one desk round trip per batch rather than per message. It
 * is still one call at a time per lane, in order; every message keeps its own idempotency key and its own
 * outcome: an applied prefix is recorded done message by message, and the first message not applied fails as if
 * it had been delivered alone, the rows after it untouched. A message that opens a ticket, and a breaker's probe,
 * always go alone.
 *
 * <p>Memory is bounded whatever the backlog: per target at most {@code window} rows are held (see
 * {@link TargetFeed}), read from the store a page at a time as earlier ones finish, and one lane holds at most
 * {@code laneCap} of them so that one long conversation cannot take a target's whole window. Rows committed while
 * a target is caught up go straight to their lane; otherwise they stay in the store until the pages reach them.
 * Reads and admissions are serialised by the admission lock; a delivery itself never waits for it.
 *
 * <p>When retryable failures meet several conversations of one target in a row, the target's {@link TargetBreaker}
 * opens: its lanes park instead of retrying on their own, one probe (the head of a waiting lane, chosen oldest
 * first and then round the lanes) goes every {@code backoff.initial()} and never before a Retry-After, and the first
 * delivery that succeeds closes the breaker and starts every parked or backing-off lane at once, so a backlog flows
 * as soon as the target is back rather than when each conversation's backoff runs out.
 *
 * <p>Which ready lane gets a worker first is the {@link DeliveryOrder} ({@code hub.delivery.order}): by default
 * earliest virtual deadline first, so lanes of URGENT and HIGH conversations go before NORMAL and LOW ones that
 * became ready a little earlier, while waiting ages every lane ({@link ReadyQueue}). With a backlog in the store,
 * an urgent row committed beyond the pages is read ahead of them with its conversation's earlier rows, or admitted
 * at once when its conversation has nothing waiting ({@link #readAhead}); order within a lane never changes.
 *
 * <p>A lane does not wait for the commit of a successful outcome before its next delivery: the journal commits
 * outcomes in the order they are submitted, and a crash before the commit only repeats deliveries under the same
 * idempotency key. What the next delivery needs from that outcome (a desk ticket just created) the lane keeps in
 * memory until it is committed.
 *
 * <p>Issue 25, several nodes on one store ({@link Cluster#enabled()}): conversations are split into
 * {@link OutboxShards shares}, each under a lease {@code shard:<n>}; a node reads, admits and delivers the rows of the
 * shares it holds only, so at most one node runs a conversation's lane. Ids grow in commit order across the cluster
 * (the journal's writer lock), so the pages still read in order; rows are never admitted straight from this node's
 * writer (a lower id from another node may still be unread) but wake a read, as do the other nodes' notices
 * ({@link Bus#OUTBOX}) and a refill every second. Gaining a share sends every target's cursor back to the start;
 * losing one lets go of its lanes (a running delivery finishes). Outcomes are written only while the share's lease
 * holds ({@link Leases#verify}); one refused rolls back alone and the lane is dropped, and the new holder repeats the
 * delivery under the same idempotency key. A single node holds every share and behaves as before.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final DeliveryStore store;
    private final Journal journal;
    private volatile java.util.function.BiConsumer<DeliveryTask, String> onChannelDeadLetter = (task, reason) -> {
    };
    private final DeliveryTargets targets;
    private final Metrics metrics;
    private final Backoff backoff;
    private final int maxAttempts;
    private final Clock clock;
    private final int window;
    private final int laneCap;
    private final int page;
    // Urgent rows (and their conversations' earlier rows) read ahead of a backlog may exceed the window by this much.
    private final int urgentReserve;
    private final ReadyQueue ready;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "omnibridge-retry-timer");
        t.setDaemon(true);
        return t;
    });
    // Reads the outbox pages, one target at a time.
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "omnibridge-outbox-reader");
        t.setDaemon(true);
        return t;
    });
    // Taken before the lanes lock, never after it: a read of the store and the admission of its rows are one step,
    // so that a row committed meanwhile cannot overtake the rows read.
    private final Object admission = new Object();
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Map<String, TargetFeed> feeds = new HashMap<>();
    private final Map<String, TargetBreaker> breakers = new ConcurrentHashMap<>();
    // Guarded by the lanes lock.
    private long probes;
    // Guarded by the lanes lock: lanes waiting in the ready queue that were admitted a row of a higher priority.
    private final Set<Lane> raised = new java.util.LinkedHashSet<>();
    // Ids of the rows held: a safety net against admitting one twice.
    private final Set<Long> queued = ConcurrentHashMap.newKeySet();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong retrying = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private volatile boolean running = true;
    // Targets held by a plugin swap or removal (issue 24): their lanes park instead of delivering, their rows stay
    // queued. Guarded by the lanes lock, as is the count of each target's deliveries running now.
    private final Set<String> held = new java.util.HashSet<>();
    private final Map<String, Integer> inFlight = new HashMap<>();

    // Successful outcomes submitted to the journal and not yet committed; close() waits for them.
    private final Set<CompletableFuture<Void>> unrecorded = ConcurrentHashMap.newKeySet();

    private volatile UnreachableCustomers unreachableCustomers = UnreachableCustomers.NONE;

    // Issue 25: a cluster's shares (see the class comment). All null/empty on a single node.
    private final boolean sharded;
    private final Cluster cluster;
    // Guarded by the lanes lock: the shares this node holds, with the fence each is held under.
    private final Map<Integer, Fence> owned = new HashMap<>();
    // The shares the reads bind (replaced whole under the lanes lock): a gained share joins them only when the feeds'
    // positions go back to the start (resetFeeds, under the admission lock), never before. A read in between would
    // bind the new share with the old position and admit its newer rows ahead of the older ones below that position,
    // which the reset then puts behind them in their lanes: a conversation out of order (seen in ClusterDeliveryTest).
    private volatile Integer[] ownedShards = new Integer[0];
    // Guarded by the lanes lock: lanes of a lost share still running their delivery; their conversations admit
    // nothing until they return.
    private final Map<String, Lane> revokedRunning = new HashMap<>();
    private final List<Leases.Wanted> wanted = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean resetQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private long ticks;

    /** Decides what becomes of a reply whose channel says the customer is unreachable there (reply fallback). */
    public void onUnreachableCustomer(UnreachableCustomers decider) {
        this.unreachableCustomers = decider;
    }

    /** Told when a reply to a customer is dead-lettered, so the desk can hear of it. */
    public void onChannelDeadLetter(java.util.function.BiConsumer<DeliveryTask, String> listener) {
        this.onChannelDeadLetter = listener;
    }

    public Dispatcher(DeliveryStore store, Journal journal, DeliveryTargets targets, Metrics metrics,
                      Backoff backoff, int maxAttempts, int workerCount, Clock clock) {
        this(store, journal, targets, metrics, backoff, maxAttempts, workerCount, clock,
                dev.omnibridge.hub.config.HubConfig.Delivery.DEFAULT_WINDOW);
    }

    /** @param window outbox rows per target held in memory at most */
    public Dispatcher(DeliveryStore store, Journal journal, DeliveryTargets targets, Metrics metrics,
                      Backoff backoff, int maxAttempts, int workerCount, Clock clock, int window) {
        this(store, journal, targets, metrics, backoff, maxAttempts, workerCount, clock, window,
                DeliveryOrder.priority());
    }

    /**
     * @param window outbox rows per target held in memory at most (plus a tenth of it for urgent rows read ahead of
     *               a backlog)
     * @param order  which waiting lane goes first
     */
    public Dispatcher(DeliveryStore store, Journal journal, DeliveryTargets targets, Metrics metrics,
                      Backoff backoff, int maxAttempts, int workerCount, Clock clock, int window,
                      DeliveryOrder order) {
        this(store, journal, targets, metrics, backoff, maxAttempts, workerCount, clock, window, order, null);
    }

    /**
     * @param cluster the node's cluster (issue 25); with several nodes ({@link Cluster#enabled()}) this node delivers
     *                the conversations of the shares it holds; null or a single node: every conversation
     */
    public Dispatcher(DeliveryStore store, Journal journal, DeliveryTargets targets, Metrics metrics,
                      Backoff backoff, int maxAttempts, int workerCount, Clock clock, int window,
                      DeliveryOrder order, Cluster cluster) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1");
        }
        this.store = store;
        this.journal = journal;
        this.targets = targets;
        this.metrics = metrics;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
        this.window = window;
        // A twentieth of the window per conversation still keeps twenty of them going when one lane is stuck.
        this.laneCap = Math.max(1, window / 20);
        this.page = Math.min(window, 500);
        this.urgentReserve = Math.max(1, window / 10);
        this.ready = new ReadyQueue(workerCount, order);
        this.cluster = cluster;
        this.sharded = cluster != null && cluster.enabled();
        if (sharded) {
            store.fencedBy(cluster.leases());
        }
        metrics.deliveries("pending", pending::get);
        metrics.deliveries("retrying", retrying::get);
        metrics.deliveries("dead", dead::get);
    }

    /**
     * Starts on what the outbox still holds, e.g. after a restart: counts it, and has each target with pending
     * rows read its first page. Returns without waiting for them.
     */
    public void recover() throws Exception {
        // Counted in the journal, so the counts and the hand-overs of rows committed around them add up exactly.
        Map<String, Long> counts = journal.submit((c, after) -> {
            Map<String, Long> n = store.countByState().apply(c, after);
            after.run(() -> {
                pending.set(n.getOrDefault("PENDING", 0L) + n.getOrDefault("RETRYING", 0L));
                retrying.set(n.getOrDefault("RETRYING", 0L));
                dead.set(n.getOrDefault("DEAD", 0L));
            });
            return n;
        }).get();
        for (String target : store.pendingTargets()) {
            TargetFeed feed;
            synchronized (lanes) {
                feed = feed(target);
                // Urgent rows may wait anywhere in the backlog: the first refill looks for them.
                feed.urgentInStore = ready.order().byPriority();
            }
            requestRefill(feed);
        }
        long undelivered = counts.getOrDefault("PENDING", 0L) + counts.getOrDefault("RETRYING", 0L);
        if (undelivered > 0) {
            LOG.info("Resuming {} undelivered message(s) from the outbox", undelivered);
        }
        if (sharded) {
            share();
        }
    }

    /**
     * Issue 25: asks for every share's lease (the cluster hands this node its fair part), listens to the other nodes'
     * outbox notices, and reads every target again each second in case a notice was missed.
     */
    private void share() {
        try {
            int moved = journal.submit(store.reshard()).get();
            if (moved > 0) {
                LOG.info("{} outbox row(s) put in their conversation's share", moved);
            }
        } catch (Exception e) {
            LOG.warn("Could not check the outbox rows' shares: {}", e.getMessage());
        }
        cluster.bus().subscribe(Bus.OUTBOX, this::heard);
        int shards = OutboxShards.count();
        for (int n = 0; n < shards; n++) {
            int shard = n;
            Leases.Wanted w = cluster.leases().want("shard:" + n, new LeaseListener() {
                @Override
                public void acquired(Fence fence) {
                    gained(shard, fence);
                }

                @Override
                public void lost(Fence fence) {
                    lostShare(shard, fence);
                }
            });
            synchronized (wanted) {
                wanted.add(w);
            }
        }
        try {
            timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        } catch (RejectedExecutionException stopped) {
            // Closing.
        }
    }

    /** The shares this node holds now (issue 25; every one on a single node). */
    public Set<Integer> heldShares() {
        if (!sharded) {
            Set<Integer> all = new java.util.TreeSet<>();
            for (int n = 0; n < OutboxShards.count(); n++) {
                all.add(n);
            }
            return all;
        }
        synchronized (lanes) {
            return Set.copyOf(owned.keySet());
        }
    }

    private void gained(int shard, Fence fence) {
        synchronized (lanes) {
            owned.put(shard, fence); // read from the start by the reset below (see ownedShards)
        }
        LOG.debug("Deliveries of share {} are this node's now", shard);
        resetFeedsSoon();
    }

    private void lostShare(int shard, Fence fence) {
        synchronized (lanes) {
            if (!fence.equals(owned.get(shard))) {
                return; // let go already (an outcome found it lost first)
            }
            owned.remove(shard);
            ownedShards = java.util.Arrays.stream(ownedShards).filter(n -> n != shard).toArray(Integer[]::new);
            List<Lane> of = new ArrayList<>();
            for (Lane l : lanes.values()) {
                if (shardOf(l) == shard) {
                    of.add(l);
                }
            }
            for (Lane l : of) {
                revoke(l);
            }
        }
        LOG.debug("Deliveries of share {} are no longer this node's", shard);
    }

    /** An outcome found the lease of the lane's share moved: the share is let go here at once. */
    private void leaseLost(Fence fence) {
        if (fence == null || fence.none()) {
            return;
        }
        String name = fence.name();
        try {
            lostShare(Integer.parseInt(name.substring(name.indexOf(':') + 1)), fence);
        } catch (RuntimeException e) {
            LOG.warn("Unexpected lease name {}", name);
        }
    }

    /** Called with the lanes lock held. */
    private int shardOf(Lane lane) {
        if (lane.shard < 0) {
            lane.shard = OutboxShards.of(lane.conversationId);
        }
        return lane.shard;
    }

    /**
     * A lane of a share this node no longer holds: its rows leave memory (they stay in the store for the share's new
     * holder). A lane running a delivery now lets go when that returns. Called with the lanes lock held.
     */
    private void revoke(Lane lane) {
        lanes.remove(lane.key, lane);
        if (lane.busy && !lane.sleeping && !lane.waiting) {
            lane.revoked = true;
            revokedRunning.put(lane.key, lane);
            return;
        }
        letGo(lane);
    }

    /** The lane's queued rows leave memory, not finished; the lane stops. Called with the lanes lock held. */
    private void letGo(Lane lane) {
        TargetFeed feed = feed(lane.target);
        for (DeliveryTask t : lane.queue) {
            if (queued.remove(t.id())) {
                feed.held--;
            }
        }
        lane.queue.clear();
        lane.generation++;
        lane.busy = false;
        lane.sleeping = false;
        lane.overflowing = false;
        lane.parkedByHold = false;
        if (lane.waiting) {
            feed.waiting.remove(lane);
            lane.waiting = false;
        }
        lane.revoked = true;
        lanes.remove(lane.key, lane);
        if (revokedRunning.remove(lane.key, lane)) {
            resetFeedsSoon(); // its conversation's later rows were passed by while it ran
        }
    }

    /**
     * Every target's pages start again from the first row (a share was gained: its rows below the cursors were never
     * read; or rows were let go below them). Rows in memory stay, and are not admitted twice.
     */
    private void resetFeedsSoon() {
        if (!resetQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            reader.execute(this::resetFeeds);
        } catch (RejectedExecutionException stopped) {
            // Closing.
        }
    }

    private void resetFeeds() {
        resetQueued.set(false);
        List<String> pendingTargets;
        try {
            pendingTargets = store.pendingTargets();
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.warn("Could not list the outbox's targets: {}", e.getMessage());
            pendingTargets = List.of();
        }
        List<TargetFeed> all;
        synchronized (admission) {
            synchronized (lanes) {
                pendingTargets.forEach(this::feed);
                ownedShards = owned.keySet().toArray(Integer[]::new);
                for (TargetFeed feed : feeds.values()) {
                    feed.cursor = 0;
                    feed.caughtUp = false;
                    feed.wakeUps++;
                    feed.ahead.clear();
                    feed.urgent.clear();
                    feed.urgentInStore = ready.order().byPriority();
                    feed.urgentScanned = 0;
                    feed.behind = null;
                }
                all = new ArrayList<>(feeds.values());
            }
        }
        all.forEach(this::requestRefill);
    }

    /** The target's outbox may have new rows of this node's shares: the next refill reads. */
    private void wakeUp(String target, boolean urgent) {
        TargetFeed feed;
        synchronized (lanes) {
            feed = feed(target);
            feed.caughtUp = false;
            feed.wakeUps++;
            if (urgent && ready.order().byPriority()) {
                feed.urgentInStore = true;
            }
        }
        requestRefill(feed);
    }

    /** Another node's notice: new rows for a target, or a dead letter replayed. */
    private void heard(String payload) {
        if (!running || payload == null) {
            return;
        }
        if (payload.startsWith("replay:")) {
            long id;
            try {
                id = Long.parseLong(payload.substring("replay:".length()));
            } catch (NumberFormatException e) {
                return;
            }
            try {
                reader.execute(() -> replayedElsewhere(id));
            } catch (RejectedExecutionException stopped) {
                // Closing.
            }
            return;
        }
        wakeUp(payload, false);
    }

    private void replayedElsewhere(long id) {
        try {
            store.pendingTask(id).ifPresent(t -> {
                boolean mine;
                synchronized (lanes) {
                    mine = owned.containsKey(OutboxShards.of(t.conversationId()));
                }
                if (mine) {
                    LOG.info("Dead letter {} replayed on another node; delivering it to {}", id, t.target());
                    admitReplayed(t);
                }
            });
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.warn("Could not read replayed delivery {}: {}; the refill takes it", id, e.getMessage());
            resetFeedsSoon();
        }
    }

    /**
     * Each second: every target is read again (a notice may have been lost), every ten the store is asked which
     * targets have rows, and every five the counts come from the store (other nodes change them too).
     */
    private void tick() {
        if (!running) {
            return;
        }
        long n = ++ticks;
        List<String> targets;
        synchronized (lanes) {
            targets = new ArrayList<>(feeds.keySet());
        }
        targets.forEach(t -> wakeUp(t, false));
        if (n % 30 == 0) {
            // A replayed dead letter goes back below the readers' positions and its holder hears of it by a notice,
            // which a dropped listening connection can miss: every half minute this node reads its shares from
            // the start again (rows already taken are skipped), so such a row waits 30 s at most.
            resetFeedsSoon();
        } else if (n % 10 == 0) {
            try {
                reader.execute(() -> {
                    try {
                        store.pendingTargets().forEach(t -> wakeUp(t, false));
                    } catch (java.sql.SQLException | RuntimeException e) {
                        LOG.debug("Could not list the outbox's targets: {}", e.getMessage());
                    }
                });
            } catch (RejectedExecutionException stopped) {
                // Closing.
            }
        }
        if (n % 5 == 0) {
            try {
                Map<String, Long> counts = store.counts();
                pending.set(counts.getOrDefault("PENDING", 0L) + counts.getOrDefault("RETRYING", 0L));
                retrying.set(counts.getOrDefault("RETRYING", 0L));
                dead.set(counts.getOrDefault("DEAD", 0L));
            } catch (java.sql.SQLException | RuntimeException e) {
                LOG.debug("Could not count the outbox: {}", e.getMessage());
            }
        }
    }

    /** Takes a newly committed outbox row. */
    public void enqueue(DeliveryTask task) {
        pending.incrementAndGet();
        if (sharded) {
            // Not admitted straight away: a row of another node with a lower id may not have been read yet.
            boolean mine;
            synchronized (lanes) {
                mine = owned.containsKey(OutboxShards.of(task.conversationId()));
            }
            if (mine) {
                wakeUp(task.target(), DeliveryOrder.AHEAD.contains(task.priority()));
            }
            return;
        }
        TargetFeed feed;
        Lane start = null;
        boolean behind;
        synchronized (admission) {
            synchronized (lanes) {
                feed = feed(task.target());
                if (task.id() <= feed.cursor) {
                    return; // a page read it already
                }
                if (feed.caughtUp && feed.held >= window) {
                    feed.caughtUp = false; // it stays in the store until the pages reach it
                    feed.behind = ready.order().byPriority() ? new HashMap<>() : null;
                }
                behind = !feed.caughtUp;
                if (!behind) {
                    feed.cursor = task.id();
                    start = offer(feed, task);
                } else if (urgentWithNothingBefore(feed, task)) {
                    Lane lane = lanes.computeIfAbsent(Lane.key(task.target(), task.conversationId()),
                            k -> new Lane(task.target(), task.conversationId()));
                    feed.ahead.add(task.id());
                    start = admit(feed, lane, task);
                } else {
                    feed.track(task, 10 * window);
                    noteUrgent(feed, task);
                }
            }
            if (start != null) {
                schedule(start, task.notBefore());
            }
        }
        bumpRaised();
        if (behind) {
            requestRefill(feed);
        }
    }

    /**
     * An urgent row beyond the cursor is read ahead of the pages (see {@link #readAhead}); at most a window of them
     * are kept in mind, the store is asked for the others. Called with the lanes lock held.
     */
    private void noteUrgent(TargetFeed feed, DeliveryTask task) {
        if (!ready.order().byPriority() || !DeliveryOrder.AHEAD.contains(task.priority())) {
            return;
        }
        feed.noteUrgent(task, window);
    }

    /**
     * An urgent row beyond the cursor whose conversation has no earlier row waiting (known from what enqueue saw
     * since the feed fell behind) goes straight to its lane, without a read, as long as there is room for it (see
     * {@link #readAhead}). Called with both locks held.
     */
    private boolean urgentWithNothingBefore(TargetFeed feed, DeliveryTask task) {
        if (feed.behind == null || !DeliveryOrder.AHEAD.contains(task.priority())
                || feed.behind.containsKey(task.conversationId())
                || feed.held >= window + urgentReserve || feed.ahead.size() >= window) {
            return false;
        }
        Lane lane = lanes.get(Lane.key(task.target(), task.conversationId()));
        return lane == null || !lane.overflowing;
    }

    /** Called with the lanes lock held. */
    private TargetFeed feed(String target) {
        return feeds.computeIfAbsent(target, TargetFeed::new);
    }

    /**
     * Admits a row the pages (or the caught-up hand-over) reached, unless its lane is full or already reads its
     * own rows. Called with both locks held; returns the lane to start, if it was idle.
     */
    private Lane offer(TargetFeed feed, DeliveryTask task) {
        Lane lane = lanes.computeIfAbsent(Lane.key(task.target(), task.conversationId()),
                k -> new Lane(task.target(), task.conversationId()));
        if (lane.overflowing) {
            return null;
        }
        if (lane.queue.size() >= laneCap) {
            lane.overflowing = true;
            return null;
        }
        return admit(feed, lane, task);
    }

    /** Called with the lanes lock held; returns the lane to start, if it was idle. */
    private Lane admit(TargetFeed feed, Lane lane, DeliveryTask task) {
        if (sharded && (!owned.containsKey(shardOf(lane)) || revokedRunning.containsKey(lane.key)
                || feed.settled.contains(task.id()))) {
            // Not this node's share now; or its lane of an earlier hold still runs (its rows come after it returns);
            // or finished while the read that found it ran.
            return null;
        }
        if (!queued.add(task.id())) {
            return null;
        }
        feed.held++;
        lane.queue.add(task);
        lane.lastAdmitted = Math.max(lane.lastAdmitted, task.id());
        if (lane.busy) {
            if (lane.readyAs != null && task.priority().compareTo(lane.readyAs) > 0 && ready.order().byPriority()
                    || lane.readyAs != null && lane.aheadOf != null && lane.aheadOf.compareTo(lane.readyAs) > 0) {
                raised.add(lane);
            }
            return null;
        }
        lane.busy = true;
        return lane;
    }

    private void requestRefill(TargetFeed feed) {
        synchronized (lanes) {
            if (feed.refillQueued || !running) {
                return;
            }
            feed.refillQueued = true;
        }
        try {
            reader.execute(() -> refill(feed));
        } catch (RejectedExecutionException stopped) {
            // Closing.
        }
    }

    /**
     * Fills the target's window: first the waiting overflowing lanes (older rows), then the next pages. Each read
     * takes the admission lock on its own, so rows committed meanwhile are handed over between two reads rather
     * than after all of them (a page of rows that all belong to overflowing lanes admits nothing, and the reads go
     * on).
     */
    private void refill(TargetFeed feed) {
        synchronized (lanes) {
            feed.refillQueued = false;
        }
        try {
            boolean more = true;
            while (running && more) {
                synchronized (admission) {
                    more = refillStep(feed);
                }
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.error("Reading the outbox of {} failed, will retry: {}", feed.target, e.getMessage());
            try {
                timer.schedule(() -> requestRefill(feed), 1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException stopped) {
                // Closing.
            }
        }
    }

    /** One read; false when the window is full or there is nothing more to read. Called with the admission lock. */
    private boolean refillStep(TargetFeed feed) throws java.sql.SQLException {
        if (readAhead(feed)) {
            return true;
        }
        Lane lane;
        long cursor;
        int room;
        synchronized (lanes) {
            room = window - feed.held;
            lane = feed.waiting.peek();
            cursor = feed.cursor;
            if (room <= 0 || (lane == null && feed.caughtUp)) {
                return false;
            }
        }
        List<Lane> start = new ArrayList<>();
        Integer[] shards = sharded ? ownedShards : null;
        long wakeUps;
        synchronized (lanes) {
            wakeUps = feed.wakeUps;
            feed.reading = sharded;
            feed.settled.clear();
        }
        if (lane != null) {
            int limit = Math.min(room, laneCap);
            List<DeliveryTask> rows = store.pendingInLane(feed.target, lane.conversationId, lane.lastAdmitted,
                    cursor, limit);
            synchronized (lanes) {
                feed.reading = false;
                feed.waiting.poll();
                lane.waiting = false;
                rows.forEach(t -> admit(feed, lane, t));
                feed.settled.clear();
                if (rows.size() < limit) {
                    lane.overflowing = false; // the pages admit its later rows again
                }
                if (lane.queue.isEmpty()) {
                    lane.busy = false;
                    removeIfIdle(lane);
                } else {
                    start.add(lane);
                }
            }
        } else {
            int limit = Math.min(room, page);
            List<DeliveryTask> rows = shards != null && shards.length == 0 ? List.of()
                    : store.pendingPage(feed.target, cursor, limit, shards);
            synchronized (lanes) {
                feed.reading = false;
                for (DeliveryTask t : rows) {
                    feed.cursor = t.id();
                    if (feed.ahead.remove(t.id())) {
                        continue; // read ahead already
                    }
                    feed.untrack(t);
                    Lane l = offer(feed, t);
                    if (l != null) {
                        start.add(l);
                    }
                }
                if (rows.size() < limit && feed.wakeUps == wakeUps) {
                    feed.caughtUp = true; // (in a cluster, unless woken meanwhile: then it reads once more)
                }
                feed.settled.clear();
                feed.passedBy();
            }
        }
        bumpRaised();
        for (Lane l : start) {
            DeliveryTask head;
            synchronized (lanes) {
                head = l.queue.peek();
            }
            schedule(l, head.notBefore());
        }
        return true;
    }

    /**
     * Urgent first when refilling: with a backlog in the store (the target not caught up), an urgent row committed
     * beyond the cursor does not wait for the pages to reach it. Its conversation's rows up to it (the earlier ones
     * first: order within a conversation) are read at once, with one indexed read of that conversation, and
     * admitted; the pages skip them later ({@link TargetFeed#ahead}). Memory stays bounded: such reads may exceed
     * the window by {@link #urgentReserve} rows, and at most a window of ids read ahead is remembered (more urgent
     * rows than that wait for the pages, as with FIFO). A conversation already overflowing its lane cap reads its
     * own rows, the urgent one when the pages pass it. Returns false when there was nothing to read ahead.
     * Called with the admission lock.
     */
    private boolean readAhead(TargetFeed feed) throws java.sql.SQLException {
        if (!ready.order().byPriority()) {
            return false;
        }
        long cursor;
        int room;
        boolean lookInStore;
        synchronized (lanes) {
            room = window + urgentReserve - feed.held;
            if (room <= 0 || feed.ahead.size() >= window || (feed.urgent.isEmpty() && !feed.urgentInStore)) {
                return false;
            }
            cursor = feed.cursor;
            lookInStore = feed.urgent.isEmpty();
        }
        if (lookInStore) {
            int limit = Math.min(page, window);
            Integer[] shards = sharded ? ownedShards : null;
            List<DeliveryTask> found = shards != null && shards.length == 0 ? List.of()
                    : store.pendingWithPriority(feed.target, Math.max(cursor, feed.urgentScanned),
                    DeliveryOrder.AHEAD, limit, shards);
            synchronized (lanes) {
                for (DeliveryTask t : found) {
                    feed.urgentScanned = t.id();
                    if (!feed.ahead.contains(t.id()) && !queued.contains(t.id())) {
                        feed.urgent.put(t.id(), t);
                    }
                }
                if (found.size() < limit) {
                    feed.urgentInStore = false;
                }
                return !found.isEmpty() || feed.urgentInStore;
            }
        }
        DeliveryTask urgent;
        Lane lane;
        long from;
        synchronized (lanes) {
            urgent = feed.urgent.pollFirstEntry().getValue();
            if (urgent.id() <= feed.cursor || feed.ahead.contains(urgent.id()) || queued.contains(urgent.id())) {
                return true; // the pages (or an earlier read ahead) took it meanwhile
            }
            lane = lanes.computeIfAbsent(Lane.key(urgent.target(), urgent.conversationId()),
                    k -> new Lane(urgent.target(), urgent.conversationId()));
            if (lane.overflowing) {
                return true;
            }
            from = Math.max(cursor, lane.lastAdmitted);
        }
        // Not bounded by the lane cap: the room is, and an urgent conversation may take it.
        int limit = Math.min(room, page);
        List<DeliveryTask> rows = from >= urgent.id() ? List.of()
                : store.pendingInLane(feed.target, urgent.conversationId(), from, urgent.id(), limit);
        Lane start = null;
        synchronized (lanes) {
            if (!rows.isEmpty() && rows.get(rows.size() - 1).id() < urgent.id()) {
                feed.urgent.put(urgent.id(), urgent); // its earlier rows filled the read: it comes next time
                lane.aheadOf = lane.aheadOf == null || urgent.priority().compareTo(lane.aheadOf) > 0
                        ? urgent.priority() : lane.aheadOf;
            } else {
                lane.aheadOf = null;
            }
            for (DeliveryTask t : rows) {
                if (t.id() > feed.cursor && feed.ahead.add(t.id())) {
                    feed.untrack(t);
                    Lane l = admit(feed, lane, t);
                    start = l != null ? l : start;
                }
            }
            removeIfIdle(lane);
        }
        if (start != null) {
            DeliveryTask head;
            synchronized (lanes) {
                head = start.queue.peek();
            }
            schedule(start, head.notBefore());
        }
        bumpRaised();
        return true;
    }

    /**
     * Puts the lanes that were admitted a row of a higher priority while waiting for a worker into the ready queue
     * again, with that priority; their older entry does nothing when its turn comes.
     */
    private void bumpRaised() {
        List<Lane> bump;
        synchronized (lanes) {
            if (raised.isEmpty()) {
                return;
            }
            bump = new ArrayList<>(raised);
            raised.clear();
        }
        for (Lane lane : bump) {
            int generation;
            synchronized (lanes) {
                if (!lane.sleeping || lane.readyAs == null || lane.queue.isEmpty()) {
                    continue;
                }
                generation = ++lane.generation;
            }
            start(lane, generation, null);
        }
    }

    /** A delivery to the target has returned (done, failed or not recorded): drain() may be waiting for it. */
    private void landed(String target) {
        synchronized (lanes) {
            if (inFlight.merge(target, -1, Integer::sum) <= 0) {
                inFlight.remove(target);
            }
            lanes.notifyAll();
        }
    }

    /**
     * Holds the deliveries to {@code target} (issue 24, a plugin swap): from now on none starts; its rows stay
     * queued in the outbox and in memory, with no attempt counted, until {@link #release}. Deliveries already
     * running finish: {@link #drain} waits for them. Never interrupts a thread.
     */
    public void hold(String target) {
        synchronized (lanes) {
            held.add(target);
        }
    }

    /**
     * Waits until no delivery to a held target is running any more (at most {@code timeout}).
     *
     * @return false when some still run after the timeout
     */
    public boolean drain(String target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lanes) {
            while (inFlight.getOrDefault(target, 0) > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                lanes.wait(left);
            }
        }
        return true;
    }

    /** Deliveries to {@code target} go again: the lanes the hold parked start now, in their order. */
    public void release(String target) {
        List<Lane> parked = new ArrayList<>();
        synchronized (lanes) {
            if (!held.remove(target)) {
                return;
            }
            for (Lane l : lanes.values()) {
                if (l.target.equals(target) && l.parkedByHold) {
                    l.parkedByHold = false;
                    parked.add(l);
                }
            }
        }
        int woken = 0;
        for (Lane l : parked) {
            woken += wake(l) ? 1 : 0;
        }
        LOG.info("Deliveries to {} released; {} waiting conversation(s) go now", target, woken);
    }

    /** The targets held by {@link #hold}. */
    public Set<String> heldTargets() {
        synchronized (lanes) {
            return Set.copyOf(held);
        }
    }

    /** The targets whose deliveries are paused by their breaker, with since when and the next probe. */
    public Map<String, DeliveryPause> pausedTargets() {
        Map<String, DeliveryPause> paused = new java.util.TreeMap<>();
        breakers.forEach((target, breaker) -> breaker.paused().ifPresent(p -> paused.put(target, p)));
        return paused;
    }

    /** Whether deliveries to {@code target} are paused by its breaker, and since when. */
    public Optional<DeliveryPause> paused(String target) {
        TargetBreaker breaker = breakers.get(target);
        return breaker == null ? Optional.empty() : breaker.paused();
    }

    public long deadCount() {
        return dead.get();
    }

    /** Puts a dead letter back into the outbox. */
    public boolean replay(long deliveryId) throws Exception {
        Optional<DeliveryTask> task = journal.submit(store.replay(deliveryId, clock.instant())).get();
        task.ifPresent(t -> {
            dead.decrementAndGet();
            pending.incrementAndGet();
            LOG.info("Dead letter {} replayed to {}", deliveryId, t.target());
            boolean mine = true;
            if (sharded) {
                synchronized (lanes) {
                    mine = owned.containsKey(OutboxShards.of(t.conversationId()));
                }
            }
            if (mine) {
                admitReplayed(t); // (otherwise the node holding its share was told, and takes it)
            }
        });
        return task.isPresent();
    }

    /**
     * A replayed row keeps its old id: it joins its lane at once where no read can reach it again, and is left to
     * the reads where one will (beyond the cursor, or in the unread part of an overflowing lane).
     */
    private void admitReplayed(DeliveryTask task) {
        TargetFeed feed;
        Lane start = null;
        synchronized (admission) {
            synchronized (lanes) {
                feed = feed(task.target());
                feed.ahead.remove(task.id()); // it left the outbox as a dead letter: the pages must take it again
                if (task.id() > feed.cursor) {
                    feed.caughtUp = false;
                    feed.track(task, 10 * window);
                    noteUrgent(feed, task);
                } else {
                    Lane lane = lanes.computeIfAbsent(Lane.key(task.target(), task.conversationId()),
                            k -> new Lane(task.target(), task.conversationId()));
                    if (!lane.overflowing || task.id() <= lane.lastAdmitted) {
                        start = admit(feed, lane, task);
                    }
                }
            }
            if (start != null) {
                schedule(start, task.notBefore());
            }
        }
        bumpRaised();
        requestRefill(feed);
    }

    private TargetBreaker breaker(String target) {
        return breakers.computeIfAbsent(target, t -> {
            TargetBreaker breaker = new TargetBreaker(backoff.initial());
            metrics.deliveriesPaused(t, () -> breaker.isOpen() ? 1 : 0);
            return breaker;
        });
    }

    /** Sets the lane's head to run at {@code notBefore}; called by the one who holds the busy lane. */
    private void schedule(Lane lane, Instant notBefore) {
        int generation;
        synchronized (lanes) {
            lane.sleeping = true;
            generation = ++lane.generation;
        }
        start(lane, generation, notBefore);
    }

    private void start(Lane lane, int generation, Instant notBefore) {
        if (!running) {
            return;
        }
        long delay = notBefore == null ? 0 : Duration.between(clock.instant(), notBefore).toMillis();
        try {
            if (delay <= 0) {
                ready(lane, generation);
            } else {
                timer.schedule(() -> ready(lane, generation), delay, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException stopped) {
            // Closing.
        }
    }

    /** The lane's head is due: it waits for a worker, in {@link DeliveryOrder} by the lane's priority. */
    private void ready(Lane lane, int generation) {
        Priority priority;
        synchronized (lanes) {
            if (lane.generation != generation || !lane.sleeping) {
                return; // a later start took over
            }
            priority = lane.priority();
            lane.readyAs = priority;
        }
        try {
            ready.add(priority, () -> runHead(lane, generation));
        } catch (RejectedExecutionException stopped) {
            // Closing.
        }
    }

    /** Starts a sleeping lane now, whatever its timer says; false if it is running or has nothing to run. */
    private boolean wake(Lane lane) {
        int generation;
        synchronized (lanes) {
            if (!lane.sleeping || lane.queue.isEmpty()) {
                return false;
            }
            generation = ++lane.generation;
        }
        start(lane, generation, null);
        return true;
    }

    private void runHead(Lane lane, int generation) {
        if (!running) {
            return;
        }
        TargetBreaker breaker = breaker(lane.target);
        DeliveryTask task;
        boolean probe;
        boolean heldProbe;
        boolean parked = false;
        synchronized (lanes) {
            if (lane.generation != generation || !lane.sleeping) {
                return; // a later start took over
            }
            lane.readyAs = null;
            boolean letGo = false;
            if (sharded) {
                Fence fence = lane.revoked ? null : owned.get(shardOf(lane));
                letGo = fence == null;
                lane.fence = fence;
            }
            heldProbe = lane.probe && (letGo || held.contains(lane.target));
            if (letGo) {
                letGo(lane); // its share moved: the node holding it now delivers
                parked = true;
            } else if (held.contains(lane.target)) {
                // Parked by a plugin swap: stays sleeping, its rows queued, until release() wakes it.
                lane.parkedByHold = true;
                parked = true;
            } else if (breaker.isOpen() && !lane.probe) {
                return; // parked: stays sleeping until the probe picks it or the breaker closes
            } else {
                lane.sleeping = false;
                inFlight.merge(lane.target, 1, Integer::sum);
            }
            probe = lane.probe;
            task = lane.queue.peek();
        }
        if (parked) {
            if (heldProbe) {
                probeEnded(lane); // the probe did not go: the breaker sets the next one
            }
            return;
        }
        Outcome outcome;
        try {
            outcome = attempt(lane, task, probe);
        } catch (Exception e) {
            if (probe) {
                probeEnded(lane);
            }
            if (lost(e)) {
                // Issue 25: its share's lease moved before the outcome was written; nothing of it is stored, and the
                // share's new holder delivers it again (under the same idempotency key).
                LOG.info("Delivery {} to {}: this node no longer holds its share; its outcome is left to the node "
                        + "that does", task.id(), task.target());
                leaseLost(lane.fence);
                synchronized (lanes) {
                    letGo(lane);
                }
                return;
            }
            // The store could not record the outcome: keep the task at the head and try again shortly.
            LOG.error("Recording delivery {} failed, will retry: {}", task.id(), e.getMessage());
            schedule(lane, clock.instant().plusSeconds(1));
            return;
        } finally {
            landed(lane.target);
        }
        if (probe) {
            probeEnded(lane);
        }
        TargetFeed waitFor = null;
        synchronized (lanes) {
            for (int i = 0; i < outcome.finished(); i++) {
                lane.queue.poll();
            }
            if (lane.revoked) {
                letGo(lane); // its share was lost while it ran
                return;
            }
            if (outcome.retryAt() == null && lane.queue.isEmpty()) {
                if (lane.overflowing) {
                    // Its next rows are still in the store: stay busy until the reader has fetched them.
                    lane.waiting = true;
                    waitFor = feed(lane.target);
                    waitFor.waiting.add(lane);
                } else {
                    lane.busy = false;
                    removeIfIdle(lane);
                    return;
                }
            }
            task = lane.queue.peek();
        }
        if (outcome.retryAt() != null) {
            schedule(lane, outcome.retryAt());
            return;
        }
        if (waitFor != null) {
            requestRefill(waitFor);
            return;
        }
        schedule(lane, task.notBefore());
    }

    /** Called with the lanes lock held. */
    private void removeIfIdle(Lane lane) {
        if (lane.idle()) {
            lanes.remove(lane.key, lane); // (a lane let go may finish after a new one took its place)
        }
    }

    /** The probe's outcome is reported; if it left the breaker open, the next probe is set. */
    private void probeEnded(Lane lane) {
        synchronized (lanes) {
            lane.probe = false;
        }
        TargetBreaker breaker = breaker(lane.target);
        Instant next = breaker.probeFailed(clock.instant());
        if (next != null) {
            scheduleProbe(lane.target, breaker, next);
        }
    }

    private void scheduleProbe(String target, TargetBreaker breaker, Instant at) {
        long epoch = breaker.epoch();
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        try {
            timer.schedule(() -> probe(target, breaker, epoch), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // Closing.
        }
    }

    /**
     * Sends the probe: the head of a waiting lane of the target, the one probed longest ago (never probed first),
     * then the oldest. It is a real delivery, so the target sees no extra calls.
     */
    private void probe(String target, TargetBreaker breaker, long epoch) {
        if (!running) {
            return;
        }
        if (!breaker.startProbe(clock.instant(), epoch)) {
            Instant later = breaker.waitingFor(epoch);
            if (later != null) {
                scheduleProbe(target, breaker, later); // a Retry-After moved it
            }
            return;
        }
        Lane chosen = null;
        int generation = 0;
        synchronized (lanes) {
            for (Lane l : lanes.values()) {
                if (l.target.equals(target) && l.sleeping && !l.queue.isEmpty() && (chosen == null
                        || l.probedAt < chosen.probedAt || (l.probedAt == chosen.probedAt
                        && l.queue.peek().id() < chosen.queue.peek().id()))) {
                    chosen = l;
                }
            }
            if (chosen != null) {
                chosen.probe = true;
                chosen.probedAt = ++probes;
                generation = ++chosen.generation;
            }
        }
        if (chosen == null) {
            // Nothing waits right now (all in flight, or nothing left): look again after the interval.
            Instant next = breaker.probeFailed(clock.instant());
            if (next != null) {
                scheduleProbe(target, breaker, next);
            }
            return;
        }
        start(chosen, generation, null);
    }

    /** A target-wide failure of this delivery: may open the target's breaker. */
    private void targetFailed(DeliveryTask task, DeliveryException e, String reason, Instant now) {
        TargetBreaker breaker = breaker(task.target());
        if (breaker.failed(task.conversationId(), reason, e.retryAfter().orElse(null), now)) {
            Instant probeAt = breaker.nextProbeAt();
            LOG.warn("Deliveries to {} paused: it is failing for several conversations ({}); one delivery at a time "
                    + "will probe it, the next at {}", task.target(), reason, probeAt);
            scheduleProbe(task.target(), breaker, probeAt);
        }
    }

    /** A delivery to the target succeeded: if its breaker was open, every waiting conversation goes now. */
    private void targetAnswered(String target) {
        TargetBreaker breaker = breaker(target);
        if (!breaker.answered()) {
            return;
        }
        Instant now = clock.instant();
        // Rows not in memory yet (and the next start) must not wait out the backoff of the outage either.
        journal.submit(store.dueNow(target, now)).whenComplete((rows, error) -> {
            if (error != null) {
                LOG.warn("Could not make the waiting deliveries to {} due now: {}", target, error.getMessage());
            }
        });
        List<Lane> waiting = new ArrayList<>();
        synchronized (lanes) {
            for (Lane l : lanes.values()) {
                if (l.target.equals(target) && l.sleeping) {
                    waiting.add(l);
                }
            }
        }
        int woken = 0;
        for (Lane l : waiting) {
            woken += wake(l) ? 1 : 0;
        }
        LOG.info("Deliveries to {} resumed: it answers again; {} waiting conversation(s) go now", target, woken);
    }

    /**
     * What a run of a lane's head did: how many tasks from the head are finished (done or dead) and leave the
     * queue, and, when the (new) head failed and is retried, when.
     */
    private record Outcome(int finished, Instant retryAt) {
        static Outcome after(int finished, Instant retryAt) {
            return new Outcome(retryAt == null ? finished + 1 : finished, retryAt);
        }
    }

    /** Delivers the lane's head, with the rows after it where the desk takes a batch (see {@link #batch}). */
    private Outcome attempt(Lane lane, DeliveryTask task, boolean probe) throws Exception {
        Instant started = clock.instant();
        try {
            DeliveryStore.Context ctx = store.context(task);
            String resultRef;
            String newTicket = null;
            if (task.kind() == DeliveryTask.TargetKind.DESK) {
                String ticketRef = lane.ticketRef != null ? lane.ticketRef : ctx.ticketRef();
                List<DeliveryTask> batch = batch(lane, task, ticketRef, probe, started);
                if (!stillHeld(lane)) {
                    return new Outcome(0, clock.instant().plusSeconds(1));
                }
                if (batch.size() > 1) {
                    return attemptBatch(lane, batch, ctx, ticketRef, started);
                }
                DeskResult result = targets.deliverToDesk(task.target(), new DeskDelivery(ctx.message(),
                        ctx.conversation(), ctx.contact(), ticketRef, task.idempotencyKey(), ctx.assignment()));
                if (!result.ticketRef().equals(ticketRef)) {
                    checkTicketRef(result.ticketRef());
                    newTicket = result.ticketRef();
                    lane.ticketRef = newTicket;
                }
                resultRef = result.itemId();
            } else if (ctx.customerUnreachable() != null) {
                throw DeliveryException.unreachable("not sent: the customer's address takes no messages ("
                        + ctx.customerUnreachable() + ")");
            } else if (!stillHeld(lane)) {
                return new Outcome(0, clock.instant().plusSeconds(1));
            } else {
                String target = task.target();
                resultRef = OutboundAdapter.send(new OutboundMessage(ctx.message(), ctx.conversation(),
                                task.idempotencyKey()), targets.capabilities(target), targets.fileLinks(),
                        part -> targets.sendToChannel(target, part),
                        (key, total) -> targets.sentParts(target, key, total));
            }
            targetAnswered(task.target());
            record(lane, task, store.done(task, resultRef, newTicket, clock.instant(), fence(lane)));
            return Outcome.after(0, null);
        } catch (DeliveryException e) {
            return Outcome.after(0, failed(task, e, started, probe, fence(lane)));
        } catch (java.sql.SQLException e) {
            throw e;
        } catch (RuntimeException e) {
            return Outcome.after(0, failed(task, unclassified(e), started, probe, fence(lane)));
        }
    }

    private static Fence fence(Lane lane) {
        return lane.fence == null ? Fence.NONE : lane.fence;
    }

    /**
     * Issue 25: by this node's clock, whether the lane's share is still safely its own; checked just before a call
     * that cannot be undone, so that a node that was paused (and whose share may have moved) does not send. When it
     * is not, the lane waits a second: either the lease is renewed, or its loss takes the lane away.
     */
    private boolean stillHeld(Lane lane) {
        return !sharded || cluster.leases().stillHeld(fence(lane));
    }

    /** Whether {@code e} (or what it wraps) says a lease moved. */
    private static boolean lost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LeaseLost) {
                return true;
            }
        }
        return false;
    }

    // An unclassified error is most often the network or a transient bug: retry, bounded by maxAttempts.
    private static DeliveryException unclassified(RuntimeException e) {
        return DeliveryException.retryable(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private static void checkTicketRef(String ticketRef) {
        if (ticketRef.length() > Columns.IDENTIFIER) {
            // The reference is read back to add to the ticket, so it cannot be shortened; retrying would open
            // another ticket each time.
            throw DeliveryException.permanent("the desk answered a ticket reference of " + ticketRef.length()
                    + " characters; the hub keeps at most " + Columns.IDENTIFIER + ", so the ticket cannot be linked "
                    + "to the conversation");
        }
    }

    /**
     * The head, followed by the lane's next queued rows that are due now, up to the desk's {@code maxBatch}; only
     * the head when the desk takes one at a time, when the head opens the ticket (the ticket must exist before
     * anything is added to it), or when it is its target's probe (one call tells whether the target is back).
     * The rows are taken in queue order without gaps, so the batch keeps the conversation's order.
     */
    private List<DeliveryTask> batch(Lane lane, DeliveryTask head, String ticketRef, boolean probe, Instant now) {
        if (ticketRef == null || probe) {
            return List.of(head);
        }
        int max = targets.maxBatch(head.target());
        if (max <= 1) {
            return List.of(head);
        }
        List<DeliveryTask> batch = new ArrayList<>(Math.min(max, 32));
        synchronized (lanes) {
            for (DeliveryTask t : lane.queue) {
                if (batch.isEmpty() ? t != head : t.notBefore() != null && t.notBefore().isAfter(now)) {
                    break;
                }
                batch.add(t);
                if (batch.size() == max) {
                    break;
                }
            }
        }
        return batch.isEmpty() ? List.of(head) : batch;
    }

    /**
     * Delivers several follow-ups of one ticket in one desk call. The applied prefix is recorded done message by
     * message, exactly as single deliveries would be; a failure at index k is then handled as the failure of that
     * message alone (retry or dead letter, its attempt counted), and the rows after it stay queued untouched.
     */
    private Outcome attemptBatch(Lane lane, List<DeliveryTask> batch, DeliveryStore.Context headContext,
                                 String ticketRef, Instant started) throws Exception {
        String target = batch.get(0).target();
        List<DeskDelivery> deliveries = new ArrayList<>(batch.size());
        for (DeliveryTask t : batch) {
            // One view of the conversation for the whole call: only each follow-up's message is read.
            DeliveryStore.Context ctx = deliveries.isEmpty() ? headContext : store.followUp(t, headContext);
            deliveries.add(new DeskDelivery(ctx.message(), ctx.conversation(), ctx.contact(), ticketRef,
                    t.idempotencyKey(), ctx.assignment()));
        }
        List<DeskResult> results;
        DeliveryException failure = null;
        try {
            results = targets.deliverAllToDesk(target, deliveries);
        } catch (DeliveryException e) {
            failure = e;
            results = e.delivered();
        } catch (RuntimeException e) {
            failure = unclassified(e);
            results = List.of();
        }
        if (results.size() > batch.size()) {
            LOG.warn("Desk {} answered {} results for a batch of {}; the extra ones are ignored", target,
                    results.size(), batch.size());
            results = results.subList(0, batch.size());
        }
        if (failure == null && results.size() < batch.size()) {
            failure = DeliveryException.retryable("the desk answered " + results.size() + " results for a batch of "
                    + batch.size() + "; the rest is retried", null);
        }
        List<TxWork<Void>> outcomes = new ArrayList<>(results.size());
        String current = ticketRef;
        Instant now = clock.instant();
        for (int i = 0; i < results.size(); i++) {
            DeskResult result = results.get(i);
            String newTicket = null;
            if (!result.ticketRef().equals(current)) {
                try {
                    checkTicketRef(result.ticketRef());
                } catch (DeliveryException tooLong) {
                    failure = tooLong;
                    break;
                }
                newTicket = result.ticketRef();
                current = newTicket;
                lane.ticketRef = newTicket;
            }
            outcomes.add(store.done(batch.get(i), result.itemId(), newTicket, now, fence(lane)));
        }
        int delivered = outcomes.size();
        if (delivered > 0) {
            targetAnswered(target);
            for (int i = 0; i < delivered; i++) {
                record(lane, batch.get(i), outcomes.get(i));
            }
        }
        if (delivered == batch.size() || failure == null) {
            return new Outcome(delivered, null);
        }
        if (delivered > 0) {
            // The failed message becomes the head, so that it is retried (or let go) like a failure of its own.
            synchronized (lanes) {
                for (int i = 0; i < delivered; i++) {
                    lane.queue.poll();
                }
            }
        }
        return Outcome.after(0, failed(batch.get(delivered), failure, started, false, fence(lane)));
    }

    private Instant failed(DeliveryTask task, DeliveryException e, Instant now, boolean probe, Fence fence)
            throws Exception {
        metrics.deliveryFailed(task.target());
        // Only a target-wide failure counts against the target. A permanent or one-record failure proves nothing
        // either way: it may come from the connector itself (a ticket's budget, a file it cannot read) without a
        // call to the target, so it neither opens nor closes the breaker.
        boolean targetWide = e.isRetryable() && !e.concernsOneRecord();
        // Kept, logged and shown without the customer's text or addresses, which targets echo in their errors.
        String because = FailureReasons.scrub(e.getMessage(), store.textOf(task));
        if (targetWide) {
            targetFailed(task, e, because, now);
        }
        // A failed probe is the target's failure, not the message's: it does not count towards maxAttempts, or the
        // messages picked as probes in a long outage would be dead-lettered for it.
        // A deferred delivery waited for the vendor's account-wide budget; it is no attempt towards maxAttempts either.
        int attempts = e.isDeferred() || (probe && targetWide) ? task.attempts() : task.attempts() + 1;
        DeliveryTask updated = task.withAttempt(attempts, null);
        if (task.kind() == DeliveryTask.TargetKind.CHANNEL && e.customerUnreachable()) {
            unreachable(task, updated, because, now, fence);
            return null;
        }
        if (!e.isRetryable() || attempts >= maxAttempts) {
            String reason = e.isRetryable() ? "gave up after " + attempts + " attempts: " + because : because;
            // Let go of the row in memory in the commit's own after-commit step, not once this thread wakes up: a
            // replay of the dead letter (a later journal work at the earliest) must find it let go, or admitting
            // the replayed row would take it for one still held and never try it.
            journal.submit(thenAfterCommit(store.dead(updated, reason, now, fence), () -> {
                finished(task);
                dead.incrementAndGet();
            })).get();
            if (task.kind() == DeliveryTask.TargetKind.CHANNEL) {
                onChannelDeadLetter.accept(updated, reason);
            }
            LOG.warn("Delivery {} of message {} to {} dead-lettered: {}", task.id(), task.messageId(), task.target(),
                    reason);
            return null;
        }
        Instant next = now.plus(backoff.delay(attempts, e.retryAfter().orElse(null)));
        journal.submit(store.retryLater(updated, next, because, now, fence)).get();
        if (task.attempts() == 0 && attempts > 0) {
            retrying.incrementAndGet();
        }
        synchronized (lanes) {
            Lane lane = lanes.get(Lane.key(task.target(), task.conversationId()));
            if (lane != null && lane.queue.peek() == task) {
                lane.queue.poll();
                lane.queue.addFirst(updated.withAttempt(attempts, next));
            }
        }
        LOG.info("Delivery {} to {} failed (attempt {} of {}), retrying at {}: {}", task.id(), task.target(),
                attempts, maxAttempts, next, because);
        return next;
    }

    /**
     * The channel says the customer cannot be reached there: in one unit of work, either the reply is queued to
     * another of the customer's verified addresses (and the desk told), the original recorded done as redirected, or
     * it is dead-lettered as before.
     */
    private void unreachable(DeliveryTask task, DeliveryTask updated, String reason, Instant now, Fence fence)
            throws Exception {
        UnreachableCustomers decider = unreachableCustomers;
        UnreachableCustomers.Decision decision = journal.<UnreachableCustomers.Decision>submit((c, after) -> {
            UnreachableCustomers.Decision d = decider.decide(c, after, updated, reason, now);
            if (d.redirectedTo() != null) {
                store.done(task, "fallback:" + d.redirectedTo(), null, now, fence).apply(c, after);
                after.run(() -> finished(task));
            } else {
                store.dead(updated, d.deadReason(), now, fence).apply(c, after);
                after.run(() -> {
                    finished(task);
                    dead.incrementAndGet();
                });
            }
            return d;
        }).get();
        if (decision.redirectedTo() != null) {
            LOG.info("Delivery {} of message {}: the customer is unreachable on {}; the reply goes by {} instead ({})",
                    task.id(), task.messageId(), task.target(), decision.redirectedTo(), reason);
            return;
        }
        onChannelDeadLetter.accept(updated, decision.deadReason());
        LOG.warn("Delivery {} of message {} to {} dead-lettered: {}", task.id(), task.messageId(), task.target(),
                decision.deadReason());
    }

    /** The work, with {@code action} run once its transaction has committed (before its future completes). */
    private static <T> TxWork<T> thenAfterCommit(TxWork<T> work, Runnable action) {
        return (c, after) -> {
            T result = work.apply(c, after);
            after.run(action);
            return result;
        };
    }

    /** Submits a successful outcome without waiting for its commit; counts the delivery once it is committed. */
    private void record(Lane lane, DeliveryTask task, TxWork<Void> outcome) {
        Fence fence = fence(lane);
        synchronized (lanes) {
            lane.unrecorded++;
        }
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        unrecorded.add(recorded);
        recorded.whenComplete((ok, error) -> {
            unrecorded.remove(recorded);
            synchronized (lanes) {
                lane.unrecorded--;
                removeIfIdle(lane);
            }
            if (error == null) {
                finished(task);
                metrics.messageOut(task.target());
                metrics.deliveryLatency(Duration.between(task.createdAt(), clock.instant()).toNanos() / 1e9);
            } else if (lost(error)) {
                // Issue 25: not recorded, its share moved; the share's new holder delivers it again, same key.
                LOG.info("Delivery {} to {} made, but its share moved before it was recorded; the node holding it "
                        + "now repeats it under the same idempotency key", task.id(), task.target());
                leaseLost(fence);
                letGo(task);
            }
        });
        submitUntilCommitted(task, outcome, recorded);
    }

    // A failed outcome write is retried rather than the delivery: later deliveries of the lane have gone out since.
    private void submitUntilCommitted(DeliveryTask task, TxWork<Void> outcome, CompletableFuture<Void> recorded) {
        journal.submit(outcome).whenComplete((ok, error) -> {
            if (error == null) {
                recorded.complete(null);
                return;
            }
            if (lost(error)) {
                recorded.completeExceptionally(error); // retrying cannot help: the lease never comes back
                return;
            }
            try {
                timer.schedule(() -> submitUntilCommitted(task, outcome, recorded), 1, TimeUnit.SECONDS);
                LOG.error("Recording delivery {} failed, will retry: {}", task.id(), error.getMessage());
            } catch (RejectedExecutionException stopped) {
                LOG.error("Recording delivery {} failed at shutdown; it will be repeated after the restart: {}",
                        task.id(), error.getMessage());
                recorded.completeExceptionally(error);
            }
        });
    }

    /** Issue 25: a row this node holds leaves memory unfinished (its share moved); a read may take it again. */
    private void letGo(DeliveryTask task) {
        synchronized (lanes) {
            if (queued.remove(task.id())) {
                feed(task.target()).held--;
            }
        }
        resetFeedsSoon();
    }

    private void finished(DeliveryTask task) {
        queued.remove(task.id());
        pending.decrementAndGet();
        if (task.attempts() > 0) {
            retrying.decrementAndGet();
        }
        TargetFeed feed;
        boolean refill;
        synchronized (lanes) {
            feed = feed(task.target());
            feed.held--;
            if (feed.reading) {
                feed.settled.add(task.id());
            }
            // Read again once half the window is free: pages of a useful size, and the lanes never run dry. Urgent rows
            // waiting beyond the cursor are read as soon as there is room for them.
            refill = feed.held <= window / 2 && (!feed.caughtUp || !feed.waiting.isEmpty())
                    || (!feed.urgent.isEmpty() || feed.urgentInStore) && feed.held < window + urgentReserve
                    && feed.ahead.size() < window;
        }
        if (refill) {
            requestRefill(feed);
        }
    }

    /** Stops delivering and waits (bounded) for the outcomes of deliveries already made to be committed. */
    @Override
    public void close() {
        running = false;
        reader.shutdown();
        ready.shutdown();
        try {
            ready.awaitTermination(10, TimeUnit.SECONDS);
            CompletableFuture.allOf(unrecorded.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Not every delivery outcome was recorded before shutdown; those deliveries will be repeated "
                    + "after the restart: {}", e.getMessage());
        } finally {
            timer.shutdownNow();
            reader.shutdownNow();
            // Issue 25: the shares go to the other nodes at once, once this node's outcomes are written.
            List<Leases.Wanted> giveUp;
            synchronized (wanted) {
                giveUp = new ArrayList<>(wanted);
                wanted.clear();
            }
            giveUp.forEach(Leases.Wanted::close);
        }
    }
}
