package dev.omnibridge.hub.store;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A {@link Connection} that hands every call to another one: plain calls, so that a wrapper that changes one or two
 * methods costs no reflection on every statement.
 */
abstract class DelegatingConnection implements Connection {
    protected final Connection connection;

    DelegatingConnection(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void abort(Executor a0) throws SQLException {
        connection.abort(a0);
    }
    @Override
    public void clearWarnings() throws SQLException {
        connection.clearWarnings();
    }
    @Override
    public void close() throws SQLException {
        connection.close();
    }
    @Override
    public void commit() throws SQLException {
        connection.commit();
    }
    @Override
    public Array createArrayOf(String a0, Object[] a1) throws SQLException {
        return connection.createArrayOf(a0, a1);
    }
    @Override
    public Blob createBlob() throws SQLException {
        return connection.createBlob();
    }
    @Override
    public Clob createClob() throws SQLException {
        return connection.createClob();
    }
    @Override
    public NClob createNClob() throws SQLException {
        return connection.createNClob();
    }
    @Override
    public SQLXML createSQLXML() throws SQLException {
        return connection.createSQLXML();
    }
    @Override
    public Statement createStatement() throws SQLException {
        return connection.createStatement();
    }
    @Override
    public Statement createStatement(int a0, int a1, int a2) throws SQLException {
        return connection.createStatement(a0, a1, a2);
    }
    @Override
    public Statement createStatement(int a0, int a1) throws SQLException {
        return connection.createStatement(a0, a1);
    }
    @Override
    public Struct createStruct(String a0, Object[] a1) throws SQLException {
        return connection.createStruct(a0, a1);
    }
    @Override
    public boolean getAutoCommit() throws SQLException {
        return connection.getAutoCommit();
    }
    @Override
    public String getCatalog() throws SQLException {
        return connection.getCatalog();
    }
    @Override
    public Properties getClientInfo() throws SQLException {
        return connection.getClientInfo();
    }
    @Override
    public String getClientInfo(String a0) throws SQLException {
        return connection.getClientInfo(a0);
    }
    @Override
    public int getHoldability() throws SQLException {
        return connection.getHoldability();
    }
    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return connection.getMetaData();
    }
    @Override
    public int getNetworkTimeout() throws SQLException {
        return connection.getNetworkTimeout();
    }
    @Override
    public String getSchema() throws SQLException {
        return connection.getSchema();
    }
    @Override
    public int getTransactionIsolation() throws SQLException {
        return connection.getTransactionIsolation();
    }
    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return connection.getTypeMap();
    }
    @Override
    public SQLWarning getWarnings() throws SQLException {
        return connection.getWarnings();
    }
    @Override
    public boolean isClosed() throws SQLException {
        return connection.isClosed();
    }
    @Override
    public boolean isReadOnly() throws SQLException {
        return connection.isReadOnly();
    }
    @Override
    public boolean isValid(int a0) throws SQLException {
        return connection.isValid(a0);
    }
    @Override
    public boolean isWrapperFor(Class<?> a0) throws SQLException {
        return connection.isWrapperFor(a0);
    }
    @Override
    public String nativeSQL(String a0) throws SQLException {
        return connection.nativeSQL(a0);
    }
    @Override
    public CallableStatement prepareCall(String a0, int a1, int a2, int a3) throws SQLException {
        return connection.prepareCall(a0, a1, a2, a3);
    }
    @Override
    public CallableStatement prepareCall(String a0, int a1, int a2) throws SQLException {
        return connection.prepareCall(a0, a1, a2);
    }
    @Override
    public CallableStatement prepareCall(String a0) throws SQLException {
        return connection.prepareCall(a0);
    }
    @Override
    public PreparedStatement prepareStatement(String a0, int[] a1) throws SQLException {
        return connection.prepareStatement(a0, a1);
    }
    @Override
    public PreparedStatement prepareStatement(String a0, String[] a1) throws SQLException {
        return connection.prepareStatement(a0, a1);
    }
    @Override
    public PreparedStatement prepareStatement(String a0, int a1, int a2, int a3) throws SQLException {
        return connection.prepareStatement(a0, a1, a2, a3);
    }
    @Override
    public PreparedStatement prepareStatement(String a0, int a1, int a2) throws SQLException {
        return connection.prepareStatement(a0, a1, a2);
    }
    @Override
    public PreparedStatement prepareStatement(String a0, int a1) throws SQLException {
        return connection.prepareStatement(a0, a1);
    }
    @Override
    public PreparedStatement prepareStatement(String a0) throws SQLException {
        return connection.prepareStatement(a0);
    }
    @Override
    public void releaseSavepoint(Savepoint a0) throws SQLException {
        connection.releaseSavepoint(a0);
    }
    @Override
    public void rollback() throws SQLException {
        connection.rollback();
    }
    @Override
    public void rollback(Savepoint a0) throws SQLException {
        connection.rollback(a0);
    }
    @Override
    public void setAutoCommit(boolean a0) throws SQLException {
        connection.setAutoCommit(a0);
    }
    @Override
    public void setCatalog(String a0) throws SQLException {
        connection.setCatalog(a0);
    }
    @Override
    public void setClientInfo(String a0, String a1) throws SQLClientInfoException {
        connection.setClientInfo(a0, a1);
    }
    @Override
    public void setClientInfo(Properties a0) throws SQLClientInfoException {
        connection.setClientInfo(a0);
    }
    @Override
    public void setHoldability(int a0) throws SQLException {
        connection.setHoldability(a0);
    }
    @Override
    public void setNetworkTimeout(Executor a0, int a1) throws SQLException {
        connection.setNetworkTimeout(a0, a1);
    }
    @Override
    public void setReadOnly(boolean a0) throws SQLException {
        connection.setReadOnly(a0);
    }
    @Override
    public Savepoint setSavepoint() throws SQLException {
        return connection.setSavepoint();
    }
    @Override
    public Savepoint setSavepoint(String a0) throws SQLException {
        return connection.setSavepoint(a0);
    }
    @Override
    public void setSchema(String a0) throws SQLException {
        connection.setSchema(a0);
    }
    @Override
    public void setTransactionIsolation(int a0) throws SQLException {
        connection.setTransactionIsolation(a0);
    }
    @Override
    public void setTypeMap(Map<String, Class<?>> a0) throws SQLException {
        connection.setTypeMap(a0);
    }
    @Override
    public <T> T unwrap(Class<T> a0) throws SQLException {
        return connection.unwrap(a0);
    }
}
