package dev.omnibridge.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wraps the journal writer's long-lived connection so that each SQL text is prepared once and its statement
 * reused: closing a statement only returns it. H2's own query cache keeps parsed SELECTs and INSERTs but never
 * UPDATEs, and the writer runs several UPDATEs per message. A statement still in use (a nested use of the same SQL)
 * is not shared: the nested caller gets a fresh one. Only for one thread at a time, like the writer.
 * <p>
 * The wrappers are plain delegating classes, not {@code java.lang.reflect.Proxy}: the writer calls a statement's
 * setters and {@code execute} several times per message, and a reflective call each time was a large part of the
 * writer's own time.
 */
final class StatementReuse {
    private static final int MAX_STATEMENTS = 128;

    private final Connection connection;
    private final Map<String, Reused> statements = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Reused> eldest) {
            if (size() <= MAX_STATEMENTS) {
                return false;
            }
            eldest.getValue().closeQuietly();
            return true;
        }
    };
    private final WriterConnection wrapper;

    StatementReuse(Connection connection) {
        this.connection = connection;
        this.wrapper = new WriterConnection(connection);
    }

    /** The connection to hand to units of work. */
    Connection connection() {
        return wrapper;
    }

    /** Closes the statements and the underlying connection. */
    void close() throws SQLException {
        statements.values().forEach(Reused::closeQuietly);
        statements.clear();
        connection.close();
    }

    private PreparedStatement reused(String sql, String[] keyColumns) throws SQLException {
        String key = keyColumns == null ? sql : sql + "\u0000" + Arrays.toString(keyColumns);
        Reused entry = statements.get(key);
        if (entry == null) {
            entry = new Reused(keyColumns == null ? connection.prepareStatement(sql)
                    : connection.prepareStatement(sql, keyColumns));
            statements.put(key, entry);
        } else if (entry.inUse) {
            return keyColumns == null ? connection.prepareStatement(sql) : connection.prepareStatement(sql, keyColumns);
        }
        entry.inUse = true;
        return entry;
    }

    /** A cached statement as its user sees it: closing it clears its parameters and hands it back. */
    private static final class Reused extends DelegatingPreparedStatement {
        boolean inUse;

        Reused(PreparedStatement statement) {
            super(statement);
        }

        @Override
        public void close() throws SQLException {
            if (inUse) {
                inUse = false;
                statement.clearParameters();
            }
        }

        @Override
        public boolean isClosed() throws SQLException {
            return !inUse || statement.isClosed();
        }

        void closeQuietly() {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // Closing a statement of a connection that is going away anyway.
            }
        }
    }

    /** The writer's connection as units see it: statements come from the cache, and it cannot be closed. */
    private final class WriterConnection extends DelegatingConnection {
        WriterConnection(Connection connection) {
            super(connection);
        }

        @Override
        public PreparedStatement prepareStatement(String sql) throws SQLException {
            return reused(sql, null);
        }

        @Override
        public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
            return reused(sql, columnNames);
        }

        @Override
        public void close() throws SQLException {
            throw new SQLException("the journal writer's connection is closed by the journal only");
        }
    }
}
