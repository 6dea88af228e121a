package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;

/**
 * Issue 25: secrets every node of a cluster must use alike ({@code cluster_secrets}), made once by the first node
 * that needs one. PostgreSQL only (cluster mode). A secret's value is never logged nor put into an error.
 */
public final class ClusterSecrets {
    private final Database database;

    public ClusterSecrets(Database database) {
        this.database = database;
    }

    /**
     * The secret {@code name}: {@code candidate} when no node has made it yet (stored now), otherwise the one
     * stored first. Nodes starting at once all get the same: the first insert wins, the others read it.
     */
    public byte[] getOrCreate(String name, byte[] candidate) throws SQLException {
        try (Connection c = database.connection()) {
            Sql.update(c, "INSERT INTO cluster_secrets (name, secret, created_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (name) DO NOTHING", name, Base64.getEncoder().encodeToString(candidate),
                    Sql.ts(Instant.now()));
            String stored = Sql.string(c, "SELECT secret FROM cluster_secrets WHERE name = ?", name)
                    .orElseThrow(() -> new SQLException("cluster secret " + name + " vanished"));
            return Base64.getDecoder().decode(stored);
        }
    }
}
