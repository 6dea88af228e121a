package dev.omnibridge.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs every scenario of issue 9 against the packaged hub and the two baselines on this machine and writes the
 * Markdown report. {@code Bench [--profile smoke|quick|full] [--out RESULTS.md] [--work dir] [--hub-lib dir]
 * [--plugins dir] [--jvm-opts "..."] [--only phase,...]}; defaults suit {@code bench/run.sh}. {@code --only} runs
 * just the named phases ({@link #PHASES}), for quick before/after comparisons of one part of the hub.
 */
public final class Bench {
    static final String MACHINE = "Machine and load";
    static final String TARGETS = "Targets (issue 9)";
    static final String TARGETS17 = "Targets (issue 17)";
    static final String RATIOS = "Hub against the baselines (medians)";
    static final String STARTUP = "5. Start-up and memory";
    static final String PROFILE = "Profile (JFR, hub ingest at saturation)";

    /** Phases {@code --only} can name; without it, all of them run. */
    static final Set<String> PHASES = Set.of("baselines", "ingest", "e2e", "reply", "journal", "conversations", "camel",
            "startup", "jfr", "busy", "storesize", "backlog", "acks", "triage", "urgent", "analytics", "pg", "migrate",
            "cluster");

    private final Profile p;
    private final Set<String> only;
    private final Path work;
    private final Launchers launchers;
    private final Report report = new Report();
    // The load average when each phase started: other work on the machine shows up here.
    private final List<String> phaseLoads = new ArrayList<>();

    /**
     * Issue 25's phases: each needs a PostgreSQL server (started by the bench, or {@code BENCH_PG_URL}) and minutes
     * even at smoke scale, so the build's smoke test ({@link #Bench(Profile, Path, Launchers)}) leaves them out;
     * {@code bench/run.sh} runs them (all phases, or {@code --only pg,migrate,cluster}).
     */
    static final Set<String> POSTGRES_PHASES = Set.of("pg", "migrate", "cluster");

    /** Every phase but {@link #POSTGRES_PHASES}. */
    public Bench(Profile p, Path work, Launchers launchers) {
        this(p, work, launchers, PHASES.stream().filter(x -> !POSTGRES_PHASES.contains(x))
                .collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }

    public Bench(Profile p, Path work, Launchers launchers, Set<String> only) {
        if (!PHASES.containsAll(only)) {
            throw new IllegalArgumentException("--only takes phases from " + new TreeSet<>(PHASES) + ": " + only);
        }
        this.p = p;
        this.only = only;
        this.work = work;
        this.launchers = launchers;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> o = new HashMap<>(Map.of("--profile", "quick", "--out", "RESULTS.md", "--work",
                "target/bench-work", "--hub-lib", "target/hub/omnibridge/lib", "--plugins", "target/plugin-zips",
                "--jvm-opts", "", "--only", String.join(",", PHASES), "--desk-batch",
                Integer.toString(Launchers.DEFAULT_DESK_BATCH)));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        Bench bench = new Bench(Profile.named(o.get("--profile")), Path.of(o.get("--work")).toAbsolutePath(),
                new Launchers(Path.of(o.get("--hub-lib")).toAbsolutePath(), Path.of(o.get("--plugins")).toAbsolutePath(),
                        o.get("--jvm-opts"), Integer.parseInt(o.get("--desk-batch"))), Set.of(o.get("--only").split(",")));
        String md = bench.run();
        Files.writeString(Path.of(o.get("--out")), md);
        System.out.println("wrote " + Path.of(o.get("--out")).toAbsolutePath());
        System.exit(0);
    }

    /** The figures of the last {@link #run()}. */
    public Report report() {
        return report;
    }

    /** Runs everything and returns the report. */
    public String run() throws IOException {
        deleteTree(work);
        Files.createDirectories(work);
        report.declare(MACHINE, TARGETS17, TARGETS, RATIOS, Scenarios.INGEST, Scenarios.E2E, Scenarios.REPLY,
                STARTUP, Scenarios.JOURNAL, Scenarios.CONVERSATIONS, BusyPhase.SECTION, StorePhase.SECTION,
                BacklogPhase.SECTION, AckPhase.SECTION, TriagePhase.SECTION,
                UrgentPhase.SECTION, AnalyticsPhase.SECTION, CamelDeskPhase.SECTION, PgPhase.SECTION,
                MigratePhase.SECTION, ClusterPhase.SECTION, PROFILE);
        Instant started = Instant.now();
        String loadBefore = loadavg();
        log("profile " + p.name() + ", load before: " + loadBefore);
        List<Path> plugins = launchers.bundledPlugins();
        Map<String, List<Double>> startups = new HashMap<>();
        try (DeskStub stub = new DeskStub()) {
            Scenarios s = new Scenarios(p, report, stub);
            if (only.contains("baselines")) {
                baselines(s, stub, startups);
            }
            if (only.contains("ingest") || only.contains("e2e") || only.contains("reply") || only.contains("jfr")
                    || only.contains("busy")) {
                log("hub, all " + plugins.size() + " bundled plugins");
                try (Target hub = launchers.hub(work.resolve("hub"), plugins, stub.deskUrl(), stub.callbackUrl(),
                        List.of())) {
                    hubLoad(s, hub, stub);
                }
            }
            if (only.contains("journal") || only.contains("conversations")) {
                growth(s, plugins, stub);
            }
            if (only.contains("storesize")) {
                log("store size with redelivery churn");
                new StorePhase(p, report, stub, s).run(launchers, work.resolve("hub-store"), plugins);
            }
            if (only.contains("backlog")) {
                log("backlog with the desk down, then back");
                new BacklogPhase(p, report, stub, s).run(launchers, work.resolve("hub-backlog"), plugins);
            }
            if (only.contains("acks")) {
                log("automatic acknowledgements");
                new AckPhase(p, report, stub, s).run(launchers, work, plugins);
            }
            if (only.contains("triage")) {
                log("triage: ingest with rules off, then on");
                new TriagePhase(p, report, s).run(launchers, work, plugins, stub);
            }
            if (only.contains("urgent")) {
                log("urgent first: URGENT messages into a backlog at a paced desk, priority and fifo");
                new UrgentPhase(p, report, stub, s).run(launchers, work, plugins);
            }
            if (only.contains("analytics")) {
                log("analytics: a month written into the store, each call timed");
                try {
                    new AnalyticsPhase(p, report, stub).run(launchers, work, plugins);
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("analytics phase failed", e);
                }
            }
            if (only.contains("camel")) {
                log("camel-desk route against the webhook-desk connector");
                new CamelDeskPhase(p, report, s).run(launchers, work, plugins, stub);
            }
            if (only.contains("pg") || only.contains("migrate") || only.contains("cluster")) {
                postgres(s, stub, plugins);
            }
            if (only.contains("startup")) {
                log("start-up");
                startup(plugins, stub);
            }
            if (only.contains("baselines")) {
                report.figure(STARTUP, "vertx.startup", "baseline bare Vert.x: start to first 200 (one start)", "ms",
                        startups.get("vertx"));
                report.figure(STARTUP, "camel.startup", "baseline Camel route: start to /health 200 (one start)",
                        "ms", startups.get("camel"));
            }
        }
        String loadAfter = loadavg();
        machine(started, loadBefore, loadAfter, plugins);
        new Verdicts(p, report).write();
        return report.markdown("# Omnibridge benchmark results (issues 9 and 17)\n\nWritten by `bench/run.sh"
                + (p.name().equals("full") ? "" : " --" + p.name()) + "`; every figure is min / median / max over "
                + "the runs shown. Methods and caveats are at the end of each section and in `bench/README.md`.\n");
    }

    /** Issue 25: the phases on PostgreSQL, on one server (BENCH_PG_URL, or started here). */
    private void postgres(Scenarios s, DeskStub stub, List<Path> plugins) throws IOException {
        log("PostgreSQL server for phases pg, migrate, cluster");
        try (BenchPostgres pg = BenchPostgres.start(work)) {
            if (only.contains("pg")) {
                log("one hub on H2, then one on PostgreSQL");
                new PgPhase(p, report, s).run(launchers, work, plugins, stub, pg);
            }
            if (only.contains("migrate")) {
                log("migrate-store: H2 -> PostgreSQL");
                try {
                    new MigratePhase(p, report).run(launchers, work, pg);
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("migrate phase failed", e);
                }
            }
            if (only.contains("cluster")) {
                log("cluster: 1, 2 and 3 nodes on one PostgreSQL, then a failover");
                new ClusterPhase(p, report, stub, s).run(launchers, work, plugins, pg);
            }
        }
    }

    private void baselines(Scenarios s, DeskStub stub, Map<String, List<Double>> startups) {
        log("baseline (a): bare Vert.x");
        try (Target vertx = launchers.bareVertx(work.resolve("vertx"))) {
            startups.put("vertx", List.of((double) vertx.startupMillis()));
            memory(vertx, s.ingest(vertx, null));
        }
        log("baseline (b): hand-written Camel route");
        try (Target camel = launchers.camelRoute(work.resolve("camel"), stub.deskUrl(), stub.callbackUrl())) {
            startups.put("camel", List.of((double) camel.startupMillis()));
            memory(camel, s.ingest(camel, null));
            s.endToEnd(camel);
            s.replies(camel);
        }
    }

    private void hubLoad(Scenarios s, Target hub, DeskStub stub) {
        Runnable profile = p.jfr() && only.contains("jfr") ? () -> profile(hub) : null;
        if (profile == null) {
            report.text(PROFILE, "Not recorded in this run (profile `" + p.name() + "`, phases " + new TreeSet<>(only)
                    + ").");
        }
        if (only.contains("ingest")) {
            memory(hub, s.ingest(hub, profile));
        } else if (profile != null) {
            profile.run();
        }
        if (only.contains("e2e")) {
            s.endToEnd(hub);
        }
        if (only.contains("busy")) {
            log("one busy conversation");
            new BusyPhase(p, report, stub, s).run(hub);
        }
        if (only.contains("reply")) {
            s.replies(hub);
        }
    }

    /** Each growth curve on an empty store of its own (the smoke profile reuses one hub to stay within seconds). */
    private void growth(Scenarios s, List<Path> plugins, DeskStub stub) {
        Target hub = null;
        try {
            if (only.contains("journal")) {
                log("journal growth");
                hub = launchers.hub(work.resolve("hub-journal"), plugins, stub.deskUrl(), stub.callbackUrl(),
                        List.of());
                s.journalGrowth(hub);
            }
            if (only.contains("conversations")) {
                if (hub == null || p.freshHubForGrowth()) {
                    if (hub != null) {
                        hub.close();
                    }
                    log("conversation growth");
                    hub = launchers.hub(work.resolve("hub-conversations"), plugins, stub.deskUrl(),
                            stub.callbackUrl(), List.of());
                }
                s.conversationGrowth(hub);
            }
        } finally {
            if (hub != null) {
                hub.close();
            }
        }
    }

    private void memory(Target t, List<Double> rssUnderLoad) {
        String name = t.kind().name();
        report.figure(STARTUP, name + ".rss.load", name + ": resident memory after each saturation run (VmRSS)", "MB",
                rssUnderLoad);
        report.figure(STARTUP, name + ".rss.peak", name + ": peak resident memory (VmHWM)", "MB",
                List.of(t.memoryMb("VmHWM")));
    }

    private void startup(List<Path> plugins, DeskStub stub) throws IOException {
        List<Double> all = new ArrayList<>();
        List<Double> fewer = new ArrayList<>();
        List<Double> delta = new ArrayList<>();
        List<Double> idle = new ArrayList<>();
        List<Path> minusOne = plugins.subList(0, plugins.size() - 1);
        // The launcher records its class-data archive when a hub stops for the first time, and the next start
        // checks and adopts it; the starts measured below are the ones after that, as every later start is.
        deleteTree(work.resolve("cds"));
        double first;
        try (Target hub = launchers.hub(work.resolve("startup-first"), plugins, stub.deskUrl(), stub.callbackUrl(),
                List.of())) {
            first = hub.startupMillis();
        }
        launchers.hub(work.resolve("startup-adopt"), plugins, stub.deskUrl(), stub.callbackUrl(), List.of()).close();
        report.figure(STARTUP, "hub.startup.first", "hub: very first start, before the launcher has a class-data "
                + "archive (recorded when this hub stops)", "ms", List.of(first));
        for (int i = 0; i < p.runs(); i++) {
            double a;
            double b;
            try (Target hub = launchers.hub(work.resolve("startup-all-" + i), plugins, stub.deskUrl(),
                    stub.callbackUrl(), List.of())) {
                a = hub.startupMillis();
                Scenarios.sleep(2_000);
                idle.add(hub.memoryMb("VmRSS"));
            }
            try (Target hub = launchers.hub(work.resolve("startup-fewer-" + i), minusOne, stub.deskUrl(),
                    stub.callbackUrl(), List.of())) {
                b = hub.startupMillis();
            }
            all.add(a);
            fewer.add(b);
            delta.add(a - b);
        }
        report.figure(STARTUP, "hub.startup", "hub: process start to /health 200, all " + plugins.size()
                + " bundled plugins, empty data dir", "ms", all);
        report.figure(STARTUP, "hub.rss.idle", "hub: resident memory 2 s after /health 200, idle (VmRSS)", "MB",
                idle);
        report.figure(STARTUP, "hub.startup.fewer", "hub: the same without " + plugins.get(plugins.size() - 1)
                .getFileName(), "ms", fewer);
        report.figure(STARTUP, "hub.plugin.load", "hub: cost of one more plugin (difference of the two, per run)",
                "ms", delta);
        report.text(STARTUP, "The hub loads plugins at start only (no hot loading), so one more plugin is measured "
                + "as the difference between starting with all bundled plugins and with all but one. Start-up is "
                + "measured from `ProcessBuilder.start()` of the launcher `bin/omnibridge` to the first 200 of "
                + "`/health`, polled every 10 ms. The hub runs with the launcher's JVM defaults `"
                + String.join(" ", launchers.hubDefaults()) + "` and its class-data archive; the baselines get the "
                + "same defaults. Extra options for all (BENCH_JVM_OPTS): `" + String.join(" ",
                launchers.jvmOptions()) + "`.");
    }

    private void profile(Target hub) {
        Path file = work.resolve("hub-ingest.jfr");
        try (HttpLoad load = new HttpLoad(hub.baseUrl(), p.saturationConcurrency())) {
            int run = 999_999;
            LoadResult[] result = new LoadResult[1];
            String before = HubProbe.metrics(hub);
            JfrProfile.record(hub.pid(), file, () -> result[0] = load.closed(Hooks.inbound(run, run, 50),
                    p.saturationConcurrency(), p.run().multipliedBy(2), HttpLoad.AckListener.NONE));
            String after = HubProbe.metrics(hub);
            long messages = result[0].ok();
            report.text(PROFILE, "Recorded with `jcmd <pid> JFR.start settings=profile` during "
                    + p.run().multipliedBy(2).toSeconds() + " s of closed-loop ingest (" + p.saturationConcurrency()
                    + " in flight, " + messages + " messages acknowledged) after the ingest runs; recording kept at `"
                    + file + "`.");
            report.text(PROFILE, "");
            JfrProfile.Summary summary = JfrProfile.summary(file, 15, messages);
            report.figure(PROFILE, "hub.jfr.alloc.perMessage", "allocated per acknowledged message (JFR "
                    + "jdk.ObjectAllocationSample weights)", "bytes", List.of(summary.allocatedPerMessage()));
            // Bytes the store wrote per message, when the hub counts them (issue 17 store metrics).
            String written = "omnibridge_store_written_bytes_total";
            double writtenPerMessage = (HubProbe.sample(after, written) - HubProbe.sample(before, written)) / messages;
            report.figure(PROFILE, "hub.jfr.written.perMessage", "store bytes written per acknowledged message (`"
                    + written + "` on /metrics)", "bytes", List.of(writtenPerMessage));
            report.text(PROFILE, "");
            summary.lines().forEach(line -> report.text(PROFILE, line));
        } catch (Exception e) {
            report.text(PROFILE, "JFR profile failed: " + e);
        }
    }

    private void machine(Instant started, String before, String after, List<Path> plugins) throws IOException {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        report.text(MACHINE, "- date: " + started + " to " + Instant.now() + " (profile `" + p.name() + "`, "
                + p.runs() + " runs of " + p.run().toMillis() + " ms per figure after " + p.warmup().toMillis()
                + " ms warm-up)");
        report.text(MACHINE, "- cores: " + Runtime.getRuntime().availableProcessors() + " (" + cpu + "), memory: "
                + String.format(Locale.ROOT, "%.1f GB", memKb / 1024.0 / 1024.0) + ", OS: " + os.getName() + " "
                + os.getVersion());
        report.text(MACHINE, "- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (load generator, desk stub, baselines and hub all on it)");
        report.text(MACHINE, "- load average (1/5/15 min) before: " + before + "; after: " + after
                + "; at the start of each phase: " + String.join("; ", phaseLoads));
        report.text(MACHINE, "- hub plugins: " + plugins.stream().map(x -> x.getFileName().toString()).toList());
        report.text(MACHINE, "- hub desk: " + launchers.deskBatchNote() + "; hub lib: `" + launchers.hubLib() + "`");
        report.text(MACHINE, "- the load generator (one Vert.x event loop), the desk stub (one event loop) and the "
                + "system under test share the same cores: absolute figures are lower than on separate machines, "
                + "ratios between the hub and the baselines are the meaningful part.");
    }

    static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private void log(String line) {
        String load = loadavg();
        phaseLoads.add(line + ": " + load);
        System.out.println("[bench " + Instant.now() + "] " + line + " (load " + load + ")");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path x : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
    }
}
