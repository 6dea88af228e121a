package dev.omnibridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Starts the three systems under test, all with the same JDK and JVM options. */
public final class Launchers {
    public static final Target.Kind HUB = new Target.Kind("hub", true);
    public static final Target.Kind CAMEL = new Target.Kind("camel-route", true);
    public static final Target.Kind VERTX = new Target.Kind("bare-vertx", false);

    /** The webhook-desk {@code batchSize} the bench configures unless told otherwise (issue 17). */
    public static final int DEFAULT_DESK_BATCH = 20;

    private final Path hubLib;
    private final Path pluginZips;
    private final List<String> jvmOptions;
    private final int deskBatch;
    // Cleared when the hub build refuses the batchSize setting (a build from before issue 17): later hubs go without.
    private volatile boolean batchSizeAccepted = true;

    public Launchers(Path hubLib, Path pluginZips, String jvmOptions) {
        this(hubLib, pluginZips, jvmOptions, DEFAULT_DESK_BATCH);
    }

    /**
     * {@code deskBatch}: the webhook-desk instance's {@code batchSize} (1 = the setting is left out, the hub's
     * default of one event per call; the "before" figure of the busy phase).
     */
    public Launchers(Path hubLib, Path pluginZips, String jvmOptions, int deskBatch) {
        if (deskBatch < 1 || deskBatch > 100) {
            throw new IllegalArgumentException("the desk batch size must be 1..100: " + deskBatch);
        }
        this.hubLib = hubLib;
        this.pluginZips = pluginZips;
        this.jvmOptions = jvmOptions.isBlank() ? List.of() : Arrays.asList(jvmOptions.trim().split("\\s+"));
        this.deskBatch = deskBatch;
    }

    /** What the hubs of this run were configured with, for the report. */
    public String deskBatchNote() {
        if (deskBatch == 1) {
            return "webhook-desk `batchSize` not set (one event per desk call)";
        }
        return batchSizeAccepted ? "webhook-desk `batchSize: " + deskBatch + "`"
                : "webhook-desk `batchSize: " + deskBatch + "` asked for, but this hub build refuses the setting "
                + "(a build from before issue 17): ran without it, one event per desk call";
    }

    public Path hubLib() {
        return hubLib;
    }

    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /**
     * The JVM options the hub's launcher starts it with (its {@code OMNIBRIDGE_JVM_DEFAULTS}); the baselines get
     * them too, so that every system under test runs on the same heap and collector.
     */
    public List<String> hubDefaults() {
        try {
            String script = Files.readString(hubLib.getParent().resolve("bin/omnibridge"));
            var m = java.util.regex.Pattern.compile("OMNIBRIDGE_JVM_DEFAULTS-\"([^\"]*)\"").matcher(script);
            return m.find() && !m.group(1).isBlank() ? Arrays.asList(m.group(1).trim().split("\\s+")) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every bundled plugin zip, sorted by name. */
    public List<Path> bundledPlugins() {
        try (Stream<Path> files = Files.list(pluginZips)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".zip")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The packaged hub with the given plugins, a webhook-channel {@code web} routed to a webhook-desk {@code desk}.
     * {@code workDir/data} is kept when it exists, so a pre-filled journal can be reused.
     */
    public Target hub(Path workDir, List<Path> plugins, String deskUrl, String callbackUrl, List<String> extraJvm) {
        boolean batch = deskBatch > 1 && batchSizeAccepted;
        try {
            return hub(workDir, plugins, deskUrl, callbackUrl, extraJvm, batch);
        } catch (IllegalStateException e) {
            if (!batch || !refusedBatchSize(workDir.resolve("process.log"))) {
                throw e;
            }
            batchSizeAccepted = false;
            System.out.println("[bench] note: this hub build refuses the webhook-desk setting batchSize (built before "
                    + "issue 17); running without it, one event per desk call");
            return hub(workDir, plugins, deskUrl, callbackUrl, extraJvm, false);
        }
    }

    private static boolean refusedBatchSize(Path log) {
        try {
            return Files.exists(log) && Files.readString(log).contains("batchSize");
        } catch (IOException e) {
            return false;
        }
    }

    private Target hub(Path workDir, List<Path> plugins, String deskUrl, String callbackUrl, List<String> extraJvm,
                       boolean batch) {
        try {
            Path pluginsDir = workDir.resolve("plugins");
            if (Files.isDirectory(pluginsDir)) {
                try (Stream<Path> old = Files.list(pluginsDir)) {
                    for (Path p : old.toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(pluginsDir);
            for (Path plugin : plugins) {
                Files.copy(plugin, pluginsDir.resolve(plugin.getFileName()));
            }
            int port = Target.freePort();
            Path config = workDir.resolve("omnibridge.yaml");
            Files.writeString(config, """
                    hub:
                      http:
                        host: 127.0.0.1
                        port: %d
                      dataDir: "%s"
                      pluginsDir: "%s"
                      adminToken: ${env:OMNIBRIDGE_ADMIN_TOKEN}
                    instances:
                      - id: web
                        type: webhook-channel
                        settings:
                          secret: "%s"
                          callbackUrl: "%s"
                      - id: desk
                        type: webhook-desk
                        settings:
                          url: "%s"
                          secret: "%s"
                    %s
                    routes:
                      - from: web
                        to: [desk]
                    """.formatted(port, workDir.resolve("data"), pluginsDir, Payloads.CHANNEL_SECRET, callbackUrl,
                    deskUrl, Payloads.DESK_SECRET, batch ? "      batchSize: " + deskBatch : ""));
            // Through the launcher, as users start it: its JVM defaults and class-data archive are part of the hub.
            List<String> jvm = new ArrayList<>(jvmOptions);
            jvm.addAll(extraJvm);
            java.util.Map<String, String> env = new java.util.HashMap<>();
            env.put("JAVA_HOME", Path.of(Target.java()).getParent().getParent().toString());
            env.put("JAVA_OPTS", String.join(" ", jvm));
            env.put("OMNIBRIDGE_CDS_DIR", workDir.toAbsolutePath().getParent().resolve("cds").toString());
            return Target.start(HUB, port, List.of("sh", hubLib.getParent().resolve("bin/omnibridge").toString(),
                    "run", "--config", config.toString()), env, workDir, "/health");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Target bareVertx(Path workDir) {
        int port = Target.freePort();
        return Target.start(VERTX, port, benchJava(BareVertx.class, List.of(Integer.toString(port))), workDir, "/");
    }

    public Target camelRoute(Path workDir, String deskUrl, String callbackUrl) {
        int port = Target.freePort();
        return Target.start(CAMEL, port, benchJava(CamelRoute.class, List.of(Integer.toString(port),
                workDir.resolve("data").toString(), deskUrl, callbackUrl)), workDir, "/health");
    }

    private List<String> benchJava(Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Target.java()));
        cmd.addAll(hubDefaults());
        cmd.addAll(jvmOptions);
        // Absolute entries: the child runs in its own work dir.
        String cp = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        cmd.addAll(List.of("-cp", cp, main.getName()));
        cmd.addAll(args);
        return cmd;
    }
}
