package dev.omnibridge.connector.email.mime;

import java.util.Objects;

/**
 * Why a mail must not open or update a ticket. Robots answering robots is how help desks end up in mail loops, so the
 * parser classifies instead of the route guessing; the reason is kept for the audit trail.
 *
 * @param kind   what kind of noise
 * @param reason short explanation naming the signal, e.g. {@code Auto-Submitted: auto-replied}; null for NONE
 */
public record Noise(Kind kind, String reason) {

    /**
     * What kind of robot. MAILING_LIST is mail a list server redistributed (RFC 2919 / RFC 2369 headers): people
     * wrote it, so an instance may accept it (acceptMailingLists), but it is never acknowledged.
     */
    public enum Kind { NONE, AUTO_REPLY, BOUNCE, MAILING_LIST }

    public static final Noise NONE = new Noise(Kind.NONE, null);

    public Noise {
        Objects.requireNonNull(kind, "kind");
        if (kind != Kind.NONE) {
            Objects.requireNonNull(reason, "reason");
        }
    }

    public static Noise autoReply(String reason) {
        return new Noise(Kind.AUTO_REPLY, reason);
    }

    public static Noise bounce(String reason) {
        return new Noise(Kind.BOUNCE, reason);
    }

    public static Noise mailingList(String reason) {
        return new Noise(Kind.MAILING_LIST, reason);
    }

    /** True unless this is {@link #NONE}. */
    public boolean isNoise() {
        return kind != Kind.NONE;
    }
}
