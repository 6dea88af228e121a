package dev.omnibridge.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Issue 25, several hub nodes on one PostgreSQL ({@code hub.cluster.enabled}): 1, 2 and 3 nodes, each run on a fresh
 * database, take load spread round-robin over the nodes (as a load balancer does): saturation (closed loop), ack
 * p50/p99 at the open-loop rate, and end to end over 50 and 5,000 conversations (delivered msg/s, p99 ack ->
 * delivery). Then a failover run: 3 nodes with the default lease ttl under steady open-loop load; the node holding
 * the most leases is SIGKILLed (and the load balancer stops sending to it at once); figures: the time until every
 * lease it held is held by another node, the p99 and max ack -> delivery of the messages acknowledged around the
 * kill, undelivered messages, repeats under the same idempotency key and order inversions per conversation.
 */
final class ClusterPhase {
    static final String SECTION = "17. Several hub nodes on one PostgreSQL (issue 25)";
    private static final int E2E_CONVERSATIONS = 50;
    private static final int FAILOVER_RATE = 200;

    private final Profile p;
    private final Report report;
    private final DeskStub stub;
    private final Scenarios s;

    ClusterPhase(Profile p, Report report, DeskStub stub, Scenarios s) {
        this.p = p;
        this.report = report;
        this.stub = stub;
        this.s = s;
    }

    void run(Launchers launchers, Path workDir, List<Path> plugins, BenchPostgres pg) {
        List<Path> two = PgPhase.webhookPlugins(plugins);
        List<String> rows = new ArrayList<>();
        rows.add("| nodes | saturation, msg/s | ack p50, ms | ack p99, ms | e2e " + E2E_CONVERSATIONS
                + " conv.: delivered msg/s | e2e p99 ack -> delivery, ms | e2e 5,000 conv.: delivered msg/s | "
                + "e2e 5,000 p99, ms | writer lock wait p99, ms |");
        rows.add("|---|---|---|---|---|---|---|---|---|");
        // BENCH_CLUSTER_SIZES=1,3 measures only those cluster sizes; "none" goes straight to the failover run.
        String sizes = System.getenv().getOrDefault("BENCH_CLUSTER_SIZES", "1,2,3");
        for (int nodes : sizes.equals("none") ? List.<Integer>of()
                : java.util.Arrays.stream(sizes.split(",")).map(String::trim).map(Integer::parseInt).toList()) {
            String url = pg.newDatabase("bench_cluster" + nodes);
            List<Target> hubs;
            try {
                hubs = start(launchers, workDir.resolve("cluster-" + nodes), two, pg, url, nodes, null);
            } catch (IllegalStateException e) {
                // A hub build without cluster mode refuses the hub.cluster key: nothing to measure.
                report.text(SECTION, "Not measured: " + nodes + " cluster node(s) did not start (" + e.getMessage()
                        + "; see " + workDir.resolve("cluster-" + nodes) + "/node-*/process.log).");
                return;
            }
            try {
                rows.add(measure(hubs, nodes));
            } finally {
                closeAll(hubs);
            }
        }
        rows.forEach(r -> report.text(SECTION, r));
        report.text(SECTION, "");
        try {
            failover(launchers, workDir.resolve("cluster-failover"), two, pg);
        } catch (RuntimeException e) {
            report.text(SECTION, "Failover run failed: " + e);
        }
        report.text(SECTION, "");
        report.text(SECTION, "Each node: a hub process through the dist's launcher (its JVM defaults), "
                + "`hub.cluster: {enabled: true, nodeId: node-<i>}` (lease ttl 10 s, 64 shards), the store on "
                + pg.describe() + "; webhook-channel `web` routed to webhook-desk `desk` (" + launchers.deskBatchNote()
                + "). The load generator spreads requests round-robin over the nodes (" + p.saturationConcurrency()
                + " in flight in all at saturation). All nodes, the PostgreSQL server, the load generator and the desk "
                + "stub share this machine's " + Runtime.getRuntime().availableProcessors() + " cores: more nodes "
                + "here means more processes on the same cores, so the figures show the cost of coordination "
                + "(the cluster-wide writer lock, leases, the bus), not the capacity of more machines.");
    }

