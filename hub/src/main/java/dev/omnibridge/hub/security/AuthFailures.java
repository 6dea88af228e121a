package dev.omnibridge.hub.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wrong admin tokens per client address, counted together for the admin API's bearer token and the console login.
 * Past {@link #MAX_FAILURES} within {@link #WINDOW}, a wrong token from that address is answered 429 with
 * {@code Retry-After} instead of 401. The right token is never refused: behind a reverse proxy or a NAT many
 * clients share one address, and one script with an old token must not lock the operator out. What holds off
 * guessing is the token's length; this makes guessing slow to answer usefully, visible in the log and cheap.
 */
public final class AuthFailures {
    private static final Logger LOG = LoggerFactory.getLogger(AuthFailures.class);
    public static final int MAX_FAILURES = 10;
    public static final Duration WINDOW = Duration.ofMinutes(5);
    /** Addresses tracked at most; past it, those with no failure in the window are dropped first. */
    static final int MAX_ADDRESSES = 10_000;

    private static final class Recent {
        /** The times of the address's latest failures, at most {@link #MAX_FAILURES}, oldest first. */
        final Deque<Instant> times = new ArrayDeque<>();
        boolean limited;
    }

    private final Clock clock;
    private final Map<String, Recent> byAddress = new ConcurrentHashMap<>();

    public AuthFailures(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records a wrong token from {@code address}.
     *
     * @return how long the address should wait, when it is past its budget (answer 429); empty: answer 401
     */
    public Optional<Duration> failed(String address) {
        Instant now = clock.instant();
        String key = address == null ? "unknown" : address;
        if (!byAddress.containsKey(key) && byAddress.size() >= MAX_ADDRESSES) {
            byAddress.values().removeIf(r -> {
                synchronized (r) {
                    expire(r, now);
                    return r.times.isEmpty();
                }
            });
            if (byAddress.size() >= MAX_ADDRESSES) {
                return Optional.empty();
            }
        }
        Recent recent = byAddress.computeIfAbsent(key, k -> new Recent());
        synchronized (recent) {
            expire(recent, now);
            Optional<Duration> wait = Optional.empty();
            if (recent.times.size() >= MAX_FAILURES) {
                wait = Optional.of(Duration.between(now, recent.times.removeFirst().plus(WINDOW)));
                if (!recent.limited) {
                    LOG.warn("Client {} sent more than {} wrong admin tokens within {} min; answering 429 to its "
                            + "wrong tokens until it slows down", key, MAX_FAILURES, WINDOW.toMinutes());
                }
            }
            recent.limited = wait.isPresent();
            recent.times.addLast(now);
            return wait;
        }
    }

    int trackedAddresses() {
        return byAddress.size();
    }

    private static void expire(Recent recent, Instant now) {
        Instant horizon = now.minus(WINDOW);
        while (!recent.times.isEmpty() && !recent.times.peekFirst().isAfter(horizon)) {
            recent.times.removeFirst();
        }
    }
}
