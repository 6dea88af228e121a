package dev.omnibridge.hub.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The hub's counters, rendered in the Prometheus text format. Small on purpose: a handful of labelled counters,
 * gauges read on scrape, and one latency histogram.
 */
public final class Metrics {
    private static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
            60, 300};

    private final Map<String, LongAdder> messagesIn = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> messagesOut = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> deliveryFailures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> webhooksRejected = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> inboundIgnored = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> inboundDeadLetters = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> channelStatuses = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
    private final LongAdder[] latencyBuckets = new LongAdder[LATENCY_BUCKETS.length + 1];
    private final LongAdder latencyCount = new LongAdder();
    private final AtomicLong latencySumMicros = new AtomicLong();

    public Metrics() {
        for (int i = 0; i < latencyBuckets.length; i++) {
            latencyBuckets[i] = new LongAdder();
        }
    }

    public void messagesIn(String instance, int n) {
        messagesIn.computeIfAbsent(instance, k -> new LongAdder()).add(n);
    }

    public void messageOut(String instance) {
        messagesOut.computeIfAbsent(instance, k -> new LongAdder()).increment();
    }

    public void deliveryFailed(String instance) {
        deliveryFailures.computeIfAbsent(instance, k -> new LongAdder()).increment();
    }

    public void webhookRejected(String instance) {
        webhooksRejected.computeIfAbsent(instance, k -> new LongAdder()).increment();
    }

    /** An item a channel received and recorded without forwarding it: noise, or a dead letter. */
    public void inboundSkipped(String instance, boolean deadLetter) {
        (deadLetter ? inboundDeadLetters : inboundIgnored).computeIfAbsent(instance, k -> new LongAdder()).increment();
    }

    /** A channel's delivery report that moved a sent message forward, by state (e.g. delivered, failed). */
    public void channelStatus(String instance, String state) {
        channelStatuses.computeIfAbsent(instance + "\u0000" + state, k -> new LongAdder()).increment();
    }

    public long messagesIn(String instance) {
        LongAdder a = messagesIn.get(instance);
        return a == null ? 0 : a.sum();
    }

    public long messagesOut(String instance) {
        LongAdder a = messagesOut.get(instance);
        return a == null ? 0 : a.sum();
    }

    /** A value read at scrape time, e.g. {@code omnibridge_deliveries{state="pending"}}. */
    public void gauge(String nameWithLabels, LongSupplier value) {
        gauges.put(nameWithLabels, value);
    }

    public void deliveryLatency(double seconds) {
        int i = 0;
        while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) {
            i++;
        }
        latencyBuckets[i].increment();
        latencyCount.increment();
        latencySumMicros.addAndGet((long) (seconds * 1_000_000));
    }

    public String render() {
        StringBuilder out = new StringBuilder(4096);
        counter(out, "omnibridge_messages_in_total", "Messages received per instance (stored, not counting duplicates).",
                messagesIn);
        counter(out, "omnibridge_messages_out_total", "Messages delivered per target instance.", messagesOut);
        counter(out, "omnibridge_delivery_failures_total", "Failed delivery attempts per target instance.",
                deliveryFailures);
        counter(out, "omnibridge_webhooks_rejected_total", "Webhooks refused (signature, body, size) per instance.",
                webhooksRejected);
        counter(out, "omnibridge_inbound_ignored_total", "Received items recorded as noise (auto-replies, bounces).",
                inboundIgnored);
        counter(out, "omnibridge_inbound_dead_letters_total", "Received items a connector could not read.",
                inboundDeadLetters);
        out.append("# HELP omnibridge_channel_statuses_total Delivery reports from channels, by state.\n")
                .append("# TYPE omnibridge_channel_statuses_total counter\n");
        channelStatuses.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String[] key = e.getKey().split("\u0000", 2);
            out.append("omnibridge_channel_statuses_total{instance=\"").append(key[0]).append("\",state=\"")
                    .append(key[1]).append("\"} ").append(e.getValue().sum()).append('\n');
        });
        out.append("# HELP omnibridge_deliveries Outbox rows by state.\n# TYPE omnibridge_deliveries gauge\n");
        gauges.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append(e.getKey()).append(' ').append(e.getValue().getAsLong()).append('\n'));
        out.append("# HELP omnibridge_delivery_latency_seconds Time from acknowledgement to delivery.\n")
                .append("# TYPE omnibridge_delivery_latency_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
            cumulative += latencyBuckets[i].sum();
            out.append("omnibridge_delivery_latency_seconds_bucket{le=\"").append(LATENCY_BUCKETS[i]).append("\"} ")
                    .append(cumulative).append('\n');
        }
        cumulative += latencyBuckets[LATENCY_BUCKETS.length].sum();
        out.append("omnibridge_delivery_latency_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        out.append("omnibridge_delivery_latency_seconds_sum ").append(latencySumMicros.get() / 1_000_000.0)
                .append('\n');
        out.append("omnibridge_delivery_latency_seconds_count ").append(latencyCount.sum()).append('\n');
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, LongAdder> values) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        values.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                out.append(name).append("{instance=\"").append(e.getKey()).append("\"} ").append(e.getValue().sum())
                        .append('\n'));
    }
}
