package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /** All offsets of an instance whose key starts with {@code prefix}, in key order. */
    public Map<String, String> withPrefix(String instanceId, String prefix) {
        String pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = database.connection();
             PreparedStatement ps = Sql.prepare(c, "SELECT offset_key, offset_value FROM connector_offsets "
                     + "WHERE instance_id = ? AND offset_key LIKE ? ESCAPE '\\' ORDER BY offset_key", instanceId, pattern);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read offsets " + prefix + "* of " + instanceId + ": "
                    + e.getMessage(), e);
        }
    }
}
