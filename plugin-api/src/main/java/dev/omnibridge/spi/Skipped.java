package dev.omnibridge.spi;

import java.net.URI;
import java.util.Objects;

/**
 * Something a channel received but will not turn into a message, recorded so that nothing vanishes silently: noise
 * such as auto-replies and bounces ({@link Disposition#IGNORED}), or input the connector cannot read
 * ({@link Disposition#DEAD_LETTER}, listed with the dead letters for an operator to look at).
 *
 * @param sourceId    the channel's id for the item (e.g. a mail's Message-ID); with the instance it is the dedupe key
 * @param disposition ignored noise or a dead letter
 * @param reason      why, for an operator; never carries secrets or message content
 * @param original    where the original bytes were kept (e.g. {@code attachment:<sha256>}), or null
 * @param threadKey   the thread key of the conversation the item belongs to, when the channel can tell (an
 *                    auto-reply to the hub's acknowledgement, a bounce of the hub's reply), or null; the hub then
 *                    shows the item in that conversation's timeline. Never a new conversation's key: a skipped item
 *                    opens no conversation.
 */
public record Skipped(String sourceId, Disposition disposition, String reason, URI original, String threadKey) {
    public enum Disposition { IGNORED, DEAD_LETTER }

    public Skipped {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(reason, "reason");
    }

    /** An item tied to no conversation; the constructor connectors used before the thread key existed. */
    public Skipped(String sourceId, Disposition disposition, String reason, URI original) {
        this(sourceId, disposition, reason, original, null);
    }

    public static Skipped ignored(String sourceId, String reason, URI original) {
        return new Skipped(sourceId, Disposition.IGNORED, reason, original);
    }

    public static Skipped deadLetter(String sourceId, String reason, URI original) {
        return new Skipped(sourceId, Disposition.DEAD_LETTER, reason, original);
    }

    /** This item, belonging to the conversation with the given thread key (null: to none). */
    public Skipped withThreadKey(String threadKey) {
        return new Skipped(sourceId, disposition, reason, original, threadKey);
    }
}
