package dev.omnibridge.connector.webhookdesk;

import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;
import dev.omnibridge.spi.DeskResult;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request to the desk at a time, and whatever other conversations' lanes hand in meanwhile goes in the next
 * one (a group commit): a lone delivery is sent at once, alone; under load every round trip carries the events that
 * queued during the previous one, up to {@code maxEvents}. No thread of its own: the caller whose turn it is sends
 * the request on its own thread, hands every caller in it its own outcome, and passes the turn to the oldest caller
 * still queued.
 *
 * <p>Each caller's events ({@link #submit}: one delivery, or one lane's batch of one ticket) stay together and in
 * order, and join a request whole, oldest caller first. A lane has one call in flight at a time, so two events of a
 * conversation are never in two requests at once, and the queue never lets an event overtake an earlier one of its
 * conversation.
 *
 * <p>Outcomes, per caller: a request of one caller's events is exactly today's call ({@link Desk#alone}), its
 * result or failure unchanged. For a mixed request ({@link Desk#mixed}): the callers whose events the desk applied
 * get their results; the caller of the first event not applied gets a failure about that record (with the results
 * of its own applied events, if any); the callers after it were not refused, only not reached, so they go first
 * into the next request. A retryable failure of the whole request is such a prefix of none: its first caller gets
 * the failure (same kind, Retry-After), the others go first into the next request; a permanent one sends each
 * caller's events again on their own, so that one bad event does not dead-letter other conversations' messages.
 */
final class CrossTicketBatcher {
    /** Sends one request. */
    interface Desk {
        /** One caller's events, as without batching across tickets; throws as such a call does. */
        List<DeskResult> alone(List<DeskDelivery> events);

        /**
         * Several callers' events in one request. Returns one entry per event applied, in order (fewer than sent: a
         * prefix was applied); throws for a failure of the whole request (nothing applied).
         */
        List<Entry> mixed(List<DeskDelivery> events);
    }

    /** The desk's answer for one applied event: its result, or why that event alone failed. */
    record Entry(DeskResult result, DeliveryException failure) {
        static Entry of(DeskResult result) {
            return new Entry(result, null);
        }

        static Entry failed(DeliveryException failure) {
            return new Entry(null, failure);
        }
    }

    private static final class Submission {
        final List<DeskDelivery> events;
        /** Wakes the waiting caller: true, its turn to send; false, its outcome is in. */
        final CompletableFuture<Boolean> signal = new CompletableFuture<>();
        private List<DeskResult> results;
        private RuntimeException failure;
        /** The outcome is in (the first one set wins). */
        volatile boolean finished;
        /** In a request being sent; guarded by the lock. */
        boolean taken;

        Submission(List<DeskDelivery> events) {
            this.events = events;
        }

        synchronized void succeed(List<DeskResult> r) {
            if (!finished) {
                results = r;
                finished = true;
                signal.complete(false);
            }
        }

        synchronized void fail(RuntimeException e) {
            if (!finished) {
                failure = e;
                finished = true;
                signal.complete(false);
            }
        }

        synchronized List<DeskResult> outcome() {
            if (failure != null) {
                throw failure;
            }
            return results;
        }
    }

    private final Desk desk;
    private final int maxEvents;
    private final Duration timeout;
    private final Object lock = new Object();
    private final ArrayDeque<Submission> queue = new ArrayDeque<>();
    // Guarded by the lock: a caller holds the turn (sending, or about to); no one else sends.
    private boolean busy;
    private boolean stopped;
    private int queuedEvents;

    /**
     * @param maxEvents most events in one request
     * @param timeout   the request timeout: a request in flight ends within it, which bounds how long a caller waits
     */
    CrossTicketBatcher(Desk desk, int maxEvents, Duration timeout) {
        this.desk = desk;
        this.maxEvents = maxEvents;
        this.timeout = timeout;
    }

    /** Events queued behind the request in flight. */
    int queuedEvents() {
        synchronized (lock) {
            return queuedEvents;
        }
    }

    /**
     * Delivers one caller's events (1..maxEvents, one conversation, in order) and returns their results, or throws
     * this caller's own failure ({@link DeliveryException#delivered()} = the results of its applied prefix).
     */
    List<DeskResult> submit(List<DeskDelivery> events) {
        Submission own = new Submission(events);
        boolean lead;
        synchronized (lock) {
            if (stopped) {
                throw notRunning();
            }
            queue.addLast(own);
            queuedEvents += events.size();
            lead = !busy;
            busy = true;
        }
        if (!lead) {
            lead = awaitTurn(own);
        }
        if (lead) {
            sendUntilDone(own);
        }
        return own.outcome();
    }

    /** Fails every queued caller retryably; the request in flight ends for its callers as it ends. */
    void stop() {
        List<Submission> dropped;
        synchronized (lock) {
            stopped = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
            queuedEvents = 0;
        }
        dropped.forEach(s -> s.fail(notRunning()));
    }

    /** Waits for this caller's turn to send (true) or its outcome (false), bounded by the timeout. */
    private boolean awaitTurn(Submission own) {
        // The request in flight ends within the timeout, the one carrying this caller within another.
        long deadline = System.nanoTime() + 2 * timeout.toNanos();
        boolean extended = false;
        while (true) {
            try {
                return own.signal.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | InterruptedException e) {
                boolean interrupted = e instanceof InterruptedException;
                synchronized (lock) {
                    if (own.signal.isDone()) {
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                        return own.signal.join();
                    }
                    if (!own.taken) {
                        // Never sent: safe to leave, nothing of it can have been applied.
                        queue.remove(own);
                        queuedEvents -= own.events.size();
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                        throw DeliveryException.retryable("not sent: the desk's requests ahead of it took longer "
                                + "than the timeout (" + timeout + ")", null);
                    }
                    if (interrupted || extended) {
                        // Its request has not ended in twice its own timeout: let the lane try again (same keys).
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                        throw DeliveryException.retryable("no answer from the desk within the timeout ("
                                + timeout + ")", null);
                    }
                    extended = true;
                    deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
                }
            } catch (ExecutionException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** Holds the turn: sends requests from the head of the queue until this caller has its outcome. */
    private void sendUntilDone(Submission own) {
        try {
            while (!own.finished) {
                List<Submission> request = take();
                if (request.isEmpty()) {
                    own.fail(notRunning()); // stopped meanwhile: the queue was emptied
                    break;
                }
                try {
                    send(request);
                } catch (RuntimeException e) {
                    // A bug, not an answer: no caller of the request may be left waiting.
                    DeliveryException failure = DeliveryException.retryable(e.getClass().getSimpleName() + ": "
                            + e.getMessage(), e);
                    request.forEach(s -> s.fail(s == own ? failure : copy(failure)));
                }
            }
        } finally {
            passTurn();
        }
    }

    /** The callers at the head of the queue, up to maxEvents events (the first one always). */
    private List<Submission> take() {
        List<Submission> request = new ArrayList<>();
        synchronized (lock) {
            int events = 0;
            while (!queue.isEmpty()
                    && (request.isEmpty() || events + queue.peekFirst().events.size() <= maxEvents)) {
                Submission s = queue.pollFirst();
                s.taken = true;
                events += s.events.size();
                request.add(s);
            }
            queuedEvents -= events;
        }
        return request;
    }

    /** After this caller's outcome: the oldest queued caller sends next, or no one is busy. */
    private void passTurn() {
        synchronized (lock) {
            Submission next = queue.peekFirst();
            if (next == null) {
                busy = false;
            } else {
                next.signal.complete(true);
            }
        }
    }

    private void send(List<Submission> request) {
        if (request.size() == 1) {
            sendAlone(request.get(0));
            return;
        }
        List<DeskDelivery> events = new ArrayList<>();
        request.forEach(s -> events.addAll(s.events));
        List<Entry> entries;
        try {
            entries = desk.mixed(events);
        } catch (DeliveryException e) {
            if (!e.isRetryable()) {
                // The desk refused the request as a whole, maybe for one bad event: each caller's events go again on
                // their own, so that only what the desk refuses alone is dead-lettered (rare; costs round trips).
                request.forEach(this::sendAlone);
                return;
            }
            // Nothing was applied: as a prefix of none, only the first caller's delivery fails; the others were not
            // refused on their own and go first into the next request. Failing them all would tell the hub that
            // many conversations fail at once (its breaker pauses the desk on that) when the desk may have refused
            // one event; a desk that is really down fails each of them in turn, one request each, as without
            // batching across tickets.
            request.get(0).fail(e);
            requeueFirst(request.subList(1, request.size()));
            return;
        }
        int applied = Math.min(entries.size(), events.size());
        int at = 0;
        boolean ended = false;
        List<Submission> notReached = new ArrayList<>();
        for (Submission s : request) {
            int end = at + s.events.size();
            if (ended) {
                notReached.add(s);
            } else if (end <= applied) {
                outcome(s, entries.subList(at, end), null);
            } else {
                // The first event the desk did not apply is this caller's: a failure about that record.
                outcome(s, entries.subList(at, applied), DeliveryException.retryableForThisRecord("desk applied "
                        + applied + " of " + events.size() + " events of the batch", null));
                ended = true;
            }
            at = end;
        }
        requeueFirst(notReached);
    }

    /** One caller's events in a request of their own: exactly the call without batching across tickets. */
    private void sendAlone(Submission s) {
        try {
            s.succeed(desk.alone(s.events));
        } catch (DeliveryException e) {
            s.fail(e);
        }
    }

    /**
     * A caller's answered entries: its results, or the first failing event's own failure after the results before
     * it; {@code notApplied} (or null) is the failure of the caller's first event past the entries.
     */
    private static void outcome(Submission s, List<Entry> entries, DeliveryException notApplied) {
        List<DeskResult> results = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            if (entry.failure() != null) {
                s.fail(entry.failure().afterDelivering(results));
                return;
            }
            results.add(entry.result());
        }
        if (notApplied != null) {
            s.fail(notApplied.afterDelivering(results));
        } else {
            s.succeed(results);
        }
    }

    /** Callers not reached go before everyone who queued meanwhile, in their order; or fail if stopped. */
    private void requeueFirst(List<Submission> notReached) {
        if (notReached.isEmpty()) {
            return;
        }
        boolean dropped;
        synchronized (lock) {
            dropped = stopped;
            if (!dropped) {
                for (int i = notReached.size() - 1; i >= 0; i--) {
                    Submission s = notReached.get(i);
                    s.taken = false;
                    queue.addFirst(s);
                    queuedEvents += s.events.size();
                }
            }
        }
        if (dropped) {
            notReached.forEach(s -> s.fail(notRunning()));
        }
    }

    private static DeliveryException notRunning() {
        return DeliveryException.retryable("instance is not running", null);
    }

    /** The same failure for another caller (an exception is not shared between threads). */
    static DeliveryException copy(DeliveryException e) {
        if (e.isDeferred()) {
            return DeliveryException.deferred(e.getMessage(), e.retryAfter().orElseThrow());
        }
        return new DeliveryException(e.kind(), e.getMessage(), e.retryAfter().orElse(null), e.getCause(),
                e.concernsOneRecord());
    }
}
