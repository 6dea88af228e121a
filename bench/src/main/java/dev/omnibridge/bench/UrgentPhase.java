package dev.omnibridge.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 19, urgent first in delivery: the desk stub is paced at {@link #DESK_RATE} requests a second (one call at a
 * time, 5 ms each); 10,000 NORMAL messages (400 in the smoke profile), each the first of
 * a new conversation, wait for it; then URGENT messages, each opening a new conversation, are posted one at a time
 * into that backlog, {@link #SPACING_MS} ms apart, and each one's time from its acknowledgement (the webhook's 2xx)
 * to its arrival at the desk is measured. The same injections with no backlog are the idle desk's reference. Both
 * on a hub with {@code delivery.order: priority} (the default) and one with {@code fifo} (the order before issue 19).
 *
 * <p>The backlog is built while the stub takes only {@link #FILL_RATE} requests a second (so it is all stored and
 * waiting when the urgent messages come), then the stub goes to its pace and the injections start. The hub's window
 * (2,000 rows per target) is smaller than the backlog: most of it waits in the store, and an urgent message committed
 * behind it must not wait for the pages. The webhook desk runs as the bench configures it (batches across tickets:
 * one request at a time carrying what waits), so a request takes up to the 16 deliveries the hub's workers hand in.
 */
final class UrgentPhase {
    static final String SECTION = "12. Urgent first: URGENT messages injected into a backlog (hub, issue 19)";
    /** The desk's pace (the 200 req/s). */
    static final int DESK_RATE = 200;
    /** The desk's pace while the backlog is stored: slow enough that it is all waiting when the injections start. */
    static final int FILL_RATE = 10;
    static final int SPACING_MS = 30;

    private final Profile p;
    private final Report report;
    private final DeskStub stub;
    private final Scenarios s;
    // Distinct arrivals at the stub when the last URGENT message of the latest injection was acknowledged.
    private int arrivalsAtLastInjection;

    UrgentPhase(Profile p, Report report, DeskStub stub, Scenarios s) {
        this.p = p;
        this.report = report;
        this.stub = stub;
        this.s = s;
    }

    /** One mode's figures per run: idle, backlog. */
    private record Figures(List<Double> p50, List<Double> p99, List<Double> max) {
        Figures() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        void add(Latency l) {
            p50.add(l.percentileMs(50));
            p99.add(l.percentileMs(99));
            max.add(l.maxMs());
        }
    }

    void run(Launchers launchers, Path workDir, List<Path> plugins) {
        int backlog = backlog();
        int urgent = p.name().equals("smoke") ? 10 : 100;
        int runs = Math.min(p.runs(), 3);
        Map<String, Figures> figures = new LinkedHashMap<>();
        long missing = 0;
        String load = Bench.loadavg();
        try {
            for (String order : List.of("priority", "fifo")) {
                Figures idle = figures.computeIfAbsent(order + ".idle", k -> new Figures());
                Figures behind = figures.computeIfAbsent(order + ".backlog", k -> new Figures());
                try (Target hub = launchers.hub(workDir.resolve("hub-urgent-" + order), plugins, stub.deskUrl(),
                        stub.callbackUrl(), List.of(), "  delivery:\n    order: " + order + "\n")) {
                    stub.pace(DESK_RATE);
                    warmUp(hub, urgent);
                    for (int i = 0; i < runs; i++) {
                        Latency l = new Latency();
                        missing += inject(hub, urgent, l);
                        idle.add(l);
                        l = new Latency();
                        missing += injectIntoBacklog(hub, backlog, urgent, l);
                        behind.add(l);
                    }
                }
            }
        } finally {
            stub.pace(0);
            stub.clear();
        }
        String perRun = urgent + " URGENT messages, " + SPACING_MS + " ms apart";
        for (var e : figures.entrySet()) {
            String[] id = e.getKey().split("\\.");
            String where = id[1].equals("idle") ? "idle desk (no backlog)" : "into a backlog of "
                    + String.format(Locale.ROOT, "%,d", backlog) + " NORMAL";
            String label = "`order: " + id[0] + "`, " + where + ": 2xx -> arrival at the desk";
            report.figure(SECTION, "hub.urgent." + e.getKey() + ".p50", label + ", p50", "ms", e.getValue().p50());
            report.figure(SECTION, "hub.urgent." + e.getKey() + ".p99", label + ", p99", "ms", e.getValue().p99());
            report.figure(SECTION, "hub.urgent." + e.getKey() + ".max", label + ", max", "ms", e.getValue().max());
        }
        report.figure(SECTION, "hub.urgent.missing", "URGENT messages that did not arrive within "
                + p.drain().toSeconds() + " s (all runs, both hubs)", "msgs", List.of((double) missing));
        double idleP99 = Stats.of(figures.get("priority.idle").p99()).median();
        double urgentP99 = Stats.of(figures.get("priority.backlog").p99()).median();
        double fifoP99 = Stats.of(figures.get("fifo.backlog").p99()).median();
        double idleP50 = Stats.of(figures.get("priority.idle").p50()).median();
        double urgentP50 = Stats.of(figures.get("priority.backlog").p50()).median();
        report.text(SECTION, "The desk stub takes one call at a time at " + DESK_RATE + " requests a second (each "
                + "answered, and its messages counted as arrived, when its 5 ms turn ends). Per run: " + perRun
                + ", each the first of a new conversation, posted one at a time, first with no backlog (the idle "
                + "desk), then into a backlog of " + String.format(Locale.ROOT, "%,d", backlog) + " NORMAL messages "
                + "(one new conversation each, stored while the stub took " + FILL_RATE + " requests a second, then "
                + "paced at " + DESK_RATE + "); " + runs + " run(s) per hub. Load average when the phase started: "
                + load + ".");
        report.text(SECTION, "- Target (issue 19): URGENT p99 into the backlog within 2 x the idle desk's: "
                + Stats.format(urgentP99) + " ms against " + Stats.format(idleP99) + " ms idle ("
                + String.format(Locale.ROOT, "%.1f", urgentP99 / idleP99) + " x), "
                + (urgentP99 <= 2 * idleP99 && missing == 0 ? "**met**" : "**not met**")
                + (missing == 0 ? "" : " (" + missing + " URGENT messages did not arrive)")
                + "; p50 " + Stats.format(urgentP50) + " ms against " + Stats.format(idleP50) + " ms idle ("
                + String.format(Locale.ROOT, "%.1f", urgentP50 / idleP50) + " x); with `order: fifo` the same "
                + "injections wait " + Stats.format(fifoP99) + " ms (p99).");
    }

    /** The 10,000 (a few hundred in the smoke profile, which only keeps the code from rotting). */
    private int backlog() {
        return p.name().equals("smoke") ? 400 : 10_000;
    }

    /** A few thousand deliveries so that the hub's delivery path is compiled before anything is measured. */
    private void warmUp(Target hub, int urgent) {
        stub.clear();
        int run = s.newRun();
        int n = Math.max(200, backlog() / 5);
        s.post(hub, run, 0, n, n);
        Drain.await(stub, hub, n, p.drain());
        inject(hub, urgent, new Latency());
    }

    /** The backlog, stored while the desk is slow; then the desk at its pace and the injections. */
    private long injectIntoBacklog(Target hub, int backlog, int urgent, Latency latency) {
        stub.clear();
        stub.pace(FILL_RATE);
        int run = s.newRun();
        s.post(hub, run, 0, backlog, backlog);
        stub.pace(DESK_RATE);
        // The call in the stub's hands when it changed pace ends within 1 / FILL_RATE.
        Scenarios.sleep(1000 / FILL_RATE + 20);
        int before = stub.distinctArrivals();
        long missing = inject(hub, urgent, latency);
        int afterInjections = arrivalsAtLastInjection;
        boolean drained = Drain.await(stub, hub, backlog + urgent, p.drain());
        if (!drained) {
            report.text(SECTION, "- **the backlog did not drain**: " + stub.distinctArrivals() + " of "
                    + (backlog + urgent) + " delivered when nothing moved for " + p.drain().toSeconds() + " s.");
        } else if (afterInjections >= backlog) {
            report.text(SECTION, "- note: the backlog had drained before the last injection (" + before
                    + " of it delivered when they began): the hub was faster than planned.");
        }
        return missing;
    }

    /** Posts the URGENT messages one at a time, {@link #SPACING_MS} apart; records 2xx -> arrival; returns missing. */
    private long inject(Target hub, int urgent, Latency latency) {
        int run = s.newRun();
        Map<String, Long> acked = new LinkedHashMap<>();
        long next = System.nanoTime();
        for (int i = 0; i < urgent; i++) {
            long wait = (next - System.nanoTime()) / 1_000_000;
            if (wait > 0) {
                Scenarios.sleep(wait);
            }
            next += SPACING_MS * 1_000_000L;
            String key = Payloads.key(run, i);
            Hooks.postInbound(hub.baseUrl(), Payloads.withPriority(key, Payloads.threadKey(run, i), "URGENT"));
            acked.put(key, System.nanoTime());
        }
        arrivalsAtLastInjection = stub.distinctArrivals();
        long deadline = System.nanoTime() + p.drain().toNanos();
        while (System.nanoTime() < deadline && acked.keySet().stream().anyMatch(k -> stub.arrival(k) == null)) {
            Scenarios.sleep(20);
        }
        long missing = 0;
        for (var e : acked.entrySet()) {
            Long arrived = stub.arrival(e.getKey());
            if (arrived == null) {
                missing++;
            } else {
                latency.recordNanos(arrived - e.getValue());
            }
        }
        return missing;
    }
}