    /** The figures of one cluster size; its table row. */
    private String measure(List<Target> hubs, int nodes) {
        List<String> urls = hubs.stream().map(Target::baseUrl).toList();
        String name = "cluster" + nodes;
        List<Double> rate = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<String> metricsBefore = hubs.stream().map(HubProbe::metrics).toList();
        double[] lock = new double[] {Double.NaN, Double.NaN};
        try (HttpLoad load = new HttpLoad(urls, p.saturationConcurrency())) {
            int run = s.newRun();
            IntFunction<HttpLoad.Request> requests = Hooks.inbound(run, run, E2E_CONVERSATIONS);
            load.closed(requests, p.saturationConcurrency(), p.warmup(), HttpLoad.AckListener.NONE);
            for (int i = 0; i < p.runs(); i++) {
                s.settle();
                rate.add(load.closed(requests, p.saturationConcurrency(), p.run(), HttpLoad.AckListener.NONE)
                        .perSecond());
            }
            lock = lockWait(metricsBefore, hubs.stream().map(HubProbe::metrics).toList());
            s.settle();
            load.open(requests, p.openRate(), p.warmup().dividedBy(2), HttpLoad.AckListener.NONE);
            for (int i = 0; i < p.runs(); i++) {
                s.settle();
                LoadResult r = load.open(requests, p.openRate(), p.run(), HttpLoad.AckListener.NONE);
                p50.add(r.latency().percentileMs(50));
                p99.add(r.latency().percentileMs(99));
            }
        }
        report.figure(SECTION, name + ".ingest.rate", nodes + " node(s): saturation (" + p.saturationConcurrency()
                + " in flight, round-robin)", "msg/s", rate);
        report.figure(SECTION, name + ".ingest.p50", nodes + " node(s): ack p50 at " + p.openRate() + " msg/s", "ms",
                p50);
        report.figure(SECTION, name + ".ingest.p99", nodes + " node(s): ack p99 at " + p.openRate() + " msg/s", "ms",
                p99);
        int concurrency = Math.max(4, p.saturationConcurrency() / 2);
        Map<Integer, double[]> e2e = new HashMap<>();
        try (HttpLoad load = new HttpLoad(urls, concurrency)) {
            for (int conversations : List.of(E2E_CONVERSATIONS, 5_000)) {
                List<Double> delivered = new ArrayList<>();
                List<Double> e2eP99 = new ArrayList<>();
                long lost = 0;
                for (int i = 0; i < p.runs(); i++) {
                    s.settle();
                    int run = s.newRun();
                    Scenarios.Flow f = s.flow(load, run, Hooks.inbound(run, run, conversations), concurrency);
                    delivered.add(f.deliveredPerSecond());
                    e2eP99.add(f.ackToDelivery().percentileMs(99));
                    lost += f.undelivered();
                }
                Stats d = report.figure(SECTION, name + ".e2e." + conversations + ".rate", nodes + " node(s), "
                        + conversations + " conversations: delivered during load", "msg/s", delivered);
                Stats q = report.figure(SECTION, name + ".e2e." + conversations + ".p99", nodes + " node(s), "
                        + conversations + " conversations: p99 ack -> delivery", "ms", e2eP99);
                e2e.put(conversations, new double[] {d.median(), q.median()});
                if (lost > 0) {
                    report.text(SECTION, "- " + nodes + " node(s), " + conversations + " conversations: " + lost
                            + " acknowledged messages not delivered within " + p.drain().toSeconds() + " s.");
                }
            }
        }
        report.figure(SECTION, name + ".lock.mean", nodes + " node(s): writer lock wait per group at saturation, "
                + "mean over all nodes", "ms", List.of(lock[0]));
        report.figure(SECTION, name + ".lock.p99", nodes + " node(s): writer lock wait p99 right after saturation, "
                + "highest node", "ms", List.of(lock[1]));
        double lockP99 = lock[1];
        return String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |", nodes,
                Stats.format(Stats.of(rate).median()), Stats.format(Stats.of(p50).median()),
                Stats.format(Stats.of(p99).median()), Stats.format(e2e.get(E2E_CONVERSATIONS)[0]),
                Stats.format(e2e.get(E2E_CONVERSATIONS)[1]), Stats.format(e2e.get(5_000)[0]),
                Stats.format(e2e.get(5_000)[1]), Stats.format(lockP99));
    }

    private static final String LOCK = "omnibridge_cluster_writer_lock_wait_seconds";

    /**
     * The writer lock's wait ({@code omnibridge_cluster_writer_lock_wait_seconds}, a timer with p50/p99 the hub
     * exports in cluster mode): {mean wait per group between the two scrapes over all nodes, the highest node's
     * p99 at the second scrape}, in ms; NaN when the hub does not export it.
     */
    private static double[] lockWait(List<String> before, List<String> after) {
        double sum = 0;
        double count = 0;
        double p99 = Double.NaN;
        for (int i = 0; i < after.size(); i++) {
            String a = after.get(i) == null ? "" : after.get(i);
            String b = before.get(i) == null ? "" : before.get(i);
            sum += orZero(HubProbe.sample(a, LOCK + "_sum")) - orZero(HubProbe.sample(b, LOCK + "_sum"));
            count += orZero(HubProbe.sample(a, LOCK + "_count")) - orZero(HubProbe.sample(b, LOCK + "_count"));
            var m = java.util.regex.Pattern.compile("(?m)^" + LOCK + "\\{[^}]*quantile=\"0\\.99\"[^}]*} ([0-9.eE+-]+)")
                    .matcher(a);
            if (m.find()) {
                double v = Double.parseDouble(m.group(1)) * 1000;
                p99 = Double.isNaN(p99) ? v : Math.max(p99, v);
            }
        }
        return new double[] {count > 0 ? sum / count * 1000 : Double.NaN, p99};
    }

    private static double orZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /** SIGKILL the node holding the most leases under steady load; how long until the others hold them all. */
    private void failover(Launchers launchers, Path dir, List<Path> plugins, BenchPostgres pg) {
        String url = pg.newDatabase("bench_failover");
        List<Target> hubs = start(launchers, dir, plugins, pg, url, 3, null);
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (Connection db = pg.connect(url);
             HttpLoad load = new HttpLoad(hubs.stream().map(Target::baseUrl).toList(), 16)) {
            // Let every node take its fair share of the leases (acquire attempts every second).
            Scenarios.sleep(15_000);
            int run = s.newRun();
            int conversations = E2E_CONVERSATIONS;
            Map<Integer, long[]> acks = new ConcurrentHashMap<>();
            HttpLoad.AckListener listener = new HttpLoad.AckListener() {
                @Override
                public void acked(int seq, long nanos) {
                    acks.put(seq, new long[] {nanos, nanos});
                }

                @Override
                public void acked(int seq, long sentNanos, long nanos) {
                    acks.put(seq, new long[] {sentNanos, nanos});
                }
            };
            long repeatsBefore = stub.repeats();
            java.time.Duration length = java.time.Duration.ofSeconds("smoke".equals(p.name()) ? 8 : 45);
            Future<LoadResult> loadRun = background.submit(() -> load.open(Hooks.inbound(run, run, conversations),
                    FAILOVER_RATE, length, listener));
            Scenarios.sleep(length.toMillis() / 4);
            Map<String, Set<String>> held = holders(db);
            String victimId = held.entrySet().stream().max(java.util.Comparator.comparingInt(e -> e.getValue().size()))
                    .map(Map.Entry::getKey).orElseThrow(() -> new IllegalStateException("no node holds a lease"));
            Set<String> leases = held.get(victimId);
            int victim = Integer.parseInt(victimId.substring(victimId.lastIndexOf('-') + 1));
            long killedAt = System.nanoTime();
            hubs.get(victim).kill9();
            load.markDown(victim);
            double firstTaken = Double.NaN;
            double allTaken = Double.NaN;
            long deadline = killedAt + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                Map<String, Set<String>> now = holders(db);
                Set<String> stillOrFree = new TreeSet<>(leases);
                now.forEach((node, names) -> {
                    if (!node.equals(victimId)) {
                        stillOrFree.removeAll(names);
                    }
                });
                double since = (System.nanoTime() - killedAt) / 1e9;
                if (stillOrFree.size() < leases.size() && Double.isNaN(firstTaken)) {
                    firstTaken = since;
                }
                if (stillOrFree.isEmpty()) {
                    allTaken = since;
                    break;
                }
                Scenarios.sleep(100);
            }
            LoadResult r = loadRun.get();
            long end = System.nanoTime();
            while (System.nanoTime() < end + p.drain().toNanos() && acks.keySet().stream()
                    .anyMatch(seq -> stub.arrivalOf(Payloads.key(run, seq)) == null)) {
                Scenarios.sleep(100);
            }
            Latency all = new Latency();
            Map<Integer, OrderCheck> order = new HashMap<>();
            long missing = 0;
            for (var e : acks.entrySet()) {
                DeskStub.Arrival a = stub.arrivalOf(Payloads.key(run, e.getKey()));
                if (a == null) {
                    missing++;
                    continue;
                }
                all.recordNanos(a.nanos() - e.getValue()[1]);
                order.computeIfAbsent(e.getKey() % conversations, c -> new OrderCheck())
                        .add(e.getKey(), e.getValue()[0], e.getValue()[1], a.position());
            }
            long inversions = order.values().stream().mapToLong(o -> o.inversions().size()).sum();
            report.figure(SECTION, "cluster.failover.first", "failover (3 nodes, lease ttl 10 s, SIGKILL of the "
                    + "node holding most leases): first of its " + leases.size() + " leases held by another node",
                    "s", List.of(firstTaken));
            report.figure(SECTION, "cluster.failover.all", "failover: all of its leases held by other nodes", "s",
                    List.of(allTaken));
            report.figure(SECTION, "cluster.failover.p99", "failover run (" + FAILOVER_RATE + " msg/s, "
                    + length.toSeconds() + " s, the kill at a quarter): p99 ack -> delivery", "ms",
                    List.of(all.percentileMs(99)));
            report.figure(SECTION, "cluster.failover.max", "failover run: longest ack -> delivery", "ms",
                    List.of(all.percentileMs(100)));
            report.text(SECTION, String.format(Locale.ROOT, "- failover: killed %s holding %d leases (%s); %,d "
                            + "acknowledged, %,d requests failed (in flight to the killed node; a load balancer "
                            + "retries them elsewhere), %,d acknowledged messages not delivered, %,d repeats under "
                            + "the same idempotency key, %,d order inversions within conversations.", victimId,
                    leases.size(), summary(leases), r.ok(), r.errors(), missing, stub.repeats() - repeatsBefore,
                    inversions));
        } catch (Exception e) {
            throw new IllegalStateException("failover run failed: " + e, e);
        } finally {
            background.shutdownNow();
            closeAll(hubs);
        }
    }

    /** Lease names per holder, of the leases unexpired now (database time). */
    private static Map<String, Set<String>> holders(Connection db) throws SQLException {
        Map<String, Set<String>> out = new HashMap<>();
        try (PreparedStatement st = db.prepareStatement("SELECT holder, name FROM cluster_leases WHERE holder IS NOT "
                + "NULL AND expires_at > clock_timestamp()"); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2));
            }
        }
        return out;
    }

    /** "12 shard, 3 timer" from lease names like shard:17 and timer:retention. */
    private static String summary(Set<String> leases) {
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        leases.forEach(l -> kinds.merge(l.contains(":") ? l.substring(0, l.indexOf(':')) : l, 1, Integer::sum));
        return String.join(", ", kinds.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
    }

    /** {@code count} nodes on {@code url}, started in parallel; node ids node-0.. . */
    private List<Target> start(Launchers launchers, Path dir, List<Path> plugins, BenchPostgres pg, String url,
                              int count, String extraClusterSettings) {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        List<Future<Target>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int node = i;
            futures.add(pool.submit(() -> launchers.hub(new Target.Kind("cluster-node-" + node, true),
                    dir.resolve("node-" + node), plugins, stub.deskUrl(), stub.callbackUrl(), pg.storeSettings(url) + clusterSettings(node,
                            extraClusterSettings))));
        }
        List<Target> hubs = new ArrayList<>();
        try {
            for (Future<Target> f : futures) {
                hubs.add(f.get());
            }
            return hubs;
        } catch (Exception e) {
            closeAll(hubs);
            throw new IllegalStateException("a cluster node did not start: " + e, e);
        } finally {
            pool.shutdown();
        }
    }

    /** {@code hub.cluster} for node {@code i} (YAML lines under {@code hub:}). */
    static String clusterSettings(int node, String extra) {
        return """
                  cluster:
                    enabled: true
                    nodeId: "node-%d"
                """.formatted(node) + (extra == null ? "" : extra);
    }

    private static void closeAll(List<Target> hubs) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, hubs.size()));
        try {
            List<Future<?>> stops = new ArrayList<>();
            for (Target t : hubs) {
                stops.add(pool.submit(t::close));
            }
            for (Future<?> f : stops) {
                try {
                    f.get();
                } catch (Exception e) {
                    // a node that does not stop is killed by Target.close
                }
            }
        } finally {
            pool.shutdown();
        }
    }
}
