package dev.omnibridge.hub.store;

import dev.omnibridge.hub.access.Account;
import dev.omnibridge.hub.access.Principal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The accounts and console sessions tables ({@code accounts}, {@code console_sessions}, V17). Every method runs in
 * the caller's connection: writes in the journal writer's transaction, so that a change commits with its audit entry.
 */
public final class AccountTables {
    private static final String COLUMNS = "id, email, name, role, password_hash, disabled, issuer, subject, "
            + "failed_logins, locked_until, created_at, updated_at";

    private AccountTables() {
    }

    /** A stored console session; {@code accountId} null for a session of the admin token. */
    public record SessionRow(String idHash, String accountId, String csrf, Instant createdAt, Instant lastSeenAt,
                             Instant expiresAt) {
    }

    // ---- accounts ----

    public static void insert(Connection c, Account a, String passwordHash) throws SQLException {
        Sql.update(c, "INSERT INTO accounts (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                a.id(), a.email(), a.name(), a.role().name(), passwordHash, a.disabled(), a.issuer(), a.subject(),
                a.failedLogins(), Sql.ts(a.lockedUntil()), Sql.ts(a.createdAt()), Sql.ts(a.updatedAt()));
    }

    /** Writes name, email, role, disabled and the lock of the account. */
    public static int update(Connection c, Account a) throws SQLException {
        return Sql.update(c, "UPDATE accounts SET email = ?, name = ?, role = ?, disabled = ?, failed_logins = ?, "
                        + "locked_until = ?, updated_at = ? WHERE id = ?",
                a.email(), a.name(), a.role().name(), a.disabled(), a.failedLogins(), Sql.ts(a.lockedUntil()),
                Sql.ts(a.updatedAt()), a.id());
    }

    public static int setPassword(Connection c, String id, String passwordHash, Instant at) throws SQLException {
        return Sql.update(c, "UPDATE accounts SET password_hash = ?, failed_logins = 0, locked_until = NULL, "
                + "updated_at = ? WHERE id = ?", passwordHash, Sql.ts(at), id);
    }

    public static int delete(Connection c, String id) throws SQLException {
        return Sql.update(c, "DELETE FROM accounts WHERE id = ?", id);
    }

    public static List<Account> all(Connection c) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM accounts ORDER BY email");
    }

    public static Optional<Account> byId(Connection c, String id) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM accounts WHERE id = ?", id).stream().findFirst();
    }

    public static Optional<Account> byEmail(Connection c, String email) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM accounts WHERE email = ?", email).stream().findFirst();
    }

    public static Optional<Account> byExternal(Connection c, String issuer, String subject) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM accounts WHERE issuer = ? AND subject = ?", issuer, subject)
                .stream().findFirst();
    }

    /** The bcrypt hash of the account's password, if it has one. */
    public static Optional<String> passwordHash(Connection c, String id) throws SQLException {
        return Sql.string(c, "SELECT password_hash FROM accounts WHERE id = ?", id);
    }

    public static long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM accounts");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Account> query(Connection c, String sql, Object... params) throws SQLException {
        List<Account> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Account(rs.getString("id"), rs.getString("email"), rs.getString("name"),
                        Principal.Role.valueOf(rs.getString("role")), rs.getBoolean("disabled"),
                        rs.getString("issuer"), rs.getString("subject"), rs.getString("password_hash") != null,
                        rs.getInt("failed_logins"), Sql.instant(rs, "locked_until"), Sql.instant(rs, "created_at"),
                        Sql.instant(rs, "updated_at")));
            }
        }
        return out;
    }

    // ---- sessions ----

    public static void insertSession(Connection c, SessionRow s) throws SQLException {
        Sql.update(c, "INSERT INTO console_sessions (id_hash, account_id, csrf, created_at, last_seen_at, expires_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", s.idHash(), s.accountId(), s.csrf(), Sql.ts(s.createdAt()),
                Sql.ts(s.lastSeenAt()), Sql.ts(s.expiresAt()));
    }

    public static void touchSession(Connection c, String idHash, Instant lastSeen) throws SQLException {
        Sql.update(c, "UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?", Sql.ts(lastSeen), idHash);
    }

    public static int deleteSession(Connection c, String idHash) throws SQLException {
        return Sql.update(c, "DELETE FROM console_sessions WHERE id_hash = ?", idHash);
    }

    public static int deleteSessionsOf(Connection c, String accountId) throws SQLException {
        return Sql.update(c, "DELETE FROM console_sessions WHERE account_id = ?", accountId);
    }

    /** Removes sessions past their absolute end or idle since before {@code idleSince}. */
    public static int deleteExpiredSessions(Connection c, Instant now, Instant idleSince) throws SQLException {
        return Sql.update(c, "DELETE FROM console_sessions WHERE expires_at <= ? OR last_seen_at <= ?",
                Sql.ts(now), Sql.ts(idleSince));
    }

    public static List<SessionRow> sessions(Connection c) throws SQLException {
        List<SessionRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id_hash, account_id, csrf, created_at, last_seen_at, "
                + "expires_at FROM console_sessions"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new SessionRow(rs.getString("id_hash"), rs.getString("account_id"), rs.getString("csrf"),
                        Sql.instant(rs, "created_at"), Sql.instant(rs, "last_seen_at"),
                        Sql.instant(rs, "expires_at")));
            }
        }
        return out;
    }
}
