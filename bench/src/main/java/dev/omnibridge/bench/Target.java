package dev.omnibridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A system under test running as its own OS process (the hub, or a baseline), started from a command line and
 * ready once {@code GET <readyPath>} answers 200. Knows its start-up time and resident memory.
 */
public final class Target implements AutoCloseable {
    /** What a target can do: bare Vert.x only acknowledges, it stores and delivers nothing. */
    public record Kind(String name, boolean delivers) {
    }

    /** A finished command of the hub's dist: exit code, output, wall time. */
    public record CommandResult(int exitCode, String output, double seconds) {
    }

    private static final HttpClient POLL = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Kind kind;
    private final int port;
    private final Process process;
    private final long startupMillis;
    private final Path workDir;

    private Target(Kind kind, int port, Process process, long startupMillis, Path workDir) {
        this.kind = kind;
        this.port = port;
        this.process = process;
        this.startupMillis = startupMillis;
        this.workDir = workDir;
    }

    /** The collector's log every target writes into its work directory ({@link #gcLog(Path)}). */
    public GcLog gcLog() {
        return gcLog(workDir);
    }

    static GcLog gcLog(Path workDir) {
        return new GcLog(workDir.toAbsolutePath().resolve("gc.log"));
    }

    /** Starts the command (with {@code port} already in it) in {@code workDir} and waits for readiness. */
    public static Target start(Kind kind, int port, List<String> command, Path workDir, String readyPath) {
        return start(kind, port, command, java.util.Map.of(), workDir, readyPath);
    }

    /** The same with extra environment variables for the process. */
    public static Target start(Kind kind, int port, List<String> command, java.util.Map<String, String> env,
                               Path workDir, String readyPath) {
        try {
            Files.createDirectories(workDir);
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("process.log").toFile()));
            pb.environment().put("OMNIBRIDGE_ADMIN_TOKEN", "bench-admin-token");
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process process = pb.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            URI ready = URI.create("http://127.0.0.1:" + port + readyPath);
            long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(kind.name() + " exited with " + process.exitValue() + "; see "
                            + workDir.resolve("process.log"));
                }
                if (status(ready) == 200) {
                    return new Target(kind, port, process, (System.nanoTime() - t0) / 1_000_000, workDir);
                }
                Thread.sleep(10);
            }
            process.destroyForcibly();
            throw new IllegalStateException(kind.name() + " not ready in 120 s; see " + workDir.resolve("process.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java executable of this JVM, so every process runs on the same JDK. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public Kind kind() {
        return kind;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public long startupMillis() {
        return startupMillis;
    }

    /** Resident set size in MB, from /proc/<pid>/status ({@code VmRSS}, or {@code VmHWM} for the peak). */
    public double memoryMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    static int status(URI uri) {
        try {
            return POLL.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGKILL, and wait for the process to be gone (issue 25: a cluster node dying). */
    public void kill9() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
