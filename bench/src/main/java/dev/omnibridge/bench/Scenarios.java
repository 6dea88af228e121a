package dev.omnibridge.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** The load scenarios of issue 9, run against one target at a time; figures go to the report. */
final class Scenarios {
    static final String INGEST = "1. Ingest (webhook -> durable ack)";
    static final String E2E = "2. End to end (webhook -> desk stub)";
    static final String REPLY = "3. Reply path (desk reply webhook -> channel callback)";
    static final String JOURNAL = "6a. Cost as the journal grows (hub)";
    static final String CONVERSATIONS = "6b. Cost as conversations grow (hub)";
    private static final int INGEST_CONVERSATIONS = 50;
    /** The end-to-end warm-up's conversations: between the measured counts (1, 50, 5,000). */
    private static final int WARMUP_CONVERSATIONS = 500;

    private final Profile p;
    private final Report report;
    private final DeskStub stub;
    private final AtomicInteger runIds = new AtomicInteger();

    Scenarios(Profile p, Report report, DeskStub stub) {
        this.p = p;
        this.report = report;
        this.stub = stub;
    }

    int newRun() {
        return runIds.incrementAndGet();
    }

    /** Saturation (closed loop) and ack latency at the fixed offered rate (open loop). Returns RSS under load. */
    List<Double> ingest(Target t, Runnable duringSaturation) {
        String name = t.kind().name();
        List<Double> rate = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> p999 = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Map<String, Double>> cpuRuns = new ArrayList<>();
        List<Double> gcPerSecond = new ArrayList<>();
        List<Double> gcLongest = new ArrayList<>();
        List<Double> gcShare = new ArrayList<>();
        long errors = 0;
        try (HttpLoad load = new HttpLoad(t.baseUrl(), p.saturationConcurrency())) {
            int run = newRun();
            IntFunction<HttpLoad.Request> requests = Hooks.inbound(run, run, INGEST_CONVERSATIONS);
            load.closed(requests, p.saturationConcurrency(), p.warmup(), HttpLoad.AckListener.NONE);
            for (int i = 0; i < p.runs(); i++) {
                settle();
                LoadResult r = load.closed(requests, p.saturationConcurrency(), p.run(), HttpLoad.AckListener.NONE);
                rss.add(t.memoryMb("VmRSS"));
                rate.add(r.perSecond());
                errors += r.errors();
            }
            // The open-loop figures get their own warm-up at their rate: on two cores the JIT is still compiling
            // after the saturation runs (C2 threads took ~30 % of the CPU in the first open-loop window).
            settle();
            load.open(requests, p.openRate(), p.warmup(), HttpLoad.AckListener.NONE);
            for (int i = 0; i < p.runs(); i++) {
                settle();
                ProcessCpu cpuBefore = ProcessCpu.snapshot(t.pid());
                long gcBefore = t.gcLog().offset();
                LoadResult r = load.open(requests, p.openRate(), p.run(), HttpLoad.AckListener.NONE);
                Map<String, Double> cpuByGroup = ProcessCpu.snapshot(t.pid()).since(cpuBefore);
                List<Double> pauses = t.gcLog().pausesSince(gcBefore);
                p50.add(r.latency().percentileMs(50));
                p99.add(r.latency().percentileMs(99));
                p999.add(r.latency().percentileMs(99.9));
                errors += r.errors();
                if (r.ok() > 0) {
                    double perThousand = 1000.0 / r.ok();
                    cpu.add(ProcessCpu.total(cpuByGroup) * perThousand);
                    cpuRuns.add(cpuByGroup.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue() * perThousand)));
                }
                gcPerSecond.add(pauses.size() / r.seconds());
                gcLongest.add(pauses.stream().mapToDouble(Math::abs).max().orElse(0));
                gcShare.add(pauses.stream().mapToDouble(Math::abs).sum() / (r.seconds() * 1000) * 100);
            }
            if (duringSaturation != null) {
                settle();
                duringSaturation.run();
            }
        }
        report.figure(INGEST, name + ".ingest.rate", name + ": saturation (" + p.saturationConcurrency()
                + " in flight)", "msg/s", rate);
        report.figure(INGEST, name + ".ingest.p50", name + ": ack p50 at " + p.openRate() + " msg/s", "ms", p50);
        report.figure(INGEST, name + ".ingest.p99", name + ": ack p99 at " + p.openRate() + " msg/s", "ms", p99);
        report.figure(INGEST, name + ".ingest.p999", name + ": ack p99.9 at " + p.openRate() + " msg/s", "ms", p999);
        report.figure(INGEST, name + ".ingest.cpu", name + ": CPU per 1,000 acknowledged messages at "
                + p.openRate() + " msg/s (whole process)", "ms", cpu);
        report.figure(INGEST, name + ".ingest.gc.rate", name + ": GC pauses per second at " + p.openRate()
                + " msg/s", "/s", gcPerSecond);
        report.figure(INGEST, name + ".ingest.gc.longest", name + ": longest GC pause at " + p.openRate()
                + " msg/s", "ms", gcLongest);
        report.figure(INGEST, name + ".ingest.gc.share", name + ": time stopped by GC at " + p.openRate()
                + " msg/s", "%", gcShare);
        if (!cpuRuns.isEmpty()) {
            report.text(INGEST, "- " + name + ": CPU ms per 1,000 acknowledged messages at " + p.openRate()
                    + " msg/s by thread group (median run): " + cpuByThreadGroup(cpuRuns, cpu));
        }
        if (errors > 0) {
            report.text(INGEST, "- " + name + ": " + errors + " requests failed or timed out.");
        }
        return rss;
    }

    /** The run with the median total, its thread groups largest first (those under 2 % folded into "other"). */
    private static String cpuByThreadGroup(List<Map<String, Double>> runs, List<Double> totals) {
        double median = Stats.of(totals).median();
        int pick = 0;
        for (int i = 1; i < totals.size(); i++) {
            if (Math.abs(totals.get(i) - median) < Math.abs(totals.get(pick) - median)) {
                pick = i;
            }
        }
        Map<String, Double> run = runs.get(pick);
        double total = run.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder sb = new StringBuilder();
        double other = 0;
        for (var e : run.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).toList()) {
            if (e.getValue() < total * 0.02) {
                other += e.getValue();
            } else {
                sb.append(sb.length() == 0 ? "" : ", ").append('`').append(e.getKey()).append("` ")
                        .append(Stats.format(e.getValue()));
            }
        }
        return sb.append(other > 0 ? ", other " + Stats.format(other) : "").append(" (total ")
                .append(Stats.format(total)).append(')').toString();
    }

    /** Sustained delivery with 1 .. n concurrent conversations. */
    void endToEnd(Target t) {
        String name = t.kind().name();
        int concurrency = Math.max(4, p.saturationConcurrency() / 2);
        try (HttpLoad load = new HttpLoad(t.baseUrl(), concurrency)) {
            // Warm-up with delivery (the ingest phase warms only the acknowledging half of the work), every target alike.
            int warmRun = newRun();
            load.closed(Hooks.inbound(warmRun, warmRun, WARMUP_CONVERSATIONS), concurrency, p.warmup(),
                    HttpLoad.AckListener.NONE);
            for (int conversations : p.conversations()) {
                List<Double> acked = new ArrayList<>();
                List<Double> delivered = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                long lost = 0;
                for (int i = 0; i < p.runs(); i++) {
                    settle();
                    int run = newRun();
                    Flow f = flow(load, run, Hooks.inbound(run, run, conversations), concurrency);
                    acked.add(f.acked().perSecond());
                    delivered.add(f.deliveredPerSecond());
                    p99.add(f.ackToDelivery().percentileMs(99));
                    lost += f.undelivered();
                }
                String label = name + ", " + conversations + " conversation" + (conversations == 1 ? "" : "s");
                report.figure(E2E, name + ".e2e." + conversations + ".acked", label + ": acknowledged", "msg/s", acked);
                report.figure(E2E, name + ".e2e." + conversations + ".rate", label + ": delivered during load",
                        "msg/s", delivered);
                report.figure(E2E, name + ".e2e." + conversations + ".p99", label + ": p99 ack -> delivery", "ms", p99);
                if (lost > 0) {
                    report.text(E2E, "- " + label + ": " + lost + " acknowledged messages not delivered within "
                            + p.drain().toSeconds() + " s of the end of the run (left out of the p99).");
                }
            }
        }
    }

    /** Desk replies to existing tickets, delivered to the channel's callback. */
    void replies(Target t) {
        String name = t.kind().name();
        int conversations = p.replyConversations();
        int convRun = newRun();
        Hooks.postInbound(t.baseUrl(), Payloads.inboundBatch(convRun, 0, conversations, conversations));
        awaitArrivals(convRun, 0, conversations);
        int concurrency = Math.max(4, p.saturationConcurrency() / 2);
        List<Double> acked = new ArrayList<>();
        List<Double> delivered = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        long lost = 0;
        try (HttpLoad load = new HttpLoad(t.baseUrl(), concurrency)) {
            for (int i = 0; i < p.runs(); i++) {
                settle();
                int run = newRun();
                Flow f = flow(load, run, Hooks.replies(run, convRun, conversations), concurrency);
                acked.add(f.acked().perSecond());
                delivered.add(f.deliveredPerSecond());
                p99.add(f.ackToDelivery().percentileMs(99));
                lost += f.undelivered();
            }
        }
        String label = name + ", " + conversations + " conversations";
        report.figure(REPLY, name + ".reply.acked", label + ": replies acknowledged", "msg/s", acked);
        report.figure(REPLY, name + ".reply.rate", label + ": callbacks during load", "msg/s", delivered);
        report.figure(REPLY, name + ".reply.p99", label + ": p99 ack -> callback", "ms", p99);
        if (lost > 0) {
            report.text(REPLY, "- " + label + ": " + lost + " replies not delivered within " + p.drain().toSeconds()
                    + " s.");
        }
    }

    /** Throughput and p99 at each journal size; the journal is filled through the hub's own ingest path. */
    void journalGrowth(Target hub) {
        int fillRun = newRun();
        long stored = 0;
        int fillSeq = 0;
        try (HttpLoad load = new HttpLoad(hub.baseUrl(), p.saturationConcurrency())) {
            int run = newRun();
            IntFunction<HttpLoad.Request> requests = Hooks.inbound(run, run, INGEST_CONVERSATIONS);
            stored += load.closed(requests, p.saturationConcurrency(), p.warmup(), HttpLoad.AckListener.NONE).ok();
            for (int step : p.journalSteps()) {
                if (step > stored) {
                    int n = (int) (step - stored);
                    long t0 = System.nanoTime();
                    prefill(hub, fillRun, fillSeq, n, INGEST_CONVERSATIONS);
                    report.text(JOURNAL, "- pre-filled " + n + " messages in " + (System.nanoTime() - t0) / 1_000_000
                            + " ms (batches of " + p.prefillBatch() + " through POST /hooks/web)");
                    fillSeq += n;
                    stored = step;
                }
                stored += measure(load, hub, requests, JOURNAL, "journal", "at " + stored + " stored messages");
            }
        }
    }

    /** Throughput and p99 with the load spread over 1 .. n existing conversations. */
    void conversationGrowth(Target hub) {
        int convRun = newRun();
        int existing = 0;
        try (HttpLoad load = new HttpLoad(hub.baseUrl(), p.saturationConcurrency())) {
            for (int step : p.conversationSteps()) {
                if (step > existing) {
                    long t0 = System.nanoTime();
                    // One message per new conversation: thread keys t<convRun>_<existing..step-1>.
                    prefill(hub, convRun, existing, step - existing, Integer.MAX_VALUE);
                    report.text(CONVERSATIONS, "- created " + (step - existing) + " conversations in "
                            + (System.nanoTime() - t0) / 1_000_000 + " ms");
                    existing = step;
                }
                int run = newRun();
                IntFunction<HttpLoad.Request> requests = Hooks.inbound(run, convRun, step);
                if (step == p.conversationSteps().get(0)) {
                    load.closed(requests, p.saturationConcurrency(), p.warmup(), HttpLoad.AckListener.NONE);
                }
                measure(load, hub, requests, CONVERSATIONS, "conversations", "over " + step + " conversations");
            }
        }
    }

    /** Saturation rate and open-loop p99 for one step of a growth curve; returns messages stored meanwhile. */
    private long measure(HttpLoad load, Target t, IntFunction<HttpLoad.Request> requests, String section, String id,
                         String label) {
        List<Double> rate = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        long stored = 0;
        for (int i = 0; i < p.runs(); i++) {
            settle();
            LoadResult r = load.closed(requests, p.saturationConcurrency(), p.run(), HttpLoad.AckListener.NONE);
            rate.add(r.perSecond());
            stored += r.ok();
            settle();
            LoadResult o = load.open(requests, p.openRate(), p.run(), HttpLoad.AckListener.NONE);
            p99.add(o.latency().percentileMs(99));
            stored += o.ok();
        }
        String key = label.replaceAll("\\D", "");
        report.figure(section, "hub." + id + "." + key + ".rate", "saturation " + label, "msg/s", rate);
        report.figure(section, "hub." + id + "." + key + ".p99", "ack p99 at " + p.openRate() + " msg/s " + label,
                "ms", p99);
        return stored;
    }

    private void prefill(Target t, int run, int firstSeq, int count, int conversations) {
        post(t, run, firstSeq, count, conversations);
        settle();
    }

    /**
     * Posts {@code count} messages keyed {@code bk<run>_<firstSeq..>} over conversations {@code t<run>_0..n-1} in
     * signed JSON arrays of {@code prefillBatch}, 4 in parallel; returns the bytes of the messages' JSON as posted.
     */
    long post(Target t, int run, int firstSeq, int count, int conversations) {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> batches = new ArrayList<>();
            for (int done = 0; done < count; done += p.prefillBatch()) {
                int from = firstSeq + done;
                int n = Math.min(p.prefillBatch(), count - done);
                batches.add(pool.submit(() -> {
                    String json = Payloads.inboundBatch(run, from, n, conversations);
                    Hooks.postInbound(t.baseUrl(), json);
                    // The array's brackets and commas are not part of any message.
                    return (long) Payloads.bytes(json).length - 1 - n;
                }));
            }
            long bytes = 0;
            for (Future<Long> f : batches) {
                bytes += f.get();
            }
            return bytes;
        } catch (Exception e) {
            throw new IllegalStateException("pre-fill failed", e);
        } finally {
            pool.shutdown();
        }
    }

    /** Closed-loop load recording each ack, then waits for the deliveries; figures of one run. */
    Flow flow(HttpLoad load, int run, IntFunction<HttpLoad.Request> requests, int concurrency) {
        Map<Integer, Long> acks = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        LoadResult r = load.closed(requests, concurrency, p.run(), acks::put);
        long t1 = System.nanoTime();
        long deadline = t1 + p.drain().toNanos();
        while (System.nanoTime() < deadline && acks.keySet().stream()
                .anyMatch(seq -> stub.arrival(Payloads.key(run, seq)) == null)) {
            sleep(100);
        }
        Latency ackToDelivery = new Latency();
        long inWindow = 0;
        long missing = 0;
        for (var e : acks.entrySet()) {
            Long arrived = stub.arrival(Payloads.key(run, e.getKey()));
            if (arrived == null) {
                missing++;
                continue;
            }
            ackToDelivery.recordNanos(arrived - e.getValue());
            if (arrived <= t1) {
                inWindow++;
            }
        }
        return new Flow(r, inWindow / ((t1 - t0) / 1e9), ackToDelivery, missing);
    }

    record Flow(LoadResult acked, double deliveredPerSecond, Latency ackToDelivery, long undelivered) {
    }

    void awaitArrivals(int run, int from, int count) {
        long deadline = System.nanoTime() + p.drain().toNanos();
        for (int seq = from; seq < from + count; seq++) {
            while (stub.arrival(Payloads.key(run, seq)) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("message " + Payloads.key(run, seq) + " never reached the desk stub");
                }
                sleep(20);
            }
        }
    }

    /** Waits until deliveries from earlier load stop arriving (at most the drain time), so runs do not overlap. */
    void settle() {
        long deadline = System.nanoTime() + p.drain().toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = stub.deskCalls() + stub.callbackCalls();
            if (now == last) {
                return;
            }
            last = now;
            sleep(200);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path dir(Path root, String name) {
        return root.resolve(name);
    }
}
