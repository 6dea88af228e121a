package dev.omnibridge.hub.access;

import java.time.Instant;

/**
 * A person who logs into the console (or calls the admin API with its session).
 *
 * @param email        the login name, lower-case, unique
 * @param issuer       the single sign-on provider the account belongs to (null: a local account)
 * @param subject      its id at that provider (null: a local account)
 * @param hasPassword  whether a local password is set
 * @param lockedUntil  while in the future, logins are refused (too many wrong passwords); null when not locked
 */
public record Account(String id, String email, String name, Principal.Role role, boolean disabled, String issuer,
                      String subject, boolean hasPassword, int failedLogins, Instant lockedUntil, Instant createdAt,
                      Instant updatedAt) {

    /** Who requests of this account run as. */
    public Principal principal() {
        return new Principal(id, name, role, Principal.Kind.ACCOUNT);
    }

    public boolean lockedAt(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }
}
