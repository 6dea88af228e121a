package dev.omnibridge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What ingest costs a hub for one kind of message: saturation (closed loop, the profile's concurrency, after a
 * warm-up) and CPU per 1,000 acknowledged messages at {@code openRate} (open loop), each over the profile's runs.
 * Phases that compare two configurations of the hub measure both with this, alike.
 */
record IngestCost(List<Double> rate, List<Double> cpuPerThousand) {
    /** @param messages the messages of one run, by run number (each run gets fresh keys) */
    static IngestCost measure(Profile p, Scenarios s, Target hub, IntFunction<IntFunction<HttpLoad.Request>> messages) {
        List<Double> rate = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        try (HttpLoad load = new HttpLoad(hub.baseUrl(), p.saturationConcurrency())) {
            s.settle();
            load.closed(messages.apply(s.newRun()), p.saturationConcurrency(), p.warmup(), HttpLoad.AckListener.NONE);
            for (int i = 0; i < p.runs(); i++) {
                s.settle();
                rate.add(load.closed(messages.apply(s.newRun()), p.saturationConcurrency(), p.run(),
                        HttpLoad.AckListener.NONE).perSecond());
            }
            for (int i = 0; i < p.runs(); i++) {
                s.settle();
                ProcessCpu before = ProcessCpu.snapshot(hub.pid());
                LoadResult r = load.open(messages.apply(s.newRun()), p.openRate(), p.run(), HttpLoad.AckListener.NONE);
                double used = ProcessCpu.total(ProcessCpu.snapshot(hub.pid()).since(before));
                if (r.ok() > 0) {
                    cpu.add(used * 1000.0 / r.ok());
                }
            }
        }
        return new IngestCost(rate, cpu);
    }
}
