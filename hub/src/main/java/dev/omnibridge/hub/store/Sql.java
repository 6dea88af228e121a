package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
     * The values of the query's first column for {@code sqlBeforeList + "(?, ...)"} over {@code values}, e.g.
     * {@code "SELECT k FROM t WHERE g = ? AND k IN "}: the list goes in chunks of at most {@link #MAX_ROWS}, each
     * padded to a power of two by repeating its last value, so that few statement texts serve every count.
     */
    static Set<String> stringsIn(Connection c, String sqlBeforeList, List<Object> leading, List<String> values)
            throws SQLException {
        Set<String> found = new HashSet<>();
        int done = 0;
        while (done < values.size()) {
            int chunk = Math.min(values.size() - done, MAX_ROWS);
            int n = chunk == 1 ? 1 : Integer.highestOneBit(chunk - 1) << 1;
            Object[] params = new Object[leading.size() + n];
            for (int i = 0; i < leading.size(); i++) {
                params[i] = leading.get(i);
            }
            for (int i = 0; i < n; i++) {
                params[leading.size() + i] = values.get(done + Math.min(i, chunk - 1));
            }
            String sql = sqlBeforeList + "(" + "?, ".repeat(n - 1) + "?)";
            try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
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
