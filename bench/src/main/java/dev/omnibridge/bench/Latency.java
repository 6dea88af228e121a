package dev.omnibridge.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latencies in microseconds (HdrHistogram, 3 significant digits, up to 10 minutes); read out in milliseconds. */
public final class Latency {
    private final Histogram histogram = new ConcurrentHistogram(600_000_000L, 3);

    public void recordNanos(long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos / 1_000, 600_000_000L)));
    }

    public long count() {
        return histogram.getTotalCount();
    }

    public double percentileMs(double p) {
        return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(p) / 1_000.0;
    }

    public double maxMs() {
        return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1_000.0;
    }
}
