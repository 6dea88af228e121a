package dev.omnibridge.hub.migrate;

import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.store.Database;
import dev.omnibridge.hub.store.StoreEncryption;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies a stopped hub's embedded H2 store into an empty PostgreSQL database (issue 25, {@code omnibridge
 * migrate-store}): the target's schema by the hub's own migrations, then every table's rows in foreign-key order in
 * batches, the identity sequences moved past the copied ids, and per-table counts (and id sums) compared. Prints
 * table names, row counts and rates only: never a message's text nor a secret.
 */
public final class StoreMigration {
    /** The tables with foreign keys (V1 only) and what they reference, first; every other table after them. */
    static final List<String> FIRST = List.of("contacts", "contact_addresses", "conversations", "desk_tickets");
    /** Seeded by the migrations themselves (marks at 0): replaced by the source's rows rather than counted as data. */
    static final String SEEDED = "store_marks";
    static final int BATCH = 5_000;
    /** A batch is also sent once its text reaches this many characters: bodies may be up to 1 MB each. */
    static final long BATCH_CHARS = 16L << 20;
    private static final Pattern ATTACHMENT_REF = Pattern.compile("attachment:([0-9a-f]{64})");

    /** What to copy from where. {@code key}: the H2 file's encryption key (null: a plain file). */
    public record Options(Path fromDir, String toUrl, String user, String password, String key) {
    }

    /** The outcome: per table the rows copied, whether the target matched, and the attachments' check. */
    public record Result(Map<String, Long> copied, List<String> mismatches, int attachmentRefs,
                         List<String> missingAttachments) {
        public boolean verified() {
            return mismatches.isEmpty();
        }
    }

    /** A refusal or failure with what to do about it, fit to print as it is. */
    public static final class MigrationException extends Exception {
        public MigrationException(String message) {
            super(message);
        }

        public MigrationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Options options;
    private final PrintStream out;

