package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Reads connector poll positions; they are written with the messages they produced, by {@link InboundWriter}. */
public final class OffsetStore {
    private final Database database;

    public OffsetStore(Database database) {
        this.database = database;
    }

    public Optional<String> get(String instanceId, String key) {
        try (Connection c = database.connection()) {
            return Sql.string(c, "SELECT offset_value FROM connector_offsets WHERE instance_id = ? AND offset_key = ?",
                    instanceId, key);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read offset " + key + " of " + instanceId + ": " + e.getMessage(),
                    e);
        }
    }
}
