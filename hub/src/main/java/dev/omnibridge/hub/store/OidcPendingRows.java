package dev.omnibridge.hub.store;

import dev.omnibridge.hub.access.PendingSignIns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Issue 25: single sign-ins in progress as rows of {@code oidc_pending}, so that the provider's callback completes
 * on whichever node the load balancer sends it to. The state is stored as its SHA-256 only; a row is taken by
 * deleting it (the one delete that removes it wins, so a sign-in is used once across the nodes).
 */
public final class OidcPendingRows implements PendingSignIns {
    private static final Logger LOG = LoggerFactory.getLogger(OidcPendingRows.class);
    private final Database database;
    private final Clock clock;

    public OidcPendingRows(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public boolean add(String state, Pending p) {
        Instant now = clock.instant();
        try (Connection c = database.connection()) {
            Sql.update(c, "DELETE FROM oidc_pending WHERE started_at <= ?", Sql.ts(now.minus(VALID_FOR)));
            long inProgress = Long.parseLong(Sql.string(c, "SELECT COUNT(*) FROM oidc_pending").orElse("0"));
            if (inProgress >= MAX) {
                return false;
            }
            Sql.update(c, "INSERT INTO oidc_pending (state_hash, nonce, verifier, browser_hash, started_at)"
                    + " VALUES (?, ?, ?, ?, ?)", hash(state), p.nonce(), p.verifier(),
                    Base64.getEncoder().encodeToString(p.browserHash()), Sql.ts(p.startedAt()));
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("the sign-in could not be stored: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public Optional<Pending> take(String state) {
        String key = hash(state);
        try (Connection c = database.connection()) {
            Pending p;
            try (PreparedStatement ps = Sql.prepare(c, "SELECT nonce, verifier, browser_hash, started_at"
                    + " FROM oidc_pending WHERE state_hash = ?", key); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                p = new Pending(rs.getString("nonce"), rs.getString("verifier"),
                        Base64.getDecoder().decode(rs.getString("browser_hash")), Sql.instant(rs, "started_at"));
            }
            // Another node's callback with the same state may have taken it meanwhile: only one delete removes it.
            if (Sql.update(c, "DELETE FROM oidc_pending WHERE state_hash = ?", key) != 1) {
                return Optional.empty();
            }
            return clock.instant().isBefore(p.startedAt().plus(VALID_FOR)) ? Optional.of(p) : Optional.empty();
        } catch (SQLException e) {
            LOG.warn("Single sign-on: a sign-in in progress could not be read: {}", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static String hash(String state) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(state.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
