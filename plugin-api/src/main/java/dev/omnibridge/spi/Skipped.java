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
 */
public record Skipped(String sourceId, Disposition disposition, String reason, URI original) {
    public enum Disposition { IGNORED, DEAD_LETTER }

    public Skipped {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(reason, "reason");
    }

    public static Skipped ignored(String sourceId, String reason, URI original) {
        return new Skipped(sourceId, Disposition.IGNORED, reason, original);
    }

    public static Skipped deadLetter(String sourceId, String reason, URI original) {
        return new Skipped(sourceId, Disposition.DEAD_LETTER, reason, original);
    }
}
