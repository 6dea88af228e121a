package dev.omnibridge.hub.analytics;

import java.util.Arrays;

/**
 * Nearest-rank percentiles: the p-th percentile of n sorted values is the value at rank {@code ceil(p/100 * n)}
 * (1-based, at least 1). Always one of the measured values, never an interpolation between two, so a median of
 * response times is a response time a customer actually had.
 */
public final class Percentiles {
    private final double[] sorted;

    public Percentiles(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(this.sorted);
    }

    public int count() {
        return sorted.length;
    }

    /** @return the nearest-rank percentile, or null without values */
    public Double at(double p) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    public Double median() {
        return at(50);
    }

    public Double p90() {
        return at(90);
    }
}