    public StoreMigration(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public Result run() throws MigrationException {
        Path dir = options.fromDir();
        Path file = StoreEncryption.file(dir);
        if (!Files.isRegularFile(file)) {
            throw new MigrationException("no hub store at " + file + ": --from names the hub's data directory "
                    + "(hub.dataDir, the folder holding omnibridge.mv.db)");
        }
        try {
            StoreEncryption.checkNotInUse(dir);
        } catch (IOException e) {
            throw new MigrationException("the store " + file + " is in use by a running hub: stop the hub first, "
                    + "then run migrate-store again");
        }
        StoreEncryption.FileState state;
        try {
            state = StoreEncryption.state(dir);
        } catch (IOException e) {
            throw new MigrationException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (state == StoreEncryption.FileState.ENCRYPTED && options.key() == null) {
            throw new MigrationException("the store " + file + " is encrypted: set OMNIBRIDGE_STORE_KEY (or --key-env "
                    + "VAR) to the key it was encrypted with (hub.store.encryptionKey)");
        }
        String key = state == StoreEncryption.FileState.ENCRYPTED ? options.key() : null;
        if (key != null) {
            out.println("source is encrypted at rest: rows are read with the store key; encrypted attachment files "
                    + "are not touched and stay ciphertext (keep the same hub.store.encryptionKey on the new store)");
        }
        // LAZY_QUERY_EXECUTION: rows stream from the file as they are read. Without it H2 builds each table's whole
        // result first, and a store of 1,000,000 messages ran out of the launcher's 256 MB heap (bench, issue 25).
        String sourceUrl = "jdbc:h2:file:" + dir.resolve(StoreEncryption.NAME).toAbsolutePath()
                + ";IFEXISTS=TRUE;ACCESS_MODE_DATA=r;LAZY_QUERY_EXECUTION=TRUE" + (key == null ? "" : ";CIPHER=AES");
        try (Connection source = DriverManager.getConnection(sourceUrl, "sa", key == null ? "" : key + " ")) {
            source.setReadOnly(true);
            return migrate(source);
        } catch (SQLException e) {
            if (e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1) {
                throw new MigrationException("the store " + file + " is in use by a running hub: stop the hub first");
            }
            if (e.getErrorCode() == org.h2.api.ErrorCode.FILE_ENCRYPTION_ERROR_1
                    || e.getErrorCode() == org.h2.api.ErrorCode.WRONG_USER_OR_PASSWORD) {
                throw new MigrationException("the store " + file + " does not open with the given key: is it the key "
                        + "the file was encrypted with?");
            }
            throw new MigrationException("cannot read the store " + file + " (H2 error " + e.getErrorCode() + ")", e);
        }
    }

    private Result migrate(Connection source) throws MigrationException {
        String target = options.toUrl();
        if (target == null || !target.startsWith("jdbc:postgresql:")) {
            throw new MigrationException("--to must be a jdbc:postgresql: URL of an empty database");
        }
        out.println("preparing the target schema (the hub's migrations) at " + redact(target));
        Database db;
        try {
            db = Database.open(new HubConfig.Store(target, options.user(), options.password()),
                    options.fromDir(), 2);
        } catch (RuntimeException e) {
            throw new MigrationException("cannot open or migrate the target " + redact(target) + ": " + rootMessage(e)
                    + " (check the URL, --user and the password variable, and that the database exists)", e);
        }
        db.close();
        String copyUrl = target + (target.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        try (Connection pg = DriverManager.getConnection(copyUrl, options.user(), options.password())) {
            checkVersions(source, pg);
            List<String> tables = order(tables(pg));
            Set<String> sourceTables = tables(source);
            Set<String> unknown = new TreeSet<>(sourceTables);
            unknown.removeAll(tables);
            unknown.remove("flyway_schema_history");
            if (!unknown.isEmpty()) {
                throw new MigrationException("the source has tables this version does not know: " + unknown
                        + ": use the hub version that wrote the store");
            }
            refuseNonEmpty(pg, tables);
            Map<String, Long> copied = new LinkedHashMap<>();
            long started = System.nanoTime();
            for (String table : tables) {
                copied.put(table, sourceTables.contains(table) ? copy(source, pg, table) : 0L);
            }
            double secs = (System.nanoTime() - started) / 1e9;
            long total = copied.values().stream().mapToLong(Long::longValue).sum();
            out.printf(Locale.ROOT, "copied %,d rows in %d tables (%d of them empty) in %.1f s (%,.0f rows/s)%n",
                    total, tables.size(), copied.values().stream().filter(n -> n == 0).count(), secs,
                    total / Math.max(secs, 1e-3));
            resetIdentities(pg);
            List<String> mismatches = verify(source, pg, tables, sourceTables);
            List<String> refs = new ArrayList<>();
            List<String> missing = attachments(source, refs);
            return new Result(copied, mismatches, refs.size(), missing);
        } catch (SQLException e) {
            throw new MigrationException("the copy failed: " + e.getMessage() + ". The target was empty before: drop "
                    + "and re-create that database, then run migrate-store again", e);
        }
    }

    private static void checkVersions(Connection source, Connection pg) throws SQLException, MigrationException {
        Set<String> from = versions(source);
        Set<String> to = versions(pg);
        if (!to.containsAll(from)) {
            throw new MigrationException("the source store has schema versions this hub does not know: use the hub "
                    + "version that wrote it");
        }
        // The target also has PostgreSQL-only migrations (db/migration-postgresql): compare the latest versions.
        if (!latest(from).equals(latest(to))) {
            throw new MigrationException("the source store is at an older schema version (" + latest(from) + ", this "
                    + "hub: " + latest(to) + "): start the old store once with this hub version (it migrates the "
                    + "store), stop it, then run migrate-store again");
        }
    }

    private static org.flywaydb.core.api.MigrationVersion latest(Set<String> versions) {
        return versions.stream().map(org.flywaydb.core.api.MigrationVersion::fromVersion)
                .max(Comparable::compareTo).orElse(org.flywaydb.core.api.MigrationVersion.EMPTY);
    }

    private static Set<String> versions(Connection c) throws SQLException {
        Set<String> versions = new TreeSet<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" "
                     + "AND \"version\" IS NOT NULL")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }

    /** The base tables of the connection's current schema, lower-case, without Flyway's. */
    static Set<String> tables(Connection c) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE "
                     + "table_schema = current_schema() AND table_type IN ('BASE TABLE', 'TABLE')")) {
            while (rs.next()) {
                String t = rs.getString(1).toLowerCase(Locale.ROOT);
                if (!t.equals("flyway_schema_history")) {
                    tables.add(t);
                }
            }
        }
        return tables;
    }

    static List<String> order(Set<String> tables) {
        List<String> ordered = new ArrayList<>();
        FIRST.stream().filter(tables::contains).forEach(ordered::add);
        tables.stream().filter(t -> !FIRST.contains(t)).forEach(ordered::add);
        return ordered;
    }

