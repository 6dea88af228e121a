package dev.omnibridge.hub.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
 */
final class StatementReuse {
    private static final int MAX_STATEMENTS = 128;

    private final Connection connection;
    private final Map<String, Entry> statements = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            if (size() <= MAX_STATEMENTS) {
                return false;
            }
            eldest.getValue().closeQuietly();
            return true;
        }
    };
    private final Connection proxy;

    private static final class Entry {
        final PreparedStatement statement;
        final PreparedStatement handle;
        boolean inUse;

        Entry(PreparedStatement statement) {
            this.statement = statement;
            this.handle = (PreparedStatement) Proxy.newProxyInstance(StatementReuse.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, this::invoke);
        }

        private Object invoke(Object self, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                if (inUse) {
                    inUse = false;
                    statement.clearParameters();
                }
                return null;
            }
            if (method.getName().equals("isClosed") && method.getParameterCount() == 0) {
                return !inUse || statement.isClosed();
            }
            return call(statement, method, args);
        }

        void closeQuietly() {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // Closing a statement of a connection that is going away anyway.
            }
        }
    }

    StatementReuse(Connection connection) {
        this.connection = connection;
        this.proxy = (Connection) Proxy.newProxyInstance(StatementReuse.class.getClassLoader(),
                new Class<?>[] {Connection.class}, this::invoke);
    }

    /** The connection to hand to units of work. */
    Connection connection() {
        return proxy;
    }

    /** Closes the statements and the underlying connection. */
    void close() throws SQLException {
        statements.values().forEach(Entry::closeQuietly);
        statements.clear();
        connection.close();
    }

    private Object invoke(Object self, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("prepareStatement") && args != null && args.length == 1) {
            return reused((String) args[0], null);
        }
        if (method.getName().equals("prepareStatement") && args != null && args.length == 2
                && args[1] instanceof String[] keys) {
            return reused((String) args[0], keys);
        }
        if (method.getName().equals("close") && method.getParameterCount() == 0) {
            throw new SQLException("the journal writer's connection is closed by the journal only");
        }
        return call(connection, method, args);
    }

    private PreparedStatement reused(String sql, String[] keyColumns) throws SQLException {
        String key = keyColumns == null ? sql : sql + "\u0000" + Arrays.toString(keyColumns);
        Entry entry = statements.get(key);
        if (entry == null) {
            entry = new Entry(keyColumns == null ? connection.prepareStatement(sql)
                    : connection.prepareStatement(sql, keyColumns));
            statements.put(key, entry);
        } else if (entry.inUse) {
            return keyColumns == null ? connection.prepareStatement(sql) : connection.prepareStatement(sql, keyColumns);
        }
        entry.inUse = true;
        return entry.handle;
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
