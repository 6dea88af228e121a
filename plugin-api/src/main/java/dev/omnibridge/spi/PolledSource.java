package dev.omnibridge.spi;

/**
 * Something a connector reads by asking again and again (Telegram's getUpdates, a desk's "what changed since"
 * query), run by the hub: hand it over with {@link ConnectorContext#poll}. Like Kafka Connect's {@code SourceTask}:
 * the source only fetches and maps; the hub owns the thread, the waits between polls, the backoff after failures,
 * storing what a poll found together with its offsets (one transaction), and what {@code /health} shows about it.
 *
 * <p>One poll at a time per source: the hub calls {@link #poll} again only after the previous result is stored (so
 * the next request carries the offsets it saved), and stops calling it when the instance stops.
 */
@FunctionalInterface
public interface PolledSource {
    /**
     * One poll: ask the vendor what is new since the offsets in {@code request}.
     *
     * @return what to store (with the next offsets) and when to poll next; {@link PollResult#nothing()} when nothing
     * is new
     * @throws PollException a classified failure (retryable, with the server's retry-after, or a problem that needs
     *                       attention); any other exception counts as retryable and {@code /health} shows only its
     *                       type, so put what an operator should read into a {@link PollException}
     * @throws InterruptedException the instance is stopping (the hub interrupts a poll that waits on the network)
     */
    PollResult poll(PollRequest request) throws Exception;

    /**
     * Ends a {@link #poll} that waits in a way a thread interrupt does not end (an IMAP IDLE, a socket read), so the
     * instance can stop: the hub calls it from another thread when it stops the source, after interrupting the
     * polling thread. Must return at once and never throw; a poll it ends may return what it has or nothing. Like
     * Kafka Connect's {@code SourceTask.stop()}. Does nothing by default: most polls end on an interrupt or soon.
     */
    default void wakeup() {
    }
}