    private static void refuseNonEmpty(Connection pg, List<String> tables) throws SQLException, MigrationException {
        List<String> full = new ArrayList<>();
        for (String t : tables) {
            String sql = t.equals(SEEDED) ? "SELECT COUNT(*) FROM store_marks WHERE mark <> 0"
                    : "SELECT COUNT(*) FROM (SELECT 1 FROM " + t + " LIMIT 1) x";
            if (count(pg, sql) > 0) {
                full.add(t);
            }
        }
        if (!full.isEmpty()) {
            throw new MigrationException("the target is not empty (rows in " + full + "): migrate-store only copies "
                    + "into an empty database, so nothing is merged or overwritten; create a new database and point "
                    + "--to at it");
        }
    }

    private long copy(Connection source, Connection pg, String table) throws SQLException {
        List<String> targetColumns = columns(pg, table);
        List<String> sourceColumns = columns(source, table);
        List<String> cols = targetColumns.stream().filter(sourceColumns::contains).toList();
        String list = String.join(", ", cols.stream().map(c -> "\"" + c + "\"").toList());
        String insert = "INSERT INTO " + table + " (" + list + ") VALUES ("
                + String.join(", ", cols.stream().map(c -> "?").toList()) + ")";
        long started = System.nanoTime();
        long rows = 0;
        pg.setAutoCommit(false);
        try (Statement st = source.createStatement()) {
            if (table.equals(SEEDED)) {
                try (Statement del = pg.createStatement()) {
                    del.executeUpdate("DELETE FROM " + SEEDED);
                }
            }
            st.setFetchSize(BATCH);
            String select = "SELECT " + quotedUpper(cols) + " FROM " + table.toUpperCase(Locale.ROOT);
            try (ResultSet rs = st.executeQuery(select);
                 PreparedStatement ps = pg.prepareStatement(insert)) {
                int inBatch = 0;
                long chars = 0;
                long lastReport = System.nanoTime();
                while (rs.next()) {
                    for (int i = 1; i <= cols.size(); i++) {
                        Object v = value(rs.getObject(i));
                        if (v instanceof String text) {
                            chars += text.length();
                        }
                        ps.setObject(i, v);
                    }
                    ps.addBatch();
                    rows++;
                    if (++inBatch == BATCH || chars >= BATCH_CHARS) {
                        ps.executeBatch();
                        pg.commit();
                        inBatch = 0;
                        chars = 0;
                        if (System.nanoTime() - lastReport > 5_000_000_000L) {
                            lastReport = System.nanoTime();
                            progress(table, rows, started, "...");
                        }
                    }
                }
                if (inBatch > 0) {
                    ps.executeBatch();
                }
                pg.commit();
            }
        } catch (SQLException e) {
            pg.rollback();
            throw new SQLException("table " + table + " after " + rows + " rows: " + e.getMessage(), e.getSQLState(),
                    e);
        } finally {
            pg.setAutoCommit(true);
        }
        if (rows > 0) {
            progress(table, rows, started, "");
        }
        return rows;
    }

    private void progress(String table, long rows, long startedNanos, String more) {
        double secs = Math.max((System.nanoTime() - startedNanos) / 1e9, 1e-3);
        out.printf(Locale.ROOT, "  %-32s %,12d rows %,10.0f rows/s%s%n", table, rows, rows / secs, more);
    }

    private static String quotedUpper(List<String> cols) {
        return String.join(", ", cols.stream().map(c -> "\"" + c.toUpperCase(Locale.ROOT) + "\"").toList());
    }

    private static Object value(Object v) throws SQLException {
        if (v instanceof Clob clob) {
            return clob.getSubString(1, (int) clob.length());
        }
        if (v instanceof Blob blob) {
            return blob.getBytes(1, (int) blob.length());
        }
        return v;
    }

    static List<String> columns(Connection c, String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name FROM information_schema.columns WHERE "
                + "table_schema = current_schema() AND LOWER(table_name) = ? ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return cols;
    }

