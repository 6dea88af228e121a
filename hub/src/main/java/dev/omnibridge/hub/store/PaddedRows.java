package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Multi-row statements whose SQL text comes in a few fixed sizes, so that a statement for any number of rows is
 * parsed once and then reused (by H2's query cache, the writer's statement reuse, PostgreSQL's prepared statements)
 * instead of once per distinct row count. Portable SQL: an INSERT of n rows selects from a VALUES list padded with
 * rows of NULLs up to the size, filtered out by {@code WHERE <first column> IS NOT NULL}; every value is CAST so
 * that PostgreSQL types the VALUES columns as the table's, NULL padding included. Text is cast to {@code VARCHAR}
 * without a length: an explicit CAST to {@code VARCHAR(n)} silently cuts a longer value (SQL standard, H2 and
 * PostgreSQL alike), whereas the column then refuses it, as a single-row insert does.
 */
final class PaddedRows {
    private static final int[] SIZES = {1, 4, 16, 64, 256};
    /** Rows per statement at most; longer lists take several. */
    static final int MAX = SIZES[SIZES.length - 1];

    private static final ConcurrentMap<String, String> SQL = new ConcurrentHashMap<>();

    private PaddedRows() {
    }

    /** The statement size for {@code n} rows (1 <= n <= MAX). */
    static int sizeFor(int n) {
        for (int size : SIZES) {
            if (n <= size) {
                return size;
            }
        }
        throw new IllegalArgumentException(n + " rows in one statement; at most " + MAX);
    }

    /** One statement of an {@code IN (...)} list: its placeholders and the keys to bind to them. */
    @FunctionalInterface
    interface InPart {
        void run(String marks, Object[] keys) throws SQLException;
    }

    /**
     * Runs {@code part} for the keys in parts of at most {@link #MAX}, each padded to a size of {@link #sizeFor} (the
     * padding repeats the last key, which changes no {@code IN} list), so that a few statement shapes serve every
     * count and the prepared statements are reused.
     */
    static void inParts(List<?> keys, InPart part) throws SQLException {
        for (int from = 0; from < keys.size(); from += MAX) {
            List<?> slice = keys.subList(from, Math.min(keys.size(), from + MAX));
            int size = sizeFor(slice.size());
            Object[] params = new Object[size];
            for (int i = 0; i < size; i++) {
                params[i] = slice.get(Math.min(i, slice.size() - 1));
            }
            part.run(marks(size), params);
        }
    }

    /** {@code ?, ?, ...} n times. */
    static String marks(int n) {
        return "?" + ", ?".repeat(n - 1);
    }

    /**
     * Inserts the rows, in order, with one statement per {@link #MAX} rows.
     *
     * @param columns comma-separated column names, the first never NULL in a real row
     * @param types   the SQL type of each column, for the casts
     */
    static void insert(Connection c, String table, String columns, String[] types, List<Object[]> rows)
            throws SQLException {
        for (int from = 0; from < rows.size(); from += MAX) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + MAX));
            int size = sizeFor(part.size());
            Object[] params = new Object[size * types.length];
            for (int r = 0; r < part.size(); r++) {
                System.arraycopy(part.get(r), 0, params, r * types.length, types.length);
            }
            Sql.update(c, insertSql(table, columns, types, size), params);
        }
    }

    private static String insertSql(String table, String columns, String[] types, int size) {
        return SQL.computeIfAbsent(table + "/" + size, k -> {
            if (size == 1) {
                return "INSERT INTO " + table + " (" + columns + ") VALUES (" + marks(types.length) + ")";
            }
            StringBuilder row = new StringBuilder("(");
            for (int i = 0; i < types.length; i++) {
                row.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(types[i]).append(')');
            }
            row.append(')');
            String first = columns.substring(0, columns.indexOf(',')).strip();
            return "INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM (VALUES " + row
                    + (", " + row).repeat(size - 1) + ") AS v (" + columns + ") WHERE " + first + " IS NOT NULL";
        });
    }
}
