package dev.omnibridge.hub.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the audit trail.
 *
 * @param id      its number, in the order written (0 before it is stored)
 * @param at      when
 * @param actor   who ({@link AuditTrail#ADMIN_TOKEN} for the configured admin token)
 * @param action  what, e.g. {@code contact.erase}
 * @param subject what it was done to: an id, never personal data; may be null
 * @param detail  a short description without personal data; may be null
 */
public record AuditEntry(long id, Instant at, String actor, String action, String subject, String detail) {
    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
    }
}
