package dev.omnibridge.connector.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.deskkit.DeskResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The org's daily API request allocation as Salesforce reports it, and how this instance spends it.
 *
 * <p>Salesforce counts every REST call against one allocation per org over a rolling 24 hours and answers each one
 * with {@code Sforce-Limit-Info: api-usage=<used>/<limit>} (REST API Developer Guide, "Limit Info Header"). Past the
 * limit it refuses calls with {@code 403 REQUEST_LIMIT_EXCEEDED} ("TotalRequests Limit exceeded.") until the usage
 * of the preceding 24 hours drops below the limit again: minutes or hours, not seconds. So:
 * <ul>
 *   <li><b>Reserve.</b> While at most {@code reservePercent} of the limit is left, calls are spaced so that what is
 *   left lasts a day (on average 24 h / remaining between calls, never more than {@link #LONGEST_SPACING}, a few at
 *   once so a delivery is not split), and idle polls slow to one
 *   every {@link #RESERVE_POLL_INTERVAL}: the rest of the org (agents' apps, other integrations) needs it too.</li>
 *   <li><b>Used up.</b> On the daily limit's 403 every call is held: first {@link #FIRST_PAUSE}, doubling up to
 *   {@link #LONGEST_PAUSE} while the next call (the probe) is refused again. The probe is an ordinary call: the
 *   {@code /limits} resource is not documented as free and needs the View Setup and Configuration permission.</li>
 * </ul>
 * {@code REQUEST_LIMIT_EXCEEDED} also answers too many concurrent long-running requests; that one clears in seconds
 * and is left to the usual short pause.
 */
final class ApiBudget {
    private static final Logger LOG = LoggerFactory.getLogger(ApiBudget.class);
    static final String HEADER = "Sforce-Limit-Info";
    /** The name the budget is reported under ({@code ConnectorContext.reportQuota}). */
    static final String QUOTA = "daily-api-requests";
    static final Duration WINDOW = Duration.ofHours(24);
    static final Duration FIRST_PAUSE = Duration.ofMinutes(1);
    static final Duration LONGEST_PAUSE = Duration.ofMinutes(30);
    static final Duration LONGEST_SPACING = Duration.ofMinutes(15);
    static final Duration RESERVE_POLL_INTERVAL = Duration.ofMinutes(15);
    /** Calls one delivery may need at once (lookups, upserts, comment, a file), so spacing does not split it. */
    static final int BURST = 6;
    /** The message of the daily limit's 403; the concurrent-requests limit shares the errorCode, not this. */
    private static final String DAILY_LIMIT_MESSAGE = "TotalRequests";

    /** Where the budget's news goes: the instance's context. */
    interface Listener {
        /** The org's allocation and what is left of it, from the latest answer. */
        void quota(long remaining, long limit);

        /** Calls are held because the daily limit is used up; {@code message} says until when. */
        void limitReached(String message);

        /** A call went through again after {@link #limitReached}. */
        void flowing();
    }

    private final int reservePercent;
    private final Clock clock;
    private final Listener listener;

    private long used = -1;
    private long limit = -1;
    private boolean conserving;
    private boolean limited;
    private Instant pausedUntil = Instant.MIN;
    private Duration nextPause = FIRST_PAUSE;
    /** Calls this instance may make now while conserving: a bucket refilled at the spread-out rate. */
    private double tokens;
    private Instant lastRefill;
    private Instant lastIdlePoll = Instant.MIN;

    ApiBudget(int reservePercent, Clock clock, Listener listener) {
        this.reservePercent = reservePercent;
        this.clock = clock;
        this.listener = listener;
    }

    /** Reads the usage header and the daily limit's refusal from every answer (DeskHttp's answer listener). */
    void observe(DeskResponse answer) {
        Optional<long[]> usage = answer.header(HEADER).flatMap(ApiBudget::apiUsage);
        boolean refused = dailyLimitRefusal(answer);
        String pausedMessage = null;
        boolean resumed = false;
        long remaining = -1;
        long whole = -1;
        synchronized (this) {
            if (usage.isPresent()) {
                used = usage.get()[0];
                limit = usage.get()[1];
                remaining = Math.max(0, limit - used);
                whole = limit;
                boolean below = remaining <= limit * reservePercent / 100;
                if (below != conserving) {
                    conserving = below;
                    tokens = BURST;
                    lastRefill = clock.instant();
                    LOG.info(below ? "Salesforce's daily API requests are down to {} of {}: spacing calls so the rest "
                            + "lasts the day and polling at most every {}" : "Salesforce's daily API requests are back "
                            + "to {} of {}: normal pace", remaining, limit, RESERVE_POLL_INTERVAL);
                }
            }
            // Calls refused together (sent before the first refusal came back) make one pause, not several.
            if (refused && !clock.instant().isBefore(pausedUntil)) {
                Duration pause = nextPause;
                pausedUntil = clock.instant().plus(pause);
                nextPause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                limited = true;
                pausedMessage = "Salesforce's daily API request limit is used up" + (used >= 0
                        ? " (" + used + " of " + limit + " requests in the last 24 hours)" : "")
                        + ": calls to Salesforce wait until " + pausedUntil + " (then one call checks again, waiting "
                        + "up to " + LONGEST_PAUSE.toMinutes() + " minutes between checks); deliveries are kept and "
                        + "retried";
            } else if (!refused && answer.status() < 500 && limited && !clock.instant().isBefore(pausedUntil)) {
                // Salesforce took a call again (a 4xx about the record counts too: it was not refused for the limit).
                // Only a call sent after the pause says so; one sent before the refusal says nothing.
                limited = false;
                nextPause = FIRST_PAUSE;
                resumed = true;
            }
        }
        if (whole >= 0) {
            listener.quota(remaining, whole);
        }
        if (pausedMessage != null) {
            LOG.warn("{}", pausedMessage);
            listener.limitReached(pausedMessage);
        }
        if (resumed) {
            LOG.info("Salesforce accepts API requests again");
            listener.flowing();
        }
    }

    /**
     * How long a call must wait before it may go. A wait of at most {@code patience} is booked (the caller waits it,
     * then calls); a longer one is not, and the caller gives up for now: the answer is then how long until a whole
     * {@link #BURST} is there again, so that the retry can finish its work instead of spending calls on half of it.
     */
    synchronized Duration admit(Duration patience) {
        Instant now = clock.instant();
        if (now.isBefore(pausedUntil)) {
            return Duration.between(now, pausedUntil);
        }
        if (!conserving) {
            return Duration.ZERO;
        }
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return Duration.ZERO;
        }
        Duration wait = untilTokens(1);
        if (wait.compareTo(patience) <= 0) {
            tokens -= 1;
            return wait;
        }
        return untilTokens(BURST);
    }

    /** Whether a scheduled poll (one nobody asked for) may spend calls now; books it when so. */
    synchronized boolean idlePollDue(Duration pollInterval) {
        Instant now = clock.instant();
        if (now.isBefore(pausedUntil)) {
            return false;
        }
        Duration every = conserving && RESERVE_POLL_INTERVAL.compareTo(pollInterval) > 0
                ? RESERVE_POLL_INTERVAL : Duration.ZERO;
        if (lastIdlePoll.plus(every).isAfter(now)) {
            return false;
        }
        lastIdlePoll = now;
        return true;
    }

    /** How long calls are held because the daily limit is used up; zero when they are not. */
    synchronized Duration pausedFor() {
        Duration d = Duration.between(clock.instant(), pausedUntil);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** While conserving, calls come back at what is left spread over a day (at least one per LONGEST_SPACING). */
    private double tokensPerNano() {
        long left = Math.max(1, limit - used);
        double even = left / (double) WINDOW.toNanos();
        return Math.max(even, 1.0 / LONGEST_SPACING.toNanos());
    }

    private void refill(Instant now) {
        if (lastRefill != null && now.isAfter(lastRefill)) {
            tokens = Math.min(BURST, tokens + Duration.between(lastRefill, now).toNanos() * tokensPerNano());
        }
        lastRefill = now;
    }

    private Duration untilTokens(double wanted) {
        return Duration.ofNanos((long) Math.ceil(Math.max(0, wanted - tokens) / tokensPerNano()));
    }

    /**
     * The 403 REQUEST_LIMIT_EXCEEDED of the used-up daily allocation: its message names TotalRequests, or the usage
     * header on it is at the limit. Not the concurrent long-running requests limit, which shares the errorCode.
     */
    static boolean dailyLimitRefusal(DeskResponse answer) {
        return SalesforceApi.limitExceeded(answer) && (mentionsDailyLimit(answer.body())
                || answer.header(HEADER).flatMap(ApiBudget::apiUsage).map(u -> u[0] >= u[1]).orElse(false));
    }

    private static boolean mentionsDailyLimit(JsonNode body) {
        if (body != null && body.isArray()) {
            for (JsonNode error : body) {
                if (error.path("message").asText("").contains(DAILY_LIMIT_MESSAGE)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code api-usage=<used>/<limit>} from the header's {@code ;}-separated fields (others, such as
     * {@code api-bursts=1/750} or {@code per-app-api-usage=17/250(appName=...)}, are skipped).
     */
    static Optional<long[]> apiUsage(String header) {
        for (String field : header.split(";")) {
            String f = field.strip();
            if (!f.startsWith("api-usage=")) {
                continue;
            }
            String[] parts = f.substring("api-usage=".length()).split("/");
            try {
                long u = Long.parseLong(parts[0].strip());
                long l = parts.length == 2 ? Long.parseLong(parts[1].strip()) : -1;
                return u >= 0 && l > 0 ? Optional.of(new long[]{u, l}) : Optional.empty();
            } catch (NumberFormatException notUsage) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
