package dev.omnibridge.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a hub once a second while a phase runs: resident memory (VmRSS), the store file's size, the pending
 * deliveries from {@code /metrics}, and the desk stub's accepted deliveries; each sample carries the
 * phase's current step ("fill", "drain", ...), so maxima can be taken per step.
 */
final class Sampler implements AutoCloseable {
    record Sample(long nanos, String step, double rssMb, double fileBytes, double pending, int delivered) {
    }

    private final Target hub;
    private final Path dataDir;
    private final DeskStub stub;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-sampler");
        t.setDaemon(true);
        return t;
    });
    private volatile String step = "start";

    Sampler(Target hub, Path dataDir, DeskStub stub) {
        this.hub = hub;
        this.dataDir = dataDir;
        this.stub = stub;
        timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    void step(String name) {
        step = name;
        sample();
    }

    /** Takes a sample now (also done every second) and returns it. */
    Sample sample() {
        String metrics = HubProbe.metrics(hub);
        // The hub's "pending" counts the retrying ones too (docs/metrics.md: outbox rows by state).
        double pending = HubProbe.sample(metrics, "omnibridge_deliveries", "state=\"pending\"");
        Sample s = new Sample(System.nanoTime(), step, hub.memoryMb("VmRSS"), HubProbe.storeFileBytes(dataDir),
                pending, stub.distinctArrivals());
        samples.add(s);
        return s;
    }

    /** The highest value over the samples of the given steps (all steps when none is named), or NaN. */
    double max(java.util.function.ToDoubleFunction<Sample> value, String... steps) {
        List<String> wanted = List.of(steps);
        return samples.stream().filter(s -> wanted.isEmpty() || wanted.contains(s.step())).mapToDouble(value)
                .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
