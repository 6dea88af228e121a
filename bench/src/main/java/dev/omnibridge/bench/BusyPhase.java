package dev.omnibridge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Issue 17, one busy conversation: open-loop load at fixed rates into ONE conversation (the knee: 100, 250, 500,
 * 1,000 msg/s), measuring at the desk stub the latency from each acknowledgement to the delivery (p50, p99), the
 * deliveries per second during the load, and the order: every message the stub received before one that was
 * acknowledged before it was sent is an inversion ({@link OrderCheck}) and fails the target.
 */
final class BusyPhase {
    static final String SECTION = "7. One busy conversation (hub, issue 17)";

    private final Profile p;
    private final Report report;
    private final DeskStub stub;
    private final Scenarios s;

    BusyPhase(Profile p, Report report, DeskStub stub, Scenarios s) {
        this.p = p;
        this.report = report;
        this.stub = stub;
        this.s = s;
    }

    void run(Target hub) {
        int convRun = s.newRun();
        // The conversation's first message opens the ticket and always goes alone: done before the measured runs.
        Hooks.postInbound(hub.baseUrl(), Payloads.inboundBatch(convRun, 0, 1, 1));
        s.awaitArrivals(convRun, 0, 1);
        long inversions = 0;
        long undelivered = 0;
        long batchesBefore = stub.batchCalls();
        long callsBefore = stub.deskCalls();
        try (HttpLoad load = new HttpLoad(hub.baseUrl(), p.saturationConcurrency())) {
            // Warm-up on the same path at the target rate, so the JIT has compiled the batching code too.
            load.open(Hooks.inbound(s.newRun(), convRun, 1), p.busyRate(), p.warmup(), HttpLoad.AckListener.NONE);
            for (int rate : p.busyRates()) {
                List<Double> p50 = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                List<Double> delivered = new ArrayList<>();
                List<Double> inverted = new ArrayList<>();
                for (int i = 0; i < p.runs(); i++) {
                    s.settle();
                    Run r = once(load, convRun, rate);
                    p50.add(r.ackToDelivery().percentileMs(50));
                    p99.add(r.ackToDelivery().percentileMs(99));
                    delivered.add(r.deliveredPerSecond());
                    inverted.add((double) r.inversions().size());
                    inversions += r.inversions().size();
                    undelivered += r.undelivered();
                    if (!r.inversions().isEmpty()) {
                        report.text(SECTION, "- **order broken** at " + rate + " msg/s: " + r.inversions().size()
                                + " message(s) delivered before one acknowledged before they were sent, e.g. seq "
                                + r.inversions().get(0).seq() + ".");
                    }
                }
                String label = "hub, 1 conversation, open loop " + rate + " msg/s";
                report.figure(SECTION, "hub.busy." + rate + ".p50", label + ": p50 ack -> delivery", "ms", p50);
                report.figure(SECTION, "hub.busy." + rate + ".p99", label + ": p99 ack -> delivery", "ms", p99);
                report.figure(SECTION, "hub.busy." + rate + ".rate", label + ": delivered during load", "msg/s",
                        delivered);
                report.figure(SECTION, "hub.busy." + rate + ".inversions", label + ": order inversions", "msgs",
                        inverted);
            }
        }
        report.figure(SECTION, "hub.busy.inversions", "hub, 1 conversation: order inversions over all rates", "msgs",
                List.of((double) inversions));
        report.figure(SECTION, "hub.busy.undelivered", "hub, 1 conversation: acknowledged but not delivered within "
                + p.drain().toSeconds() + " s", "msgs", List.of((double) undelivered));
        long calls = stub.deskCalls() - callsBefore;
        long batches = stub.batchCalls() - batchesBefore;
        report.text(SECTION, "Open loop (scheduled sends, latency from each 2xx acknowledgement to the stub's first "
                + "accepted arrival of that message) into one conversation whose ticket exists; " + p.runs()
                + " runs of " + p.run().toMillis() + " ms per rate after " + p.warmup().toMillis() + " ms at "
                + p.busyRate() + " msg/s. Order: a message is an inversion when the stub received it before a message "
                + "that had been acknowledged before it was sent (messages in flight together have no order until "
                + "the hub commits them). Desk calls in this phase: " + calls + ", of them in the batch form: "
                + batches + ".");
    }

    private Run once(HttpLoad load, int convRun, int rate) {
        int run = s.newRun();
        IntFunction<HttpLoad.Request> requests = Hooks.inbound(run, convRun, 1);
        Map<Integer, long[]> acks = new ConcurrentHashMap<>();
        HttpLoad.AckListener listener = new HttpLoad.AckListener() {
            @Override
            public void acked(int seq, long nanos) {
                acked(seq, nanos, nanos);
            }

            @Override
            public void acked(int seq, long sentNanos, long nanos) {
                acks.put(seq, new long[] {sentNanos, nanos});
            }
        };
        long t0 = System.nanoTime();
        load.open(requests, rate, p.run(), listener);
        long t1 = System.nanoTime();
        long deadline = t1 + p.drain().toNanos();
        while (System.nanoTime() < deadline && acks.keySet().stream()
                .anyMatch(seq -> stub.arrivalOf(Payloads.key(run, seq)) == null)) {
            Scenarios.sleep(50);
        }
        Latency ackToDelivery = new Latency();
        OrderCheck order = new OrderCheck();
        long inWindow = 0;
        long missing = 0;
        for (var e : acks.entrySet()) {
            DeskStub.Arrival a = stub.arrivalOf(Payloads.key(run, e.getKey()));
            if (a == null) {
                missing++;
                continue;
            }
            ackToDelivery.recordNanos(a.nanos() - e.getValue()[1]);
            order.add(e.getKey(), e.getValue()[0], e.getValue()[1], a.position());
            if (a.nanos() <= t1) {
                inWindow++;
            }
        }
        return new Run(ackToDelivery, inWindow / ((t1 - t0) / 1e9), order.inversions(), missing);
    }

    private record Run(Latency ackToDelivery, double deliveredPerSecond, List<OrderCheck.Sent> inversions,
                       long undelivered) {
    }
}
