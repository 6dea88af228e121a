package dev.omnibridge.hub.access;

import dev.omnibridge.hub.store.AccountTables;
import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.Journal;
import dev.omnibridge.webhook.HmacSignatures;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Console sessions, stored ({@code console_sessions}) so that they survive a restart, and kept in memory too so that
 * the admin API checks a cookie without a database read on the event loop. The cookie holds a random id; the table
 * only its SHA-256. A session ends after {@code idleTimeout} without a request, {@code absoluteTimeout} after its
 * login, on logout, on "log out everywhere", and when its account is disabled or deleted.
 */
public final class Sessions {
    public static final String COOKIE = "omnibridge_console";
    /** The request header that carries a session's CSRF token on every state-changing call. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** last_seen_at is written at most this often per session: not one write per request. */
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A live session.
     *
     * @param accountId the account logged in; null for a session of the admin token
     */
    public record Session(String idHash, String accountId, String csrf, Instant createdAt, Instant expiresAt) {
    }

    /** A session just opened: {@code id} goes into the cookie and is known nowhere else. */
    public record Opened(String id, Session session) {
    }

    private static final class Live {
        final Session session;
        volatile Instant lastSeen;
        volatile Instant stored;

        Live(Session session, Instant lastSeen) {
            this.session = session;
            this.lastSeen = lastSeen;
            this.stored = lastSeen;
        }
    }

    private final Journal journal;
    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;
    private final Map<String, Live> live = new ConcurrentHashMap<>();

    public Sessions(Journal journal, Clock clock, Duration idleTimeout, Duration absoluteTimeout) {
        this.journal = journal;
        this.clock = clock;
        this.idle = idleTimeout;
        this.absolute = absoluteTimeout;
    }

    /** Reads the stored sessions (at start-up), dropping the expired ones. */
    public void load(Database database) throws SQLException, InterruptedException, ExecutionException {
        Instant now = clock.instant();
        journal.submit((c, after) -> AccountTables.deleteExpiredSessions(c, now, now.minus(idle))).get();
        try (Connection c = database.connection()) {
            for (AccountTables.SessionRow r : AccountTables.sessions(c)) {
                live.put(r.idHash(), new Live(new Session(r.idHash(), r.accountId(), r.csrf(), r.createdAt(),
                        r.expiresAt()), r.lastSeenAt()));
            }
        }
    }

    public Duration absoluteTimeout() {
        return absolute;
    }

    /** Opens a session in the caller's transaction (e.g. with the login's audit entry); live once committed. */
    public Opened open(Connection c, AfterCommit after, String accountId) throws SQLException {
        Instant now = clock.instant();
        String id = random();
        Session s = new Session(hash(id), accountId, random(), now, now.plus(absolute));
        AccountTables.insertSession(c, new AccountTables.SessionRow(s.idHash(), accountId, s.csrf(), now, now,
                s.expiresAt()));
        after.run(() -> live.put(s.idHash(), new Live(s, now)));
        return new Opened(id, s);
    }

    /** The live session the cookie value names; a request through it counts as activity. */
    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty() || id.length() > 200) {
            return Optional.empty();
        }
        String h = hash(id);
        Live l = live.get(h);
        if (l == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!now.isBefore(l.session.expiresAt()) || !now.isBefore(l.lastSeen.plus(idle))) {
            live.remove(h);
            journal.submit((c, after) -> AccountTables.deleteSession(c, h));
            return Optional.empty();
        }
        l.lastSeen = now;
        if (!now.isBefore(l.stored.plus(TOUCH_EVERY))) {
            l.stored = now;
            journal.submit((c, after) -> {
                AccountTables.touchSession(c, h, now);
                return null;
            });
        }
        return Optional.of(l.session);
    }

    /** Ends one session, in the caller's transaction. */
    public void end(Connection c, AfterCommit after, Session s) throws SQLException {
        live.remove(s.idHash());
        AccountTables.deleteSession(c, s.idHash());
    }

    /** Ends every session of the account, in the caller's transaction; how many there were. */
    public int endAll(Connection c, String accountId) throws SQLException {
        live.values().removeIf(l -> accountId.equals(l.session.accountId()));
        return AccountTables.deleteSessionsOf(c, accountId);
    }

    /** How many live sessions the account has (for the accounts list). */
    public long count(String accountId) {
        Instant now = clock.instant();
        return live.values().stream().filter(l -> accountId.equals(l.session.accountId())
                && now.isBefore(l.session.expiresAt()) && now.isBefore(l.lastSeen.plus(idle))).count();
    }

    public static boolean csrfMatches(Session session, String header) {
        return header != null && HmacSignatures.constantTimeEquals(session.csrf(), header);
    }

    static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
