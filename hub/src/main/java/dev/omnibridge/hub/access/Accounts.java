package dev.omnibridge.hub.access;

import dev.omnibridge.hub.audit.AuditTrail;
import dev.omnibridge.hub.store.AccountTables;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.hub.store.TxWork;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * The accounts: created, changed and deleted by admins (each change audited in its transaction), kept in memory as
 * well (a handful of rows) so that every admin API request finds its account's current role without a read.
 * The last enabled admin account can be neither demoted, disabled nor deleted: nobody could manage accounts then.
 */
public final class Accounts {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");

    private final Journal journal;
    private final Database database;
    private final AuditTrail audit;
    private final Clock clock;
    private final Sessions sessions;
    private final Map<String, Account> cache = new ConcurrentHashMap<>();

    public Accounts(Journal journal, Database database, AuditTrail audit, Clock clock, Sessions sessions) {
        this.journal = journal;
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.sessions = sessions;
    }

    /** Reads the accounts (at start-up). */
    public void load() throws SQLException {
        try (Connection c = database.connection()) {
            AccountTables.all(c).forEach(a -> cache.put(a.id(), a));
        }
    }

    public List<Account> list() {
        return cache.values().stream().sorted(Comparator.comparing(Account::email)).toList();
    }

    public Optional<Account> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(cache.get(id));
    }

    public Optional<Account> byEmail(String email) {
        String e = normalise(email);
        return cache.values().stream().filter(a -> a.email().equals(e)).findFirst();
    }

    public Optional<Account> byExternal(String issuer, String subject) {
        return cache.values().stream().filter(a -> issuer.equals(a.issuer()) && subject.equals(a.subject()))
                .findFirst();
    }

    /** Whether no account exists yet: the admin token may then log into the console, to create the first one. */
    public boolean none() {
        return cache.isEmpty();
    }

    /**
     * Creates a local account.
     *
     * @param password null: none yet (set it later, or the account signs in through single sign-on)
     */
    public Account create(Principal actor, String email, String name, Principal.Role role, String password)
            throws AccessException {
        return create(actor, email, name, role, password, null, null);
    }

    /** Creates an account, local or (with issuer and subject) for an external identity. */
    Account create(Principal actor, String email, String name, Principal.Role role, String password, String issuer,
                   String subject) throws AccessException {
        String e = validEmail(email);
        String n = validName(name == null || name.isBlank() ? e : name);
        if (role == null) {
            throw new AccessException(400, "role must be admin, agent or viewer");
        }
        if (password != null) {
            Optional<String> weak = Passwords.weakness(password);
            if (weak.isPresent()) {
                throw new AccessException(400, weak.get());
            }
        }
        String hash = password == null ? null : Passwords.hash(password);
        Instant now = clock.instant();
        Account a = new Account(UUID.randomUUID().toString(), e, n, role, false, issuer, subject, hash != null, 0,
                null, now, now);
        write((c, after) -> {
            if (AccountTables.byEmail(c, e).isPresent()) {
                throw new Conflict("an account with this email exists");
            }
            AccountTables.insert(c, a, hash);
            audit.append(c, actor.id(), "account.create", a.id(), "role=" + role
                    + (issuer == null ? "" : " sso"));
            return a;
        });
        cache.put(a.id(), a);
        return a;
    }

    /** Changes what is given (null: unchanged); disabling ends the account's sessions. */
    public Account update(Principal actor, String id, String email, String name, Principal.Role role,
                          Boolean disabled) throws AccessException {
        Account old = find(id).orElseThrow(() -> new AccessException(404, "no account " + id));
        Account a = new Account(id, email == null ? old.email() : validEmail(email),
                name == null ? old.name() : validName(name), role == null ? old.role() : role,
                disabled == null ? old.disabled() : disabled, old.issuer(), old.subject(), old.hasPassword(),
                old.failedLogins(), old.lockedUntil(), old.createdAt(), clock.instant());
        if (old.role() == Principal.Role.ADMIN && !old.disabled()
                && (a.role() != Principal.Role.ADMIN || a.disabled())) {
            lastAdminGuard(id);
        }
        StringBuilder what = new StringBuilder();
        if (!a.email().equals(old.email())) {
            what.append(" email");
        }
        if (!a.name().equals(old.name())) {
            what.append(" name");
        }
        if (a.role() != old.role()) {
            what.append(" role=").append(a.role());
        }
        if (a.disabled() != old.disabled()) {
            what.append(a.disabled() ? " disabled" : " enabled");
        }
        write((c, after) -> {
            if (!a.email().equals(old.email()) && AccountTables.byEmail(c, a.email()).isPresent()) {
                throw new Conflict("an account with this email exists");
            }
            AccountTables.update(c, a);
            if (a.disabled()) {
                sessions.endAll(c, id);
            }
            audit.append(c, actor.id(), "account.update", id, what.toString().strip());
            return a;
        });
        cache.put(id, a);
        return a;
    }

    /** Sets a new password (and lifts a lock). */
    public void setPassword(Principal actor, String id, String password) throws AccessException {
        Account old = find(id).orElseThrow(() -> new AccessException(404, "no account " + id));
        Optional<String> weak = Passwords.weakness(password);
        if (weak.isPresent()) {
            throw new AccessException(400, weak.get());
        }
        String hash = Passwords.hash(password);
        Instant now = clock.instant();
        write((c, after) -> {
            AccountTables.setPassword(c, id, hash, now);
            audit.append(c, actor.id(), "account.password", id, null);
            return null;
        });
        cache.put(id, new Account(id, old.email(), old.name(), old.role(), old.disabled(), old.issuer(),
                old.subject(), true, 0, null, old.createdAt(), now));
    }

    /** Deletes the account and ends its sessions; the audit trail keeps its id. */
    public void delete(Principal actor, String id) throws AccessException {
        Account old = find(id).orElseThrow(() -> new AccessException(404, "no account " + id));
        if (old.role() == Principal.Role.ADMIN && !old.disabled()) {
            lastAdminGuard(id);
        }
        write((c, after) -> {
            sessions.endAll(c, id);
            AccountTables.delete(c, id);
            audit.append(c, actor.id(), "account.delete", id, "role=" + old.role());
            return null;
        });
        cache.remove(id);
    }

    /** Ends every session of the account (log out everywhere); how many ended. */
    public int endSessions(Principal actor, String id) throws AccessException {
        find(id).orElseThrow(() -> new AccessException(404, "no account " + id));
        return write((c, after) -> {
            int n = sessions.endAll(c, id);
            audit.append(c, actor.id(), "session.end-all", id, "sessions=" + n);
            return n;
        });
    }

    /** Stores the account's lock state after a login attempt (no audit: the login writes its own entry). */
    void storeLock(Account a) {
        cache.put(a.id(), a);
    }

    Optional<String> passwordHash(String id) throws SQLException {
        try (Connection c = database.connection()) {
            return AccountTables.passwordHash(c, id);
        }
    }

    private void lastAdminGuard(String id) throws AccessException {
        boolean another = cache.values().stream().anyMatch(o -> !o.id().equals(id)
                && o.role() == Principal.Role.ADMIN && !o.disabled());
        if (!another) {
            throw new AccessException(409, "this is the last enabled admin account: make another admin first");
        }
    }

    static String normalise(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }

    private static String validEmail(String email) throws AccessException {
        String e = normalise(email);
        if (!EMAIL.matcher(e).matches()) {
            throw new AccessException(400, "email must be an address like name@example.com");
        }
        return e;
    }

    private static String validName(String name) throws AccessException {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 200 || n.chars().anyMatch(Character::isISOControl)) {
            throw new AccessException(400, "name must be 1 to 200 characters, without control characters");
        }
        return n;
    }

    /** A refusal found inside the transaction (rolled back), answered as 409. */
    private static final class Conflict extends SQLException {
        Conflict(String message) {
            super(message);
        }
    }

    private <T> T write(TxWork<T> work) throws AccessException {
        try {
            return journal.submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Conflict conflict) {
                throw new AccessException(409, conflict.getMessage());
            }
            throw new IllegalStateException("could not store the account change", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** For {@link Logins}: runs work in a journal transaction and waits for it. */
    <T> T inTransaction(TxWork<T> work) {
        try {
            return journal.submit(work).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not store the login", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
