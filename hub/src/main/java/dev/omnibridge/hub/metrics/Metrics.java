package dev.omnibridge.hub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The hub's own meters on a Micrometer Prometheus registry, which also carries the JVM, process, HTTP, store pool
 * and Camel meters bound by their own classes in this package.
 *
 * <p>Names are Micrometer's dotted ones; the Prometheus naming convention turns {@code omnibridge.messages.in} into
 * {@code omnibridge_messages_in_total} (counters get {@code _total}), {@code omnibridge.delivery.latency} into
 * {@code omnibridge_delivery_latency_seconds}: exactly the names the hand-made rendering served before, so the
 * default convention is kept. Labels stay what they were: {@code instance} (a configured instance id) and
 * {@code state}; never message ids, addresses or text.
 */
public final class Metrics {
    /** The delivery latency histogram's buckets, unchanged from the hand-made rendering. */
    private static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
            60, 300};

    private final PrometheusMeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, long[]> quotas = new ConcurrentHashMap<>();
    private final Timer deliveryLatency;
    private final List<Object> held = new CopyOnWriteArrayList<>();

    public Metrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public Metrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        Duration[] slos = new Duration[LATENCY_BUCKETS.length];
        for (int i = 0; i < slos.length; i++) {
            slos[i] = Duration.ofNanos((long) (LATENCY_BUCKETS[i] * 1e9));
        }
        deliveryLatency = Timer.builder("omnibridge.delivery.latency")
                .description("Time from acknowledgement to delivery.")
                .serviceLevelObjectives(slos)
                .register(registry);
    }

    /** Where the other meters of the hub are bound, and what {@code /metrics} renders. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void messagesIn(String instance, int n) {
        counter("omnibridge.messages.in", "Messages received per instance (stored, not counting duplicates).",
                instance).increment(n);
    }

    public void messageOut(String instance) {
        counter("omnibridge.messages.out", "Messages delivered per target instance.", instance).increment();
    }

    public void deliveryFailed(String instance) {
        counter("omnibridge.delivery.failures", "Failed delivery attempts per target instance.", instance)
                .increment();
    }

    public void webhookRejected(String instance) {
        counter("omnibridge.webhooks.rejected", "Webhooks refused (signature, body, size) per instance.", instance)
                .increment();
    }

    /** An item a channel received and recorded without forwarding it: noise, or a dead letter. */
    public void inboundSkipped(String instance, boolean deadLetter) {
        if (deadLetter) {
            counter("omnibridge.inbound.dead.letters", "Received items a connector could not read.", instance)
                    .increment();
        } else {
            counter("omnibridge.inbound.ignored", "Received items recorded as noise (auto-replies, bounces).",
                    instance).increment();
        }
    }

    /** A customer message of a channel that acknowledges: acknowledged automatically, or not (with a reason). */
    public void acknowledgement(String instance, boolean sent) {
        String outcome = sent ? "sent" : "not_sent";
        counters.computeIfAbsent("omnibridge.acknowledgements\u0000" + instance + "\u0000" + outcome,
                k -> Counter.builder("omnibridge.acknowledgements")
                        .description("Customer messages of acknowledging channels, by whether they were acknowledged.")
                        .tag("instance", instance).tag("outcome", outcome).register(registry)).increment();
    }

    /** A channel's delivery report that moved a sent message forward, by state (e.g. delivered, failed). */
    public void channelStatus(String instance, String state) {
        counters.computeIfAbsent("omnibridge.channel.statuses\u0000" + instance + "\u0000" + state,
                k -> Counter.builder("omnibridge.channel.statuses")
                        .description("Delivery reports from channels, by state.")
                        .tag("instance", instance).tag("state", state).register(registry)).increment();
    }

    public long messagesIn(String instance) {
        return count("omnibridge.messages.in", instance);
    }

    public long messagesOut(String instance) {
        return count("omnibridge.messages.out", instance);
    }

    /** Outbox rows in {@code state} (pending, retrying, dead), read at scrape time. */
    public void deliveries(String state, LongSupplier value) {
        // Strong: the supplier is often a method reference nobody else holds; Micrometer's default weak reference
        // would let it be collected and the gauge turn NaN.
        Gauge.builder("omnibridge.deliveries", value, LongSupplier::getAsLong)
                .description("Outbox rows by state.").tag("state", state).strongReference(true).register(registry);
    }

    /**
     * A vendor's API budget for an instance, as its connector last reported it: gauges
     * {@code omnibridge_api_quota_remaining} and {@code omnibridge_api_quota_limit}, labelled {@code instance} and
     * {@code quota} (a fixed name the hub checked, e.g. {@code daily-api-requests}).
     */
    public void quota(String instance, String quota, long remaining, long limit) {
        long[] values = quotas.computeIfAbsent(instance + "\u0000" + quota, k -> {
            long[] v = new long[2];
            // Strong references: nothing else holds the array, and a weak gauge would turn NaN once collected.
            Gauge.builder("omnibridge.api.quota.remaining", v, a -> readQuota(a, 0))
                    .description("What is left of a vendor's API budget, as the connector last heard it.")
                    .tag("instance", instance).tag("quota", quota).strongReference(true).register(registry);
            Gauge.builder("omnibridge.api.quota.limit", v, a -> readQuota(a, 1))
                    .description("A vendor's whole API budget, as the connector last heard it.")
                    .tag("instance", instance).tag("quota", quota).strongReference(true).register(registry);
            return v;
        });
        synchronized (values) {
            values[0] = remaining;
            values[1] = limit;
        }
    }

    private static double readQuota(long[] values, int index) {
        synchronized (values) {
            return values[index];
        }
    }

    /** 1 while deliveries to the target instance are paused by its breaker (it is failing), else 0. */
    public void deliveriesPaused(String instance, LongSupplier value) {
        Gauge.builder("omnibridge.deliveries.paused", value, LongSupplier::getAsLong)
                .description("1 while deliveries to the instance are paused because it is failing.")
                .tag("instance", instance).strongReference(true).register(registry);
    }

    /**
     * The embedded store's file, read at scrape time: {@code omnibridge_store_file_bytes},
     * {@code omnibridge_store_fill_ratio} (share of the file holding live data, 0..1; compaction keeps it up) and
     * {@code omnibridge_store_written_bytes_total} (bytes written to the file since the hub started: per message,
     * the cost of a commit).
     */
    public void storeFile(LongSupplier fileBytes, DoubleSupplier fillRatio, LongSupplier writtenBytes) {
        Gauge.builder("omnibridge.store.file.bytes", fileBytes, LongSupplier::getAsLong)
                .description("Size of the embedded store's file.").strongReference(true).register(registry);
        Gauge.builder("omnibridge.store.fill.ratio", fillRatio, DoubleSupplier::getAsDouble)
                .description("Share of the embedded store's file that holds live data (0..1).")
                .strongReference(true).register(registry);
        // A function counter holds its object weakly (no strong option): kept here, or it would turn NaN.
        held.add(writtenBytes);
        FunctionCounter.builder("omnibridge.store.written.bytes", writtenBytes, LongSupplier::getAsLong)
                .description("Bytes written to the embedded store's file since the hub started.")
                .register(registry);
    }

    // ---- Privacy (issue 20) ----

    /** Items masked in inbound text, by kind (card, iban, a configured pattern's name). */
    public void masked(String kind, int n) {
        counters.computeIfAbsent("omnibridge.privacy.masked\u0000" + kind,
                k -> Counter.builder("omnibridge.privacy.masked")
                        .description("Items masked in inbound message text before it was stored, by kind.")
                        .tag("kind", kind).register(registry)).increment(n);
    }

    /** What a retention run purged on a channel instance: message bodies and attachment files. */
    public void retentionPurged(String instance, int messages, int attachments) {
        counter("omnibridge.retention.purged.messages", "Message bodies purged by retention.", instance)
                .increment(messages);
        counter("omnibridge.retention.purged.attachments", "Attachment files deleted by retention.", instance)
                .increment(attachments);
    }

    /** A retention run finished (or failed), at this time: omnibridge_retention_runs_total{outcome}. */
    public void retentionRun(boolean ok, java.time.Instant at) {
        String outcome = ok ? "ok" : "failed";
        counters.computeIfAbsent("omnibridge.retention.runs\u0000" + outcome,
                k -> Counter.builder("omnibridge.retention.runs").description("Retention runs, by outcome.")
                        .tag("outcome", outcome).register(registry)).increment();
        if (ok) {
            if (retentionLastRun.getAndSet(at.getEpochSecond()) == 0) {
                Gauge.builder("omnibridge.retention.last.run", retentionLastRun, java.util.concurrent.atomic.AtomicLong::get)
                        .description("When retention last finished a run (seconds since the epoch).")
                        .baseUnit("timestamp_seconds").strongReference(true).register(registry);
            }
        }
    }

    private final java.util.concurrent.atomic.AtomicLong retentionLastRun = new java.util.concurrent.atomic.AtomicLong();

    public long maskedCount(String kind) {
        Counter c = counters.get("omnibridge.privacy.masked\u0000" + kind);
        return c == null ? 0 : (long) c.count();
    }

    public long retentionPurgedMessages(String instance) {
        return count("omnibridge.retention.purged.messages", instance);
    }

    public void deliveryLatency(double seconds) {
        deliveryLatency.record(Duration.ofNanos((long) (seconds * 1e9)));
    }

    private Counter counter(String name, String help, String instance) {
        return counters.computeIfAbsent(name + "\u0000" + instance, k -> Counter.builder(name).description(help)
                .tag("instance", instance).register(registry));
    }

    private long count(String name, String instance) {
        Counter c = counters.get(name + "\u0000" + instance);
        return c == null ? 0 : (long) c.count();
    }
}
