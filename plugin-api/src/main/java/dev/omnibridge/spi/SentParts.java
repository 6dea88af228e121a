package dev.omnibridge.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How far a channel got with a reply it sends as several messages (a long text split at the channel's limit, a text
 * followed by its files), kept in the hub's journal so that a retry, even after a restart, continues with the first
 * part the channel has not accepted instead of sending the earlier parts again. Vendors' send APIs (Twilio, Meta)
 * take no idempotency key, so nothing else would stop the repeat.
 *
 * <p>Use: {@code SentParts parts = SentParts.resume(context, outbound.idempotencyKey(), plan.size())}, skip the first
 * {@link #sent()} parts, call {@link #accepted} with each part's id as the channel accepts it, and return
 * {@link #firstId()}. The progress is saved as an offset of the instance, keyed by the delivery's idempotency key,
 * before the next part goes out; a reply of one part never touches the journal. A crash between the channel's answer
 * and that save can still repeat one part: the unavoidable window of any at-least-once sender.
 */
public final class SentParts {
    static final String PREFIX = "sent-parts:";
    private static final Duration SAVE_TIMEOUT = Duration.ofSeconds(30);

    private final ConnectorContext context;
    private final String key;
    private final int total;
    private int sent;
    private String firstId;

    private SentParts(ConnectorContext context, String key, int total, int sent, String firstId) {
        this.context = context;
        this.key = key;
        this.total = total;
        this.sent = sent;
        this.firstId = firstId;
    }

    /**
     * The progress of the reply with this idempotency key on this instance: nothing sent yet, or what an earlier
     * attempt saved.
     *
     * @param total how many parts the reply has; the split must be the same on every attempt
     */
    public static SentParts resume(ConnectorContext context, String idempotencyKey, int total) {
        String key = PREFIX + idempotencyKey;
        if (total <= 1) {
            return new SentParts(context, key, total, 0, null);
        }
        Optional<String> saved = context.offset(key);
        if (saved.isPresent()) {
            String value = saved.get();
            int space = value.indexOf(' ');
            try {
                int n = Integer.parseInt(space < 0 ? value : value.substring(0, space));
                if (n > 0 && space > 0 && n < total) {
                    return new SentParts(context, key, total, n, value.substring(space + 1));
                }
            } catch (NumberFormatException unreadable) {
                // not ours or damaged: start from the beginning rather than skip parts nobody saw
            }
        }
        return new SentParts(context, key, total, 0, null);
    }

    /** How many parts the channel has accepted before this attempt (and during it). */
    public int sent() {
        return sent;
    }

    /** The channel's id of the first part, or null while none is accepted: the id the reply is known by. */
    public String firstId() {
        return firstId;
    }

    /**
     * The channel accepted the next part. When more parts follow, the progress is saved and this returns once the
     * journal has committed it.
     *
     * @throws DeliveryException retryable when the progress could not be saved (the next attempt then sends this part
     *                           again, which is as much as can be done when the journal is failing)
     */
    public void accepted(String channelMessageId) {
        sent++;
        if (firstId == null) {
            firstId = channelMessageId;
        }
        if (sent >= total) {
            return;
        }
        try {
            context.submit(Inbound.none().withOffsets(Map.of(key, sent + " " + firstId))).toCompletableFuture()
                    .get(SAVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.retryable("interrupted while recording part " + sent + " of " + total, e);
        } catch (ExecutionException | TimeoutException e) {
            throw DeliveryException.retryable("could not record that part " + sent + " of " + total
                    + " was sent", e);
        }
    }
}
