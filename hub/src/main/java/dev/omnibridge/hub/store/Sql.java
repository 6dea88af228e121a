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
     * Which of the key tuples the table has, each found one as its key columns' strings (in no particular order).
     * Written as a join with a {@code VALUES} list, which both H2 2.3 and PostgreSQL run as one index lookup per
     * tuple in a composite index on the key columns. The plainer forms are not portable in that sense: H2 reads
     * every row of the first column's value for {@code a = ? AND b IN (...)}, and PostgreSQL may do the same for
     * {@code (a, b) IN ((?, ?), ...)} after pulling a common {@code a} out of the list. The tuples go in chunks of at
     * most {@link #MAX_ROWS}, each padded to a power of two by repeating its last tuple, so that few statement texts
     * serve every count.
     */
    static List<String[]> existing(Connection c, String table, List<String> keys, List<Object[]> tuples)
            throws SQLException {
        List<String[]> found = new java.util.ArrayList<>();
        int width = keys.size();
        int done = 0;
        while (done < tuples.size()) {
            int chunk = Math.min(tuples.size() - done, MAX_ROWS);
            int n = chunk == 1 ? 1 : Integer.highestOneBit(chunk - 1) << 1;
            Object[] params = new Object[n * width];
            for (int i = 0; i < n; i++) {
                System.arraycopy(tuples.get(done + Math.min(i, chunk - 1)), 0, params, i * width, width);
            }
            try (PreparedStatement ps = prepare(c, existingSql(table, keys, n), params);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] row = new String[width];
                    for (int i = 0; i < width; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    found.add(row);
                }
            }
            done += chunk;
        }
        return found;
    }

    /** The statement {@link #existing} runs for {@code n} tuples. */
    static String existingSql(String table, List<String> keys, int n) {
        String tuple = "(" + "?, ".repeat(keys.size() - 1) + "?)";
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(String.join(", ", keys.stream().map(k -> "t." + k).toList()));
        sql.append(" FROM (VALUES ").append(String.join(", ", java.util.Collections.nCopies(n, tuple)));
        sql.append(") v (").append(String.join(", ", keys)).append(") JOIN ").append(table).append(" t ON ");
        sql.append(String.join(" AND ", keys.stream().map(k -> "t." + k + " = v." + k).toList()));
        return sql.toString();
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
