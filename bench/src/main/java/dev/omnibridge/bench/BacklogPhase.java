package dev.omnibridge.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Issue 17, memory with a large backlog and the drain after an outage: the desk stub is down (503 to every call)
 * while {@code backlogMessages} messages arrive; then it comes back. Resident memory is sampled every second during
 * the fill and the drain; figures: the highest sample of each, the time from the stub's return to its first accepted
 * delivery (target < 2 s) and to the last (every message delivered, the outbox empty).
 */
final class BacklogPhase {
    static final String SECTION = "9. Backlog: desk down while messages arrive, then back (hub, issue 17)";

    private final Profile p;
    private final Report report;
    private final DeskStub stub;
    private final Scenarios s;

    BacklogPhase(Profile p, Report report, DeskStub stub, Scenarios s) {
        this.p = p;
        this.report = report;
        this.stub = stub;
        this.s = s;
    }

    void run(Launchers launchers, Path workDir, List<Path> plugins) {
        int n = p.backlogMessages();
        int conversations = Math.max(1, n / 100);
        stub.clear();
        stub.down(true);
        try (Target hub = launchers.hub(workDir, plugins, stub.deskUrl(), stub.callbackUrl(), List.of());
             Sampler sampler = new Sampler(hub, workDir.resolve("data"), stub)) {
            int run = s.newRun();
            sampler.step("fill");
            long t0 = System.nanoTime();
            s.post(hub, run, 0, n, conversations);
            double fillSeconds = (System.nanoTime() - t0) / 1e9;
            // A few seconds with the whole backlog waiting: the hub retries, pauses the target, probes.
            sampler.step("wait");
            Scenarios.sleep(Math.min(5_000, p.drain().toMillis() / 2));
            sampler.step("drain");
            long up = System.nanoTime();
            stub.down(false);
            boolean drained = Drain.await(stub, hub, n, p.drain());
            sampler.step("end");
            long first = stub.firstAcceptedSinceUp();
            // The last message's arrival, not when the wait noticed it (it also waits for the outbox gauge).
            double drainSeconds = (stub.lastAccepted() - up) / 1e9;

            report.figure(SECTION, "hub.backlog.rss.fill", "resident memory while " + String.format(Locale.ROOT, "%,d",
                    n) + " messages arrive and wait (VmRSS, highest sample)", "MB",
                    List.of(sampler.max(Sampler.Sample::rssMb, "fill", "wait")));
            report.figure(SECTION, "hub.backlog.rss.drain", "resident memory while the backlog drains (VmRSS, "
                    + "highest sample)", "MB", List.of(sampler.max(Sampler.Sample::rssMb, "drain")));
            report.figure(SECTION, "hub.backlog.rss.peak", "peak resident memory of this hub (VmHWM)", "MB",
                    List.of(hub.memoryMb("VmHWM")));
            report.figure(SECTION, "hub.backlog.first", "desk back -> first delivery accepted", "ms",
                    List.of(first == 0 ? Double.NaN : (first - up) / 1e6));
            report.figure(SECTION, "hub.backlog.drain", "desk back -> every message delivered", "s",
                    List.of(drained ? drainSeconds : Double.NaN));
            report.figure(SECTION, "hub.backlog.rate", "drain rate", "msg/s",
                    List.of(drained ? n / drainSeconds : Double.NaN));
            report.text(SECTION, "The hub on an empty store gets " + String.format(Locale.ROOT, "%,d", n)
                    + " messages over " + String.format(Locale.ROOT, "%,d", conversations) + " conversations ("
                    + String.format(Locale.ROOT, "%.0f", fillSeconds) + " s, arrays of " + p.prefillBatch()
                    + " through `POST /hooks/web`) while the desk stub answers 503 to every call; then the stub "
                    + "answers again. VmRSS sampled every second; the drain time is the stub's last first arrival "
                    + "of a message (then `/metrics` shows no pending delivery).");
            if (!drained) {
                report.text(SECTION, "- **the backlog did not drain**: " + stub.distinctArrivals() + " of " + n
                        + " delivered when nothing moved for " + p.drain().toSeconds() + " s.");
            }
        } finally {
            stub.down(false);
            stub.clear();
        }
    }
}
