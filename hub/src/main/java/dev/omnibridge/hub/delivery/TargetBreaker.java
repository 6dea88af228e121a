package dev.omnibridge.hub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The circuit breaker of one target instance. Closed, every conversation retries on its own backoff. When
 * target-wide retryable failures meet {@link #CONVERSATIONS_TO_OPEN} different conversations in a row, with no
 * success in between, the target is taken to be failing as a whole and the breaker opens: conversations stop trying
 * and one probe (a real delivery, the oldest waiting one) goes every {@code probeInterval}, never before a time the
 * target asked for with Retry-After. The first success closes it, and the dispatcher makes every waiting
 * conversation due at once. Permanent failures and failures about one record count neither way: the connector may
 * raise them without calling the target at all.
 *
 * <p>Three conversations: one conversation failing again and again is that conversation's problem (a message the
 * desk cannot take), and two may still be a coincidence; three different ones with nothing succeeding in between
 * is the target. Thread-safe; all decisions are taken under the breaker's own lock.
 */
final class TargetBreaker {
    static final int CONVERSATIONS_TO_OPEN = 3;
    private static final Duration RETRY_AFTER_CEILING = Duration.ofHours(1);

    private final Duration probeInterval;
    private final Set<String> failingConversations = new HashSet<>();
    // The target's own "not before" (Retry-After) from the failures since it last answered.
    private Instant notBefore;
    private Instant openSince;
    private Instant nextProbeAt;
    private String lastError;
    private boolean probing;
    // Counts the openings: a probe timer set in an earlier one does nothing.
    private long epoch;

    TargetBreaker(Duration probeInterval) {
        this.probeInterval = probeInterval;
    }

    /**
     * A target-wide retryable failure of a delivery of {@code conversationId}. Returns true when it opens the
     * breaker: the caller then schedules the first probe at {@link #nextProbeAt()}.
     */
    synchronized boolean failed(String conversationId, String error, Duration retryAfter, Instant now) {
        lastError = error;
        if (retryAfter != null) {
            Instant asked = now.plus(retryAfter.compareTo(RETRY_AFTER_CEILING) > 0 ? RETRY_AFTER_CEILING : retryAfter);
            notBefore = notBefore == null || asked.isAfter(notBefore) ? asked : notBefore;
        }
        if (openSince != null) {
            if (nextProbeAt != null && notBefore != null && notBefore.isAfter(nextProbeAt)) {
                nextProbeAt = notBefore;
            }
            return false;
        }
        failingConversations.add(conversationId);
        if (failingConversations.size() < CONVERSATIONS_TO_OPEN) {
            return false;
        }
        failingConversations.clear();
        epoch++;
        openSince = now;
        nextProbeAt = later(now.plus(probeInterval), notBefore);
        return true;
    }

    /** A delivery to the target succeeded. Returns true when that closed the breaker. */
    synchronized boolean answered() {
        failingConversations.clear();
        notBefore = null;
        probing = false;
        if (openSince == null) {
            return false;
        }
        openSince = null;
        nextProbeAt = null;
        lastError = null;
        return true;
    }

    synchronized boolean isOpen() {
        return openSince != null;
    }

    synchronized long epoch() {
        return epoch;
    }

    /**
     * Called when the probe timer of {@code epoch} fires: true if a probe should go now (still that opening, none
     * in flight, its time has come); the caller then sends one and reports how it ended.
     */
    synchronized boolean startProbe(Instant now, long epoch) {
        if (openSince == null || epoch != this.epoch || probing || nextProbeAt == null || now.isBefore(nextProbeAt)) {
            return false;
        }
        probing = true;
        nextProbeAt = null;
        return true;
    }

    /** When a probe timer of {@code epoch} that fired too early (a Retry-After came meanwhile) is to fire again. */
    synchronized Instant waitingFor(long epoch) {
        return openSince == null || epoch != this.epoch || probing ? null : nextProbeAt;
    }

    /**
     * The probe went out and the breaker is still open (it failed again, or there was nothing to send): returns
     * when the next one goes, or null when no probe was running or the breaker closed meanwhile.
     */
    synchronized Instant probeFailed(Instant now) {
        if (!probing) {
            return null;
        }
        probing = false;
        if (openSince == null) {
            return null;
        }
        nextProbeAt = later(now.plus(probeInterval), notBefore);
        return nextProbeAt;
    }

    synchronized Instant nextProbeAt() {
        return nextProbeAt;
    }

    synchronized Optional<DeliveryPause> paused() {
        return openSince == null ? Optional.empty()
                : Optional.of(new DeliveryPause(openSince, nextProbeAt, lastError));
    }

    private static Instant later(Instant a, Instant b) {
        return b != null && b.isAfter(a) ? b : a;
    }
}
