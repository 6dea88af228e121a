package dev.omnibridge.systemtest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged hub ({@code target/hub/omnibridge/lib}) running as a separate OS process, with its own work dir
 * (config, data dir, plugins dir, log) under {@code target/system-test-work}.
 */
public final class HubProcess implements AutoCloseable {
    public static final String ADMIN_TOKEN = "system-test-admin-token";
    static final String ADMIN_TOKEN_ENV = "OMNIBRIDGE_ADMIN_TOKEN";
    private static final String MAIN_CLASS = "dev.omnibridge.hub.Omnibridge";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    // Set while one hub of this test JVM records the class-data archive the others map (see classDataOptions).
    private static final java.util.concurrent.atomic.AtomicBoolean RECORDING =
            new java.util.concurrent.atomic.AtomicBoolean();

    static {
        // Never leave a hub behind, even when the test JVM is stopped by a timeout.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    /** A finished command: exit code and combined stdout/stderr. */
    public record CommandResult(int exitCode, String output) {
        public List<String> lines() {
            return output.lines().toList();
        }
    }

    private final String name;
    private final Path workDir;
    private final Path configFile;
    private final Path logFile;
    private final int port;
    private Process process;
    private HubHttp http;
    private int launches;
    // Set: the hub is started through the dist's launcher script with these extra environment variables.
    private java.util.Map<String, String> launcherEnv;
    // Set: the running process records the class-data archive when it exits (into this file, renamed once complete).
    private Path recording;

    private HubProcess(String name, HubConfig config, List<Path> pluginFiles) {
        try {
            Path root = Files.createDirectories(Path.of(System.getProperty("omnibridge.work.dir", "target/system-test-work"))
                    .toAbsolutePath());
            this.name = name;
            this.workDir = Files.createTempDirectory(root, name + "-");
            Path pluginsDir = Files.createDirectories(workDir.resolve("plugins"));
            for (Path plugin : pluginFiles) {
                Files.copy(plugin, pluginsDir.resolve(plugin.getFileName()));
            }
            this.port = freePort();
            this.configFile = workDir.resolve("omnibridge.yaml");
            Files.writeString(configFile, config.render(port, workDir.resolve("data"), pluginsDir));
            this.logFile = workDir.resolve("hub.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a hub with the reference plugins and waits until {@code /health} answers that start-up is over. */
    public static HubProcess start(String name, HubConfig config) {
        return start(name, config, referencePlugins());
    }

    public static HubProcess start(String name, HubConfig config, List<Path> pluginFiles) {
        HubProcess hub = new HubProcess(name, config, pluginFiles);
        hub.launch();
        return hub;
    }

    /**
     * A hub with its work dir and configuration written but not yet started ({@link HubCluster} starts several at
     * once with {@link #launch()}).
     */
    static HubProcess prepare(String name, HubConfig config, List<Path> pluginFiles) {
        return new HubProcess(name, config, pluginFiles);
    }

    /** Starts a hub as users do, through {@code bin/omnibridge run}, with extra environment variables. */
    public static HubProcess startWithLauncher(String name, HubConfig config, java.util.Map<String, String> env) {
        HubProcess hub = new HubProcess(name, config, referencePlugins());
        hub.launcherEnv = env;
        hub.launch();
        return hub;
    }

    /** The hub JVM's command line (through the launcher: after the script has exec'ed java). */
    public List<String> javaCommandLine() {
        try {
            String raw = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return List.of(raw.split("\0"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code omnibridge validate --config} on the configuration, with the reference plugins installed. */
    public static CommandResult validate(String name, HubConfig config) {
        HubProcess hub = new HubProcess(name, config, referencePlugins());
        try {
            Process p = hub.command("validate").redirectErrorStream(true).start();
            LIVE.add(p);
            try {
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    throw new AssertionError("validate did not finish in 60 s; output so far:\n" + output);
                }
                Files.writeString(hub.logFile, output);
                return new CommandResult(p.exitValue(), output);
            } finally {
                p.destroyForcibly();
                LIVE.remove(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code bin/omnibridge <args>} of the distribution as an operator does (e.g. {@code migrate-store}), in
     * {@code dir}, with these extra environment variables and no class-data archive; waits at most 2 minutes.
     */
    public static CommandResult launcherCommand(Path dir, java.util.Map<String, String> env, String... args) {
        Path lib = Path.of(System.getProperty("omnibridge.hub.lib", "target/hub/omnibridge/lib")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("sh", lib.getParent().resolve("bin/omnibridge").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("OMNIBRIDGE_CDS", "off");
        builder.environment().putAll(env);
        try {
            Process p = builder.start();
            LIVE.add(p);
            try {
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    throw new AssertionError(String.join(" ", args) + " did not finish in 2 minutes; output:\n" + output);
                }
                return new CommandResult(p.exitValue(), output);
            } finally {
                p.destroyForcibly();
                LIVE.remove(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Path pluginZip(String connector) {
        Path zip = Path.of(System.getProperty("omnibridge.plugin.zips", "target/plugin-zips"))
                .resolve("omnibridge-" + connector + "-plugin.zip").toAbsolutePath();
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing; run the build through process-test-resources first");
        }
        return zip;
    }

    public static List<Path> referencePlugins() {
        return List.of(pluginZip("webhook-channel"), pluginZip("webhook-desk"));
    }

    /** The hub's log: everything the process wrote, every launch of it. */
    public Path logFile() {
        return logFile;
    }

    public HubHttp http() {
        return http;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path workDir() {
        return workDir;
    }

    /** The hub's data dir ({@code hub.dataDir}: the embedded H2 store, attachments). */
    public Path dataDir() {
        return workDir.resolve("data");
    }

    /** The running hub's plugins directory (issue 24: plugins dropped in, replaced or removed while it runs). */
    public Path pluginsDir() {
        return workDir.resolve("plugins");
    }

    /**
     * Writes the configuration file anew (same port, data and plugins directories), in one move so that a hub
     * watching it never reads half a file (issue 24: the configuration reloaded while the hub runs).
     */
    public void rewriteConfig(HubConfig config) {
        try {
            Path tmp = workDir.resolve(".omnibridge.yaml.tmp");
            Files.writeString(tmp, config.render(port, workDir.resolve("data"), pluginsDir()));
            Files.move(tmp, configFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * SIGKILL: no shutdown hook, no flush in the process; what the OOM killer or {@code kill -9} does. Not a power
     * cut: the operating system still writes out what the process had handed it.
     */
    public void kill9() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(30));
            endRecording(false);
        }
    }

    /** SIGTERM and wait for a graceful exit (SIGKILL after 30 s). */
    public void stop() {
        if (isAlive()) {
            process.destroy();
            boolean graceful = awaitExit(Duration.ofSeconds(30));
            if (!graceful) {
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(10));
            }
            endRecording(graceful);
        } else {
            endRecording(false);
        }
    }

    /** Starts again on the same config, port and data dir. */
    public void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    /** The last lines of the hub's output, for failure reports. */
    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log at " + logFile + ")";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    public void printLogTail(String why) {
        System.out.printf("%n===== %s: last lines of %s =====%n%s%n===== end of hub log =====%n", why, logFile, logTail(150));
    }

    /** Starts the process and waits until {@code /health} answers that start-up is over. */
    void launch() {
        try {
            launches++;
            Files.writeString(logFile, String.format("%n===== launch %d of %s at %s =====%n", launches, name, Instant.now()),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = command("run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            LIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http = new HubHttp(baseUrl(), ADMIN_TOKEN);
        awaitHealthEndpoint();
    }

    private ProcessBuilder command(String subcommand) {
        Path lib = Path.of(System.getProperty("omnibridge.hub.lib", "target/hub/omnibridge/lib")).toAbsolutePath();
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " is missing; the hub dist is unpacked in process-test-resources");
        }
        List<String> cmd = new ArrayList<>();
        if (launcherEnv != null) {
            cmd.addAll(List.of("sh", lib.getParent().resolve("bin/omnibridge").toString()));
        } else {
            cmd.add(java());
            cmd.addAll(List.of(System.getProperty("omnibridge.hub.jvmArgs",
                    "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1").trim().split("\\s+")));
            cmd.addAll(classDataOptions(lib, subcommand));
            cmd.addAll(List.of("-cp", lib + "/*", MAIN_CLASS));
        }
        cmd.addAll(List.of(subcommand, "--config", configFile.toString()));
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(workDir.toFile());
        builder.environment().put(ADMIN_TOKEN_ENV, ADMIN_TOKEN);
        if (launcherEnv != null) {
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().putAll(launcherEnv);
        }
        return builder;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Class-data sharing across the suite's hubs, as the launcher does for users ({@link
     * dev.omnibridge.systemtest.LauncherTest}): the first hub that stops gracefully records the classes it loaded,
     * every later one maps them and starts in about half the time (some 70 hub starts a run). The archive is named
     * after the JDK and the hub's jars, so a rebuilt hub records a new one; a recording cut short (SIGKILL) is
     * dropped and the next hub records. {@code -Domnibridge.hub.cds=off} starts every hub without.
     */
    private List<String> classDataOptions(Path lib, String subcommand) {
        if ("off".equals(System.getProperty("omnibridge.hub.cds"))) {
            return List.of();
        }
        Path archive = classDataArchive(lib);
        if (Files.isRegularFile(archive)) {
            // -Xshare:auto (the default): a JVM that cannot map it starts without. The JVM's CDS notes stay out of
            // the hub's log.
            return List.of("-Xlog:cds*=off", "-XX:SharedArchiveFile=" + archive);
        }
        if (subcommand.equals("run") && RECORDING.compareAndSet(false, true)) {
            dropOtherArchives(archive);
            recording = archive.resolveSibling(archive.getFileName() + ".recording");
            return List.of("-Xlog:cds*=off", "-XX:ArchiveClassesAtExit=" + recording);
        }
        return List.of();
    }

    /** Archives of earlier hub builds (some 60 MB each) go when a new one is recorded. */
    private static void dropOtherArchives(Path archive) {
        try (var files = Files.list(archive.getParent())) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("hub-classes-")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // Left behind: only disk space.
        }
    }

    private static Path classDataArchive(Path lib) {
        StringBuilder key = new StringBuilder(System.getProperty("java.home")).append(System.getProperty("java.vm.version"));
        try (var jars = Files.list(lib)) {
            for (Path jar : jars.sorted().toList()) {
                key.append('|').append(jar.getFileName()).append(Files.size(jar))
                        .append(Files.getLastModifiedTime(jar).toMillis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Path.of(System.getProperty("omnibridge.work.dir", "target/system-test-work")).toAbsolutePath()
                .resolve("hub-classes-" + Integer.toHexString(key.toString().hashCode()) + ".jsa");
    }

    /** After the recording process exited: keep its archive if it exited gracefully and a JVM maps it. */
    private void endRecording(boolean graceful) {
        if (recording == null) {
            return;
        }
        Path file = recording;
        recording = null;
        try {
            Path archive = file.resolveSibling(file.getFileName().toString().replace(".recording", ""));
            if (graceful && Files.isRegularFile(file) && maps(file)) {
                Files.move(file, archive, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(file);
                RECORDING.set(false);
            }
        } catch (IOException e) {
            RECORDING.set(false);
        }
    }

    private static boolean maps(Path archive) {
        Path lib = Path.of(System.getProperty("omnibridge.hub.lib", "target/hub/omnibridge/lib")).toAbsolutePath();
        try {
            Process p = new ProcessBuilder(java(), "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-Xlog:disable",
                    "-cp", lib + "/*", "-version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitHealthEndpoint() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                LIVE.remove(process);
                endRecording(false);
                throw new IllegalStateException("hub " + name + " exited with code " + process.exitValue()
                        + " before /health answered; log tail:\n" + logTail(150));
            }
            if (http.startedUp()) {
                return;
            }
            Poll.sleep(50); // refused connections cost nothing: a short interval starts every test sooner
        }
        process.destroyForcibly();
        endRecording(false);
        throw new IllegalStateException("hub " + name + " did not answer /health within " + STARTUP_TIMEOUT
                + "; log tail:\n" + logTail(150));
    }

    private boolean awaitExit(Duration timeout) {
        try {
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                LIVE.remove(process);
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
