package dev.omnibridge.hub.access;

import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.security.AuthFailures;
import dev.omnibridge.hub.store.AccountTables;
import dev.omnibridge.webhook.HmacSignatures;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Console logins: email and password (bcrypt), the admin token while no account exists yet (the first start), and
 * {@link #external} for single sign-on. Wrong attempts count per client address ({@link AuthFailures}, shared with
 * the bearer token) and per account: {@code lockoutAfter} wrong passwords in a row lock the account for
 * {@code lockoutFor}, even against the right password. Every attempt is in the audit trail (login, login.failed,
 * login.locked, logout), never with the password or the typed email.
 */
public final class Logins {
    private final Accounts accounts;
    private final Sessions sessions;
    private final AuditTrail audit;
    private final AuthFailures failures;
    private final String adminToken;
    private final AccessConfig config;
    private final Clock clock;

    public Logins(Accounts accounts, Sessions sessions, AuditTrail audit, AuthFailures failures, String adminToken,
                  AccessConfig config, Clock clock) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.audit = audit;
        this.failures = failures;
        this.adminToken = adminToken;
        this.config = config;
        this.clock = clock;
    }

    /** A session for the account's email and password. Blocks (bcrypt): never call it on the event loop. */
    public Sessions.Opened password(String email, String password, String client) throws AccessException {
        Optional<Account> found = accounts.byEmail(email);
        Instant now = clock.instant();
        if (found.isPresent() && found.get().lockedAt(now)) {
            Duration left = Duration.between(now, found.get().lockedUntil());
            audit.record(found.get().id(), "login.locked", found.get().id(), "refused while locked");
            throw new AccessException(423, "account locked after " + config.lockoutAfter()
                    + " failed logins; try again in " + minutes(left), left);
        }
        String hash;
        try {
            hash = found.isEmpty() || found.get().disabled() ? null : accounts.passwordHash(found.get().id())
                    .orElse(null);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not read the account", e);
        }
        if (!Passwords.matches(password, hash)) {
            failed(found.orElse(null), client, now);
        }
        Account a = found.orElseThrow();
        Account unlocked = withLock(a, 0, null);
        Sessions.Opened opened = accounts.inTransaction((c, after) -> {
            if (a.failedLogins() > 0 || a.lockedUntil() != null) {
                AccountTables.update(c, unlocked);
            }
            audit.append(c, a.id(), "login", a.id(), "password");
            return sessions.open(c, after, a.id());
        });
        accounts.storeLock(unlocked);
        return opened;
    }

    /**
     * A session for the admin token, only while no account exists: the first admin account is created from there.
     * Afterwards the admin token is for the API alone.
     */
    public Sessions.Opened adminToken(String token, String client) throws AccessException {
        if (token == null || !HmacSignatures.constantTimeEquals(adminToken, token)) {
            Optional<Duration> wait = failures.failed(client);
            audit.record(AuditTrail.ADMIN_TOKEN, "login.failed", null, "wrong admin token");
            throw wait.isPresent() ? new AccessException(429, "too many failed logins; wait a few minutes", wait.get())
                    : new AccessException(401, "wrong admin token");
        }
        if (!accounts.none()) {
            throw new AccessException(403, "the admin token opens the console only until the first account exists; "
                    + "log in with your account (the token still works for the API)");
        }
        return accounts.inTransaction((c, after) -> {
            audit.append(c, AuditTrail.ADMIN_TOKEN, "login", null, "admin token (no account yet)");
            return sessions.open(c, after, null);
        });
    }

    /**
     * The seam for single sign-on (OpenID Connect): finds the account of the external identity ({@code issuer},
     * {@code subject}), or creates it, gives it the role its groups map to, and opens a session. Refused for a
     * disabled account, and for an email that a local account already uses (linking is an admin's decision).
     */
    public Sessions.Opened external(String issuer, String subject, String email, String name, Principal.Role role)
            throws AccessException {
        Principal system = new Principal(AuditTrail.HUB, "hub", Principal.Role.ADMIN, Principal.Kind.TOKEN);
        Account a = accounts.byExternal(issuer, subject).orElse(null);
        if (a == null) {
            a = accounts.create(system, email, name, role, null, issuer, subject);
        } else if (a.role() != role && !a.disabled()) {
            a = accounts.update(system, a.id(), null, null, role, null);
        }
        if (a.disabled()) {
            audit.record(a.id(), "login.failed", a.id(), "account disabled");
            throw new AccessException(403, "this account is disabled");
        }
        Account account = a;
        return accounts.inTransaction((c, after) -> {
            audit.append(c, account.id(), "login", account.id(), "single sign-on");
            return sessions.open(c, after, account.id());
        });
    }

    /** Ends the session (logout), audited as the one who logs out. */
    public void logout(Sessions.Session s) {
        String actor = s.accountId() == null ? AuditTrail.ADMIN_TOKEN : s.accountId();
        accounts.inTransaction((c, after) -> {
            sessions.end(c, after, s);
            audit.append(c, actor, "logout", s.accountId(), null);
            return null;
        });
    }

    /** Who a session runs as: its account (current role), or the admin token; empty when the account is gone. */
    public Optional<Principal> principal(Sessions.Session s) {
        if (s.accountId() == null) {
            return Optional.of(Principal.ADMIN_TOKEN);
        }
        return accounts.find(s.accountId()).filter(a -> !a.disabled()).map(Account::principal);
    }

    /** Synchronized: two wrong passwords at once must count as two. */
    private synchronized void failed(Account found, String client, Instant now) throws AccessException {
        Optional<Duration> wait = failures.failed(client);
        Account a = found == null ? null : accounts.find(found.id()).orElse(found);
        if (a == null) {
            audit.record(AuditTrail.HUB, "login.failed", null, "unknown account");
        } else {
            int count = a.failedLogins() + 1;
            boolean lock = count >= config.lockoutAfter();
            Account next = lock ? withLock(a, 0, now.plus(config.lockoutFor())) : withLock(a, count, null);
            accounts.inTransaction((c, after) -> {
                AccountTables.update(c, next);
                audit.append(c, a.id(), "login.failed", a.id(), a.disabled() ? "account disabled"
                        : "wrong password (" + count + " in a row)");
                if (lock) {
                    audit.append(c, a.id(), "login.locked", a.id(), "locked for " + minutes(config.lockoutFor()));
                }
                return null;
            });
            accounts.storeLock(next);
            if (lock) {
                throw new AccessException(423, "account locked after " + config.lockoutAfter()
                        + " failed logins; try again in " + minutes(config.lockoutFor()), config.lockoutFor());
            }
        }
        if (wait.isPresent()) {
            throw new AccessException(429, "too many failed logins from this address; wait a few minutes",
                    wait.get());
        }
        throw new AccessException(401, "wrong email or password");
    }

    private static Account withLock(Account a, int failed, Instant lockedUntil) {
        return new Account(a.id(), a.email(), a.name(), a.role(), a.disabled(), a.issuer(), a.subject(),
                a.hasPassword(), failed, lockedUntil, a.createdAt(), a.updatedAt());
    }

    private static String minutes(Duration d) {
        long m = Math.max(1, (d.toSeconds() + 59) / 60);
        return m + (m == 1 ? " minute" : " minutes");
    }
}
