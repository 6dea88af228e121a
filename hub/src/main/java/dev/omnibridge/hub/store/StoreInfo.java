package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the store takes on disk and holds: the embedded H2 file's figures (from H2's own
 * {@code INFORMATION_SCHEMA.SETTINGS} {@code info.*} entries, so no internal API), the messages' JSON size and the
 * row count of each table. Read-only, on a pool connection, never on the journal writer.
 */
public final class StoreInfo {
    /** File figures are read at most this often: several gauges ask in one scrape. */
    private static final long FILE_CACHE_NANOS = 1_000_000_000L;

    /**
     * The embedded file.
     *
     * @param fileBytes         the file's size
     * @param fillPercent       share of the file taken by chunks (the rest is free space inside the file)
     * @param chunksFillPercent share of the chunks' bytes that is live data (the rest is garbage to compact)
     * @param writtenBytes      bytes written to the file since the store was opened
     */
    public record FileFigures(long fileBytes, int fillPercent, int chunksFillPercent, long writtenBytes) {
        /** The live share of the whole file, 0..1. */
        public double liveRatio() {
            return fillPercent * chunksFillPercent / 10_000.0;
        }
    }

    /**
     * @param jsonBytes the messages' canonical JSON, in bytes (UTF-8 as the database counts it)
     * @param rows      row count per table (lower-case names), schema history left out
     */
    public record Contents(long messages, long jsonBytes, Map<String, Long> rows) {
    }

    private final Database database;
    private final boolean embedded;
    private volatile FileFigures cached;
    private volatile long cachedAt;

    public StoreInfo(Database database, boolean embedded) {
        this.database = database;
        this.embedded = embedded;
    }

    /** The embedded file's figures (at most a second old); empty on PostgreSQL or when they cannot be read. */
    public Optional<FileFigures> file() {
        if (!embedded) {
            return Optional.empty();
        }
        FileFigures f = cached;
        long now = System.nanoTime();
        if (f == null || now - cachedAt > FILE_CACHE_NANOS) {
            try {
                f = readFile();
            } catch (SQLException e) {
                return Optional.ofNullable(f);
            }
            cached = f;
            cachedAt = now;
        }
        return Optional.of(f);
    }

    private FileFigures readFile() throws SQLException {
        Map<String, String> info = new TreeMap<>();
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME IN "
                        + "('info.FILE_SIZE', 'info.FILL_RATE', 'info.CHUNKS_FILL_RATE', 'info.FILE_WRITE_BYTES')");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                info.put(rs.getString(1), rs.getString(2));
            }
        }
        return new FileFigures(number(info, "info.FILE_SIZE"), (int) number(info, "info.FILL_RATE"),
                (int) number(info, "info.CHUNKS_FILL_RATE"), number(info, "info.FILE_WRITE_BYTES"));
    }

    private static long number(Map<String, String> info, String key) throws SQLException {
        String v = info.get(key);
        if (v == null) {
            throw new SQLException("H2 did not report " + key);
        }
        return Long.parseLong(v.trim());
    }

    /**
     * The messages' JSON size and every table's row count. Scans the messages (seconds at a million): for an
     * operator's request, not for a scrape.
     */
    public Contents contents() throws SQLException {
        try (Connection c = database.connection()) {
            long messages = count(c, "SELECT COUNT(*) FROM messages");
            long json = count(c, "SELECT COALESCE(SUM(OCTET_LENGTH(body)), 0) FROM messages");
            List<String> tables = new ArrayList<>();
            // Standard INFORMATION_SCHEMA (H2 and PostgreSQL): the tables whatever the schema version.
            try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                    + "WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_TYPE = 'BASE TABLE'");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            Map<String, Long> rows = new TreeMap<>();
            for (String table : tables) {
                String name = table.toLowerCase(Locale.ROOT);
                if (!name.equals("flyway_schema_history")) {
                    rows.put(name, count(c, "SELECT COUNT(*) FROM \"" + table.replace("\"", "\"\"") + "\""));
                }
            }
            return new Contents(messages, json, rows);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
