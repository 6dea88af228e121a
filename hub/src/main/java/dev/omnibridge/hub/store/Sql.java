package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** Small JDBC helpers so that the store classes read as SQL, not as plumbing. */
final class Sql {
    private Sql() {
    }

    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    static Optional<String> string(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        }
    }

    static long insertReturningKey(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
            bind(ps, params);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no generated key");
                }
                return keys.getLong(1);
            }
        }
    }

    /** Rows per multi-row statement at most; the sizes used are the powers of two up to it. */
    static final int MAX_ROWS = 64;

    /**
     * Inserts the rows with multi-row {@code VALUES} (portable: H2 and PostgreSQL), in their order. Each statement
     * takes a power-of-two number of rows (64, 32, ... 1), so a handful of statement texts cover every count and
     * stay prepared, where one text per count would not.
     *
     * @param head e.g. {@code "INSERT INTO t (a, b) VALUES "}
     * @param rows each with one value per column; bound as by {@link #prepare}
     */
    static void insertRows(Connection c, String head, List<Object[]> rows) throws SQLException {
        int done = 0;
        while (done < rows.size()) {
            int n = Integer.highestOneBit(Math.min(rows.size() - done, MAX_ROWS));
            int columns = rows.get(done).length;
            String row = "(" + "?, ".repeat(columns - 1) + "?)";
            String sql = head + String.join(", ", java.util.Collections.nCopies(n, row));
            Object[] params = new Object[n * columns];
            for (int i = 0; i < n; i++) {
                System.arraycopy(rows.get(done + i), 0, params, i * columns, columns);
            }
            update(c, sql, params);
            done += n;
        }
    }

    /**
     * The rows of {@code select + " WHERE (k1, k2, ...) IN ((?, ?, ...), ...)"} for the given key tuples, each row as
     * its columns' strings. A row-value IN list, because H2 2.3 looks each tuple up in a composite index with it,
     * where {@code k1 = ? AND k2 IN (...)} scans every row with that k1; PostgreSQL takes the same syntax. The list
     * goes in chunks of at most {@link #MAX_ROWS}, each padded to a power of two by repeating its last tuple, so
     * that few statement texts serve every count.
     *
     * @param select e.g. {@code "SELECT a, b FROM t"}
     * @param keys   the key columns, e.g. {@code "a, b"}
     */
    static List<String[]> rowsIn(Connection c, String select, String keys, List<Object[]> tuples)
            throws SQLException {
        List<String[]> found = new java.util.ArrayList<>();
        int done = 0;
        while (done < tuples.size()) {
            int chunk = Math.min(tuples.size() - done, MAX_ROWS);
            int n = chunk == 1 ? 1 : Integer.highestOneBit(chunk - 1) << 1;
            int width = tuples.get(done).length;
            Object[] params = new Object[n * width];
            for (int i = 0; i < n; i++) {
                System.arraycopy(tuples.get(done + Math.min(i, chunk - 1)), 0, params, i * width, width);
            }
            String tuple = "(" + "?, ".repeat(width - 1) + "?)";
            String sql = select + " WHERE (" + keys + ") IN (" + String.join(", ",
                    java.util.Collections.nCopies(n, tuple)) + ")";
            try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    String[] row = new String[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    found.add(row);
                }
            }
            done += chunk;
        }
        return found;
    }

    static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        bind(ps, params);
        return ps;
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant in) {
                ps.setObject(i + 1, ts(in));
            } else if (p instanceof Enum<?> e) {
                ps.setString(i + 1, e.name());
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

}
