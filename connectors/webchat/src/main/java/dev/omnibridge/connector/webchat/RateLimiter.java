package dev.omnibridge.connector.webchat;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (an IP address or a visitor's conversation key): {@code perMinute} requests a minute with
 * bursts up to the same number. Memory is bounded: idle buckets (full again) are swept once the map grows.
 */
final class RateLimiter {
    private static final int SWEEP_ABOVE = 10_000;

    private final double perMilli;
    private final double capacity;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    RateLimiter(int perMinute, Clock clock) {
        this.capacity = Math.max(1, perMinute);
        this.perMilli = capacity / 60_000.0;
        this.clock = clock;
    }

    /**
     * Takes one token for {@code key}.
     *
     * @return 0 when allowed, else how many whole seconds to wait (for Retry-After)
     */
    long acquire(String key) {
        long now = clock.millis();
        if (buckets.size() > SWEEP_ABOVE) {
            sweep(now);
        }
        Bucket b = buckets.computeIfAbsent(key == null ? "?" : key, k -> new Bucket(capacity, now));
        synchronized (b) {
            b.tokens = Math.min(capacity, b.tokens + (now - b.at) * perMilli);
            b.at = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / perMilli / 1000.0));
        }
    }

    int size() {
        return buckets.size();
    }

    private void sweep(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            synchronized (b) {
                if (b.tokens + (now - b.at) * perMilli >= capacity) {
                    it.remove();
                }
            }
        }
    }
}
