package dev.omnibridge.hub.knowledge;

import dev.omnibridge.spi.HelpArticle;
import dev.omnibridge.spi.HelpCenter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The hub's knowledge base: the entries of the configured files and of the desks' help centers, searched through an
 * in-memory Lucene index ({@link KnowledgeIndex}). Every change (a file edited, a sync) builds a new index from all
 * sources' current entries and swaps it in at once; searches run on whichever index is current, without locks.
 *
 * <p>A source that fails to read (a file with a bad entry, a help center that errors, a desk that is not running)
 * keeps its last good entries and says why in {@link #sources()} ({@code /health}, {@code GET /api/knowledge}).
 * Files are checked for changes every {@link #FILE_CHECK}; help centers are read at start and then every
 * {@code every} (after a failure sooner: 30 s, doubling, up to {@code every}). All of it runs on one daemon thread
 * of its own, never on the journal's writer.
 */
public final class KnowledgeService implements KnowledgeBase, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KnowledgeService.class);
    static final Duration FILE_CHECK = Duration.ofSeconds(30);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    /** While the hub or the desk instance is still starting: look again shortly. */
    private static final Duration STARTING_RETRY = Duration.ofSeconds(1);

    private final KnowledgeConfig config;
    private final List<String> languages;
    private final HelpCenterLookup helpCenters;
    private final Clock clock;
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile KnowledgeIndex index;
    // Issue 25: in a cluster, each help center is read by the node holding lease timer:knowledge:<desk>, which
    // stores what it read; the other nodes build their index from that (null: a hub on its own reads them itself).
    private volatile Clustered clustered;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private record Clustered(dev.omnibridge.hub.cluster.Leases leases,
                             dev.omnibridge.hub.store.KnowledgeSnapshots snapshots) {
    }

    /**
     * @param languages   the languages to analyse (see {@link KnowledgeConfig#languagesOr})
     * @param helpCenters finds a desk instance's help center when a sync runs
     * @param registry    where to publish {@code omnibridge_knowledge_*} metrics, or null
     */
    public KnowledgeService(KnowledgeConfig config, List<String> languages, HelpCenterLookup helpCenters,
                            Clock clock, MeterRegistry registry) {
        this.config = config;
        List<String> langs = new ArrayList<>();
        languages.stream().map(KnowledgeEntry::language).filter(l -> l != null && !langs.contains(l))
                .forEach(langs::add);
        this.languages = langs.isEmpty() ? List.of("en") : List.copyOf(langs);
        this.helpCenters = helpCenters;
        this.clock = clock;
        for (Path file : config.files()) {
            sources.put("file:" + file, new Source(file.getFileName().toString(), KnowledgeSource.FILE, file, null));
        }
        for (KnowledgeConfig.Sync sync : config.sync()) {
            sources.put("desk:" + sync.desk(), new Source(sync.desk(), KnowledgeSource.DESK, null, sync));
        }
        this.index = KnowledgeIndex.build(List.of(), this.languages);
        this.timer = config.configured() ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "omnibridge-knowledge");
            t.setDaemon(true);
            return t;
        }) : null;
        if (registry != null) {
            sources.values().forEach(s -> s.metrics(registry));
        }
    }

    /** A base of the given entries only (tests, the accuracy corpus): no files, no syncs. */
    public static KnowledgeService of(List<KnowledgeEntry> entries, List<String> languages) {
        KnowledgeService s = new KnowledgeService(KnowledgeConfig.none(), languages, desk -> HelpCenterLookup.Found
                .none("no help centers"), Clock.systemUTC(), null);
        s.index = KnowledgeIndex.build(entries, s.languages);
        return s;
    }

    /** Below this confidence no answer is given, unless a channel's configuration says otherwise. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** Reads the files now (the hub starts with their entries) and schedules the checks for changes. */
    public void start() {
        boolean changed = false;
        for (Source s : sources.values()) {
            if (s.file != null) {
                changed |= s.readFile();
            }
        }
        if (changed) {
            rebuild();
        }
        if (timer == null) {
            return;
        }
        if (!config.files().isEmpty()) {
            timer.scheduleWithFixedDelay(this::checkFiles, FILE_CHECK.toMillis(), FILE_CHECK.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Issue 25: in a cluster (call before {@link #startSyncs()}), reads each help center on one node only: the holder
     * of lease {@code timer:knowledge:<desk>} syncs and stores the entries ({@code knowledge_snapshots}, fenced); the
     * other nodes build from the stored entries when they start and whenever the bus says they changed.
     */
    public void cluster(dev.omnibridge.hub.cluster.Leases leases, dev.omnibridge.hub.cluster.Bus bus,
                        dev.omnibridge.hub.store.KnowledgeSnapshots snapshots) {
        clustered = new Clustered(leases, snapshots);
        for (Source s : sources.values()) {
            if (s.sync == null) {
                continue;
            }
            leases.want("timer:knowledge:" + s.sync.desk(), new dev.omnibridge.hub.cluster.LeaseListener() {
                @Override
                public void acquired(dev.omnibridge.hub.cluster.Fence fence) {
                    s.fence = fence;
                    s.schedule(Duration.ZERO);
                }

                @Override
                public void lost(dev.omnibridge.hub.cluster.Fence fence) {
                    s.fence = null;
                }
            });
        }
        bus.subscribe(dev.omnibridge.hub.cluster.Bus.KNOWLEDGE, key -> {
            Source s = sources.get(key);
            if (s != null && s.sync != null && s.fence == null && timer != null && !timer.isShutdown()) {
                timer.execute(s::loadSnapshot);
            }
        });
    }

    /**
     * Schedules the help-center syncs, the first at once on the service's thread; call once the desk instances are
     * started (a desk still starting is waited for).
     */
    public void startSyncs() {
        sources.values().stream().filter(s -> s.sync != null).forEach(s -> s.schedule(Duration.ZERO));
    }

    /**
     * Reads every source again now (files and help centers), on the caller's thread; the base has the result when
     * this returns.
     */
    public List<KnowledgeSource> refresh() {
        boolean changed = false;
        for (Source s : sources.values()) {
            if (s.file != null) {
                changed |= s.readFile();
            } else {
                s.sync();   // rebuilds the index itself when it read the help center
            }
        }
        if (changed) {
            rebuild();
        }
        return sources();
    }

    @Override
    public Optional<KnowledgeMatch> best(String question, String language) {
        return index.search(question, language, 1).stream().findFirst();
    }

    @Override
    public List<KnowledgeMatch> top(String question, String language, int max) {
        return index.search(question, language, max);
    }

    /** Every entry the base holds now, in the order of the sources. */
    public List<KnowledgeEntry> entries() {
        return index.entries();
    }

    /** The entry with this id, if the base holds it. */
    public Optional<KnowledgeEntry> entry(String id) {
        return index.entries().stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** The languages searched (those with an analyzer). */
    public List<String> languages() {
        return languages;
    }

    /** Whether the configuration names any file or sync. */
    public boolean configured() {
        return config.configured();
    }

    /** Each source and how its last reading went. */
    public List<KnowledgeSource> sources() {
        return sources.values().stream().map(Source::status).toList();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void checkFiles() {
        try {
            boolean changed = false;
            for (Source s : sources.values()) {
                if (s.file != null && s.fileChanged()) {
                    changed |= s.readFile();
                }
            }
            if (changed) {
                rebuild();
            }
        } catch (RuntimeException e) {
            LOG.warn("Knowledge base: checking the entry files failed: {}", e.toString());
        }
    }

    /**
     * A new index of every source's current entries, swapped in whole. An id already taken by an earlier source
     * (two files with the same id, changed since the configuration was validated) is left out and its source says
     * so.
     */
    private synchronized void rebuild() {
        List<KnowledgeEntry> all = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Source s : sources.values()) {
            List<String> clashes = new ArrayList<>();
            for (KnowledgeEntry e : s.entries) {
                if (ids.add(e.id())) {
                    all.add(e);
                } else {
                    clashes.add(e.id());
                }
            }
            s.clashes = clashes;
        }
        index = KnowledgeIndex.build(all, languages);
        LOG.info("Knowledge base: {} entries from {} sources", all.size(), sources.size());
    }

    /** A file or a help center, its last good entries and how its last reading went. */
    private final class Source {
        final String name;
        final String kind;
        final Path file;
        final KnowledgeConfig.Sync sync;
        volatile List<KnowledgeEntry> entries = List.of();
        volatile Instant lastSyncAt;
        volatile String lastError;
        volatile KnowledgeSource.State state = KnowledgeSource.State.PENDING;
        volatile List<String> clashes = List.of();
        volatile FileTime modified;
        int failures;
        ScheduledFuture<?> next;
        volatile dev.omnibridge.hub.cluster.Fence fence;   // issue 25: held while this node leads the sync
        long snapshotVersion;
        Counter failureCounter;

        Source(String name, String kind, Path file, KnowledgeConfig.Sync sync) {
            this.name = name;
            this.kind = kind;
            this.file = file;
            this.sync = sync;
        }

        void metrics(MeterRegistry registry) {
            Gauge.builder("omnibridge.knowledge.entries", this, s -> s.entries.size())
                    .description("Entries the knowledge base holds from a source.")
                    .tag("source", name).tag("kind", kind).register(registry);
            Gauge.builder("omnibridge.knowledge.source.failing", this,
                            s -> s.state == KnowledgeSource.State.FAILED ? 1 : 0)
                    .description("1 while a knowledge source's last reading failed (its last good entries are "
                            + "kept).")
                    .tag("source", name).tag("kind", kind).register(registry);
            failureCounter = Counter.builder("omnibridge.knowledge.sync.failures")
                    .description("Failed readings of a knowledge source.")
                    .tag("source", name).tag("kind", kind).register(registry);
        }

        KnowledgeSource status() {
            String error = lastError;
            if (error == null && !clashes.isEmpty()) {
                error = "entry ids also in an earlier source, left out: " + String.join(", ", clashes);
            }
            return new KnowledgeSource(name, kind, entries.size() - clashes.size(), lastSyncAt, error, state);
        }

        boolean fileChanged() {
            try {
                FileTime now = Files.getLastModifiedTime(file);
                return !now.equals(modified);
            } catch (java.io.IOException e) {
                return state != KnowledgeSource.State.FAILED;   // gone: read it to report that, once
            }
        }

        /** Reads the file; true when the entries changed. */
        synchronized boolean readFile() {
            try {
                modified = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            } catch (java.io.IOException e) {
                modified = null;
            }
            try {
                List<KnowledgeEntry> read = KnowledgeFiles.read(file, name);
                entries = read;
                lastSyncAt = clock.instant();
                lastError = null;
                state = KnowledgeSource.State.OK;
                LOG.info("Knowledge base: {} entries read from {}", read.size(), name);
                return true;
            } catch (KnowledgeFileException e) {
                failed(e.getMessage());
                return false;
            }
        }

        /** Reads the help center and, when it answered, rebuilds the index with its articles; true then. */
        synchronized boolean sync() {
            Clustered cl = clustered;
            if (cl != null && fence == null) {
                // Another node reads this help center: take what it stored (again later, should a notice be lost).
                reschedule(sync.every());
                return loadSnapshot();
            }
            HelpCenterLookup.Found found;
            try {
                found = helpCenters.find(sync.desk());
            } catch (RuntimeException e) {
                found = HelpCenterLookup.Found.none("cannot look up desk '" + sync.desk() + "': " + e);
            }
            if (found.helpCenter() == null) {
                if (found.later() && state == KnowledgeSource.State.PENDING) {
                    lastError = found.problem();
                    reschedule(STARTING_RETRY);
                } else {
                    failed(found.problem());
                    reschedule(retryDelay());
                }
                return false;
            }
            try {
                List<HelpArticle> articles = fetch(found.helpCenter());
                entries = HelpArticles.entries(sync.desk(), articles, languages.get(0));
                // Searchable before the source says OK: whoever sees OK finds the articles.
                rebuild();
                lastSyncAt = clock.instant();
                lastError = null;
                state = KnowledgeSource.State.OK;
                failures = 0;
                LOG.info("Knowledge base: {} entries from {} articles of the help center of {}", entries.size(),
                        articles.size(), sync.desk());
                reschedule(sync.every());
                share(cl);
                return true;
            } catch (RuntimeException e) {
                failed("help center of '" + sync.desk() + "': " + (e.getMessage() == null
                        ? e.getClass().getSimpleName() : e.getMessage()));
                reschedule(retryDelay());
                return false;
            }
        }

        /** Issue 25: the leader stores what it read for the other nodes (fenced: a stale leader stores nothing). */
        private void share(Clustered cl) {
            dev.omnibridge.hub.cluster.Fence f = fence;
            if (cl == null || f == null) {
                return;
            }
            try {
                cl.snapshots().save(key(), JSON.writeValueAsString(entries), f, clock.instant());
            } catch (Exception e) {
                LOG.warn("Knowledge base: storing the help center of {} for the other nodes failed: {}", sync.desk(),
                        e.getCause() != null ? e.getCause().getClass().getSimpleName() : e.getClass().getSimpleName());
            }
        }

        /** Issue 25: builds from the entries the sync leader stored, when newer than those held; true then. */
        synchronized boolean loadSnapshot() {
            Clustered cl = clustered;
            if (cl == null) {
                return false;
            }
            try {
                var snapshot = cl.snapshots().load(key()).orElse(null);
                if (snapshot == null || snapshot.version() == snapshotVersion) {
                    return false;
                }
                entries = List.of(JSON.readValue(snapshot.entries(), KnowledgeEntry[].class));
                snapshotVersion = snapshot.version();
                rebuild();
                lastSyncAt = snapshot.syncedAt();
                lastError = null;
                state = KnowledgeSource.State.OK;
                failures = 0;
                LOG.info("Knowledge base: {} entries of the help center of {} as another node read them",
                        entries.size(), sync.desk());
                return true;
            } catch (Exception e) {
                failed("help center of '" + sync.desk() + "' as stored by another node: "
                        + e.getClass().getSimpleName());
                return false;
            }
        }

        private String key() {
            return "desk:" + sync.desk();
        }

        private List<HelpArticle> fetch(HelpCenter helpCenter) {
            List<HelpArticle> articles = helpCenter.articles();
            return articles == null ? List.of() : articles;
        }

        private void failed(String why) {
            lastError = why;
            state = KnowledgeSource.State.FAILED;
            failures++;
            if (failureCounter != null) {
                failureCounter.increment();
            }
            // The message is the file's line and key or the desk's error: no customer text.
            LOG.warn("Knowledge base: source {} failed ({} entries kept): {}", name, entries.size(), why);
        }

        private Duration retryDelay() {
            Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(16, Math.max(0, failures - 1)));
            return d.compareTo(sync.every()) > 0 ? sync.every() : d;
        }

        void schedule(Duration delay) {
            reschedule(delay);
        }

        private synchronized void reschedule(Duration delay) {
            if (timer == null || timer.isShutdown()) {
                return;
            }
            if (next != null) {
                next.cancel(false);
            }
            next = timer.schedule(() -> {
                try {
                    sync();   // rebuilds the index itself when it read the help center
                } catch (RuntimeException e) {
                    LOG.warn("Knowledge base: sync of {} failed: {}", name, e.toString());
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
