package dev.omnibridge.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Issue 18, automatic acknowledgements: a hub with {@code hub.acknowledgements.enabled} gets an open-loop load of
 * {@link #RATE} msg/s, every message the first of a new conversation (so every one is acknowledged), and the phase
 * measures, per message, the time from the webhook's 2xx to the acknowledgement reaching the channel's callback (the
 * desk stub's {@code /replies}, recognised by its {@code auto-ack} tag). Then what acknowledging costs: the same
 * new-conversation load at saturation and at {@code openRate} (CPU per 1,000 messages), on that hub and on one
 * without acknowledgements.
 */
final class AckPhase {
    static final String SECTION = "10. Automatic acknowledgements (hub, issue 18)";
    /** The rate for the latency target (p99 from 2xx to the channel under 1 s at 100 msg/s). */
    static final int RATE = 100;
    static final String ACKNOWLEDGEMENTS_ON = """
              acknowledgements:
                enabled: true
            """;

    private final Profile p;
    private final Report report;
    private final DeskStub stub;
    private final Scenarios s;

    AckPhase(Profile p, Report report, DeskStub stub, Scenarios s) {
        this.p = p;
        this.report = report;
        this.stub = stub;
        this.s = s;
    }

    void run(Launchers launchers, Path workDir, List<Path> plugins) {
        try (Target hub = launchers.hub(workDir.resolve("hub-acks"), plugins, stub.deskUrl(), stub.callbackUrl(),
                List.of(), ACKNOWLEDGEMENTS_ON)) {
            latency(hub);
            cost(hub, "with acknowledgements", "acks");
        }
        try (Target hub = launchers.hub(workDir.resolve("hub-no-acks"), plugins, stub.deskUrl(), stub.callbackUrl(),
                List.of())) {
            cost(hub, "without acknowledgements", "noacks");
        }
        report.text(SECTION, "Every message opens a new conversation (the costliest case: each one is "
                + "acknowledged, and each opens a ticket at the desk stub); a conversation's later messages within "
                + "the quiet period are not acknowledged and cost nothing extra. Latency: from the webhook's 2xx to "
                + "the acknowledgement's arrival at the channel's callback, " + p.runs() + " runs of "
                + p.run().toMillis() + " ms at " + RATE + " msg/s after " + p.warmup().toMillis() + " ms at that "
                + "rate.");
    }

    /** Each message the first of its own conversation. */
    private static IntFunction<HttpLoad.Request> newConversations(int run) {
        return Hooks.inbound(run, run, Integer.MAX_VALUE);
    }

    private void latency(Target hub) {
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        long missing = 0;
        try (HttpLoad load = new HttpLoad(hub.baseUrl(), p.saturationConcurrency())) {
            load.open(newConversations(s.newRun()), RATE, p.warmup(), HttpLoad.AckListener.NONE);
            for (int i = 0; i < p.runs(); i++) {
                s.settle();
                int run = s.newRun();
                Map<Integer, Long> acked = new ConcurrentHashMap<>();
                load.open(newConversations(run), RATE, p.run(), acked::put);
                long deadline = System.nanoTime() + p.drain().toNanos();
                while (System.nanoTime() < deadline && acked.keySet().stream()
                        .anyMatch(seq -> stub.arrival(ackKey(run, seq)) == null)) {
                    Scenarios.sleep(50);
                }
                Latency latency = new Latency();
                for (var e : acked.entrySet()) {
                    Long arrived = stub.arrival(ackKey(run, e.getKey()));
                    if (arrived == null) {
                        missing++;
                    } else {
                        latency.recordNanos(arrived - e.getValue());
                    }
                }
                p50.add(latency.percentileMs(50));
                p99.add(latency.percentileMs(99));
                max.add(latency.maxMs());
            }
        }
        report.figure(SECTION, "hub.ack.p50", "2xx -> acknowledgement at the channel, p50, at " + RATE + " msg/s",
                "ms", p50);
        Stats p99s = report.figure(SECTION, "hub.ack.p99", "2xx -> acknowledgement at the channel, p99, at " + RATE
                + " msg/s", "ms", p99);
        report.text(SECTION, "- Target (issue 18): p99 from the webhook's 2xx to the acknowledgement at the channel "
                + "under 1 s at " + RATE + " msg/s: " + Stats.format(p99s.median()) + " ms, "
                + (p99s.median() < 1000 && missing == 0 ? "**met**" : "**not met**")
                + (missing == 0 ? "" : " (" + missing + " acknowledgements missing)") + ".");
        report.figure(SECTION, "hub.ack.max", "2xx -> acknowledgement at the channel, max, at " + RATE + " msg/s",
                "ms", max);
        report.figure(SECTION, "hub.ack.missing", "acknowledged messages whose acknowledgement did not arrive within "
                + p.drain().toSeconds() + " s", "msgs", List.of((double) missing));
    }

    private static String ackKey(int run, int seq) {
        return DeskStub.ackKey(Payloads.threadKey(run, seq));
    }

    /** Saturation and CPU per 1,000 messages at {@code openRate}, every message a new conversation. */
    private void cost(Target hub, String label, String id) {
        IngestCost cost = IngestCost.measure(p, s, hub, AckPhase::newConversations);
        List<Double> rate = cost.rate();
        List<Double> cpu = cost.cpuPerThousand();
        report.figure(SECTION, "hub.ack." + id + ".rate", "new conversations, " + label + ": saturation ("
                + p.saturationConcurrency() + " in flight)", "msg/s", rate);
        report.figure(SECTION, "hub.ack." + id + ".cpu", "new conversations, " + label + ": CPU per 1,000 "
                + "acknowledged messages at " + p.openRate() + " msg/s", "ms", cpu);
    }
}
