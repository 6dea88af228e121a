package dev.omnibridge.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Issue 17, store size: a hub on an empty store gets {@code storeMessages} messages through its webhook while the
 * desk stub refuses (503) the first attempt of one message in five, chosen by idempotency key, so a fifth of the
 * deliveries is redelivered (churn); then everything is delivered, and the hub stays idle for {@code storeIdle}
 * (online compaction, if the hub does it). At each point: the store file ({@code *.mv.db} in the data dir), its bytes
 * per message and its ratio to the messages' JSON size.
 */
final class StorePhase {
    static final String SECTION = "8. Store size with 20 % redelivery churn (hub, issue 17)";
    /** One in this many first attempts is refused: 20 %. */
    static final int REFUSE_ONE_IN = 5;
    private static final double MB = 1024.0 * 1024.0;

    private final Profile p;
    private final Report report;
    private final DeskStub stub;
    private final Scenarios s;

    StorePhase(Profile p, Report report, DeskStub stub, Scenarios s) {
        this.p = p;
        this.report = report;
        this.stub = stub;
        this.s = s;
    }

    void run(Launchers launchers, Path workDir, List<Path> plugins) {
        int n = p.storeMessages();
        int conversations = Math.max(1, n / 100);
        Path dataDir = workDir.resolve("data");
        stub.clear();
        long refusedBefore = stub.refusedCalls();
        stub.refuseFirstAttempts(REFUSE_ONE_IN);
        try (Target hub = launchers.hub(workDir, plugins, stub.deskUrl(), stub.callbackUrl(), List.of());
             Sampler sampler = new Sampler(hub, dataDir, stub)) {
            int run = s.newRun();
            Point empty = point(hub, dataDir);
            String written = "omnibridge_store_written_bytes_total";
            double writtenBefore = HubProbe.sample(HubProbe.metrics(hub), written);
            sampler.step("fill");
            long t0 = System.nanoTime();
            long postedJson = s.post(hub, run, 0, n, conversations);
            double fillSeconds = (System.nanoTime() - t0) / 1e9;
            Point fill = point(hub, dataDir);
            sampler.step("drain");
            boolean drained = Drain.await(stub, hub, n, p.drain());
            double drainSeconds = (System.nanoTime() - t0) / 1e9 - fillSeconds;
            Point drain = point(hub, dataDir);
            double writtenPerMessage = (HubProbe.sample(HubProbe.metrics(hub), written) - writtenBefore) / n;
            sampler.step("idle");
            Scenarios.sleep(p.storeIdle().toMillis());
            Point idle = point(hub, dataDir);
            sampler.step("end");
            double peak = Math.max(sampler.max(Sampler.Sample::fileBytes), Math.max(fill.file(), drain.file()));

            // The JSON size: the hub's own sum when it reports one (GET /api/store), else the messages as posted.
            Optional<Double> hubJson = idle.api().map(HubProbe.StoreReport::jsonBytes).filter(v -> !v.isNaN())
                    .or(() -> drain.api().map(HubProbe.StoreReport::jsonBytes).filter(v -> !v.isNaN()));
            boolean fromHub = hubJson.isPresent();
            double json = hubJson.orElse((double) postedJson);
            report.figure(SECTION, "hub.store.json", "JSON of the " + String.format(Locale.ROOT, "%,d", n)
                    + " messages (" + (fromHub ? "GET /api/store" : "as posted: this hub has no GET /api/store")
                    + ")", "MB", List.of(json / MB));
            report.figure(SECTION, "hub.store.empty.file", "store file of the empty hub (schema; the fixed part "
                    + "of every figure below)", "MB", List.of(empty.file() / MB));
            figures("fill", "after the fill (" + String.format(Locale.ROOT, "%.0f", fillSeconds) + " s)", fill, n, json);
            figures("drain", "after every delivery (" + String.format(Locale.ROOT, "%.0f", drainSeconds) + " s more)",
                    drain, n, json);
            figures("idle", "after " + p.storeIdle().toSeconds() + " s idle", idle, n, json);
            report.figure(SECTION, "hub.store.peak", "store file, largest sample (every second from fill to idle)",
                    "MB", List.of(peak / MB));
            report.figure(SECTION, "hub.store.written.perMessage", "bytes the store wrote per message, fill to "
                    + "every delivery (`" + written + "`)", "bytes", List.of(writtenPerMessage));
            report.figure(SECTION, "hub.store.shrink", "store file after idle against the largest sample", "%",
                    List.of(100.0 * (idle.file() - peak) / peak));
            long refused = stub.refusedCalls() - refusedBefore;
            report.text(SECTION, "The hub on an empty store gets " + String.format(Locale.ROOT, "%,d", n)
                    + " messages over " + String.format(Locale.ROOT, "%,d", conversations) + " conversations through"
                    + " `POST /hooks/web` (arrays of " + p.prefillBatch() + ", 4 in parallel); the desk stub answers"
                    + " 503 to the first attempt of one message in " + REFUSE_ONE_IN + " (by idempotency key; " + refused
                    + " refused calls), so those are redelivered. Store file = the `*.mv.db` files of the data dir"
                    + (idle.api().isPresent() ? " (the hub's own figure from `GET /api/store` at idle: "
                    + idle.api().map(a -> Stats.format(a.fileBytes() / MB) + " MB").orElse("n/a") + ")" : "")
                    + ". Ratio = file / JSON.");
            if (!drained) {
                report.text(SECTION, "- **not every message was delivered** (" + stub.distinctArrivals() + " of "
                        + n + "): the figures after delivery are of a store that still holds pending deliveries.");
            }
        } finally {
            stub.refuseFirstAttempts(0);
            stub.clear();
        }
    }

    private void figures(String id, String when, Point at, int n, double json) {
        report.figure(SECTION, "hub.store." + id + ".file", "store file " + when, "MB", List.of(at.file() / MB));
        report.figure(SECTION, "hub.store." + id + ".perMessage", "store bytes per message " + when, "bytes",
                List.of(at.file() / n));
        report.figure(SECTION, "hub.store." + id + ".ratio", "store file / messages' JSON " + when, "x",
                List.of(at.file() / json));
    }

    private static Point point(Target hub, Path dataDir) {
        return new Point(HubProbe.storeFileBytes(dataDir), HubProbe.apiStore(hub));
    }

    private record Point(double file, Optional<HubProbe.StoreReport> api) {
    }
}