    /** The identity columns of the target, as table -> column. */
    static Map<String, String> identities(Connection pg) throws SQLException {
        Map<String, String> ids = new LinkedHashMap<>();
        try (Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name, column_name FROM information_schema.columns WHERE "
                     + "table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name")) {
            while (rs.next()) {
                ids.put(rs.getString(1), rs.getString(2));
            }
        }
        return ids;
    }

    /** Moves each identity sequence past the copied ids (left alone on an empty table: it keeps its START). */
    private void resetIdentities(Connection pg) throws SQLException {
        int reset = 0;
        for (Map.Entry<String, String> e : identities(pg).entrySet()) {
            String t = e.getKey();
            String col = e.getValue();
            try (Statement st = pg.createStatement();
                 ResultSet rs = st.executeQuery("SELECT setval(pg_get_serial_sequence('" + t + "', '" + col + "'), "
                         + "MAX(" + col + ") + 1, false) FROM " + t + " HAVING COUNT(*) > 0")) {
                if (rs.next()) {
                    reset++;
                }
            }
        }
        out.println("identity sequences moved past the copied ids: " + reset);
    }

    private List<String> verify(Connection source, Connection pg, List<String> tables, Set<String> sourceTables)
            throws SQLException {
        Map<String, String> ids = identities(pg);
        List<String> mismatches = new ArrayList<>();
        out.printf("verifying:%n  %-32s %12s %12s %s%n", "table", "source", "target", "");
        for (String t : tables) {
            long from = sourceTables.contains(t) ? count(source, "SELECT COUNT(*) FROM " + t) : 0;
            long to = count(pg, "SELECT COUNT(*) FROM " + t);
            String check = from == to ? "ok" : "COUNT DIFFERS";
            String id = ids.get(t);
            if (from == to && id != null && from > 0) {
                long sumFrom = count(source, "SELECT COALESCE(SUM(" + id + "), 0) FROM " + t);
                long sumTo = count(pg, "SELECT COALESCE(SUM(" + id + "), 0) FROM " + t);
                check = sumFrom == sumTo ? "ok (sum of " + id + " equal)" : "SUM OF " + id.toUpperCase(Locale.ROOT)
                        + " DIFFERS";
            }
            if (!check.startsWith("ok")) {
                mismatches.add(t + ": " + check);
            }
            if (from > 0 || !check.startsWith("ok")) {
                out.printf(Locale.ROOT, "  %-32s %,12d %,12d %s%n", t, from, to, check);
            }
        }
        if (tables.contains("messages") && sourceTables.contains("messages")) {
            int sampled = 0;
            int differ = 0;
            try (Statement st = source.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq, body FROM messages WHERE MOD(seq, 1000) = 1");
                 PreparedStatement ps = pg.prepareStatement("SELECT body FROM messages WHERE seq = ?")) {
                while (rs.next()) {
                    ps.setLong(1, rs.getLong(1));
                    try (ResultSet t = ps.executeQuery()) {
                        sampled++;
                        if (!t.next() || !rs.getString(2).equals(t.getString(1))) {
                            differ++;
                        }
                    }
                }
            }
            out.println("  message bodies compared (every 1,000th seq): " + sampled + ", differing: " + differ);
            if (differ > 0) {
                mismatches.add("messages: " + differ + " of " + sampled + " sampled bodies differ");
            }
        }
        return mismatches;
    }

    /** Each attachment referenced by a message body, checked on disk under {@code <from>/attachments}. */
    private List<String> attachments(Connection source, List<String> refs) throws SQLException {
        Set<String> seen = new LinkedHashSet<>();
        try (Statement st = source.createStatement()) {
            st.setFetchSize(1000);
            try (ResultSet rs = st.executeQuery("SELECT body FROM messages WHERE body LIKE '%attachment:%'")) {
                while (rs.next()) {
                    Matcher m = ATTACHMENT_REF.matcher(rs.getString(1));
                    while (m.find()) {
                        seen.add(m.group(1));
                    }
                }
            }
        }
        refs.addAll(seen);
        Path root = options.fromDir().resolve("attachments");
        List<String> missing = seen.stream()
                .filter(h -> !Files.isRegularFile(root.resolve(h.substring(0, 2)).resolve(h))).toList();
        return missing;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1******");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return redact(String.valueOf(t.getMessage()));
    }

    /** Prints the summary and the attachments' instructions; returns the exit status. */
    public int report(Result r) {
        long total = r.copied().values().stream().mapToLong(Long::longValue).sum();
        if (r.verified()) {
            out.printf(Locale.ROOT, "verified: %,d rows in %d tables, every count equal%n", total, r.copied().size());
        } else {
            out.println("VERIFICATION FAILED: " + r.mismatches());
            out.println("the target was empty before: drop and re-create that database, then run migrate-store again");
        }
        out.println("attachments: " + r.attachmentRefs() + " referenced, " + r.missingAttachments().size()
                + " missing under " + options.fromDir().resolve("attachments"));
        if (!r.missingAttachments().isEmpty()) {
            out.println("  missing (sha256): " + r.missingAttachments().stream().limit(20).toList()
                    + (r.missingAttachments().size() > 20 ? " ..." : ""));
        }
        out.println("attachment files stay on disk (only references are in the store): copy or move "
                + options.fromDir().resolve("attachments") + " to the new hub's hub.dataDir/attachments");
        return r.verified() ? 0 : 1;
    }
}
