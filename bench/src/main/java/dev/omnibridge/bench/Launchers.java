package dev.omnibridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    // batchAcrossTickets (webhook-desk, issue 17): other conversations' events join the request in flight's successor.
    private volatile boolean acrossTicketsAccepted = true;
    private volatile boolean batchSizeChecked;

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
        return batchSizeAccepted ? "webhook-desk `batchSize: " + deskBatch + "`" + (acrossTicketsAccepted
                ? ", `batchAcrossTickets: true`" : " (this build refuses `batchAcrossTickets`)")
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
        return hub(workDir, plugins, deskUrl, callbackUrl, extraJvm, "");
    }

    /** The same with {@code hubSettings} (YAML lines indented for the {@code hub:} block) added to its config. */
    public Target hub(Path workDir, List<Path> plugins, String deskUrl, String callbackUrl, List<String> extraJvm,
                      String hubSettings) {
        return hub(workDir, plugins, deskUrl, callbackUrl, extraJvm, hubSettings, PLAIN_ROUTE);
    }

    /** The plain route of every phase: all of {@code web} to {@code desk}. */
    static final String PLAIN_ROUTE = """
            routes:
              - from: web
                to: [desk]
            """;

    /**
     * The same with {@code sections} (top-level YAML: {@code routes:} and any other section, e.g. {@code triage:})
     * in place of the plain route.
     */
    public Target hub(Path workDir, List<Path> plugins, String deskUrl, String callbackUrl, List<String> extraJvm,
                      String hubSettings, String sections) {
        return hub(HUB, workDir, plugins, deskUrl, callbackUrl, extraJvm, hubSettings, sections);
    }

    /** The same under another name in the report (issue 25: {@code hub-h2}, {@code hub-pg}, cluster nodes). */
    public Target hub(Target.Kind kind, Path workDir, List<Path> plugins, String deskUrl, String callbackUrl,
                      String hubSettings) {
        return hub(kind, workDir, plugins, deskUrl, callbackUrl, List.of(), hubSettings, PLAIN_ROUTE);
    }

    private Target hub(Target.Kind kind, Path workDir, List<Path> plugins, String deskUrl, String callbackUrl,
                       List<String> extraJvm, String hubSettings, String sections) {
        try {
            Path pluginsDir = pluginsDir(workDir, plugins);
            int port = Target.freePort();
            Path config = workDir.resolve("omnibridge.yaml");
            Map<String, String> env = new HashMap<>();
            env.put("JAVA_HOME", Path.of(Target.java()).getParent().getParent().toString());
            writeConfig(config, port, workDir, pluginsDir, deskUrl, callbackUrl, batchSizeAccepted,
                    acrossTicketsAccepted, hubSettings, sections);
            if (deskBatch > 1 && batchSizeAccepted && !batchSizeChecked) {
                // A hub that does not know a setting starts anyway with that instance FAILED: ask its validator,
                // the newer setting first (its refusal lists the known settings, batchSize among them).
                batchSizeChecked = true;
                String validation = validate(config, env, workDir);
                if (refuses(validation, "batchAcrossTickets")) {
                    acrossTicketsAccepted = false;
                    System.out.println("[bench] note: this hub build refuses the webhook-desk setting "
                            + "batchAcrossTickets (built before it); batches stay within one ticket");
                    writeConfig(config, port, workDir, pluginsDir, deskUrl, callbackUrl, true, false, hubSettings,
                            sections);
                    validation = validate(config, env, workDir);
                }
                // The same config's validation answers for batchSize too: validated again only if it changed.
                if (refuses(validation, "batchSize")) {
                    batchSizeAccepted = false;
                    System.out.println("[bench] note: this hub build refuses the webhook-desk setting batchSize "
                            + "(built before issue 17); running without it, one event per desk call");
                    writeConfig(config, port, workDir, pluginsDir, deskUrl, callbackUrl, false, false, hubSettings,
                            sections);
                }
            }
            // Through the launcher, as users start it: its JVM defaults and class-data archive are part of the hub.
            launcherEnv(env, workDir, extraJvm);
            return Target.start(kind, port, launcher("run", config), env, workDir, "/health");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code bin/omnibridge <args>} of the hub's dist in {@code workDir} with these extra environment variables
     * (issue 25: {@code migrate-store}); its exit code and output, which also goes to {@code workDir/<args[0]>[-n].log}.
     */
    public Target.CommandResult command(Path workDir, Map<String, String> extraEnv, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", hubLib.getParent().resolve("bin/omnibridge").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", Path.of(Target.java()).getParent().getParent().toString());
        pb.environment().put("OMNIBRIDGE_CDS_DIR", workDir.toAbsolutePath().getParent().resolve("cds").toString());
        if (!jvmOptions.isEmpty()) {
            pb.environment().put("JAVA_OPTS", String.join(" ", jvmOptions));
        }
        pb.environment().putAll(extraEnv);
        long t0 = System.nanoTime();
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            p.waitFor(30, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        Path log = workDir.resolve(args[0] + ".log");
        for (int n = 2; Files.exists(log); n++) {
            log = workDir.resolve(args[0] + "-" + n + ".log");
        }
        Files.writeString(log, output);
        return new Target.CommandResult(p.isAlive() ? -1 : p.exitValue(), output, (System.nanoTime() - t0) / 1e9);
    }

    private List<String> launcher(String command, Path config) {
        return List.of("sh", hubLib.getParent().resolve("bin/omnibridge").toString(), command, "--config",
                config.toString());
    }

    /** Does this hub build refuse the webhook-desk {@code setting}, by the output of {@code omnibridge validate}? */
    private static boolean refuses(String validation, String setting) {
        return validation.lines().anyMatch(l -> l.contains("ERROR") && l.contains(setting));
    }

    /** {@code omnibridge validate} on the config: its output. */
    private String validate(Path config, Map<String, String> env, Path workDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(launcher("validate", config)).directory(workDir.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("OMNIBRIDGE_ADMIN_TOKEN", HubProbe.ADMIN_TOKEN);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return output;
    }

    private void writeConfig(Path config, int port, Path workDir, Path pluginsDir, String deskUrl, String callbackUrl,
                             boolean batch, boolean acrossTickets, String hubSettings, String sections)
            throws IOException {
        writeConfig(config, port, workDir, pluginsDir, callbackUrl, hubSettings, sections, """
                  - id: desk
                    type: webhook-desk
                    settings:
                      url: "%s"
                      secret: "%s"
                %s""".formatted(deskUrl, Payloads.DESK_SECRET, batch && deskBatch > 1 ? "      batchSize: " + deskBatch
                + (acrossTickets ? "\n      batchAcrossTickets: true" : "") : ""));
    }

    /** The config with {@code deskInstance} (YAML of the instance list's {@code desk} entry). */
    private static void writeConfig(Path config, int port, Path workDir, Path pluginsDir, String callbackUrl,
                                    String hubSettings, String sections, String deskInstance) throws IOException {
        Files.writeString(config, """
                hub:
                  http:
                    host: 127.0.0.1
                    port: %d
                  dataDir: "%s"
                  pluginsDir: "%s"
                  adminToken: ${env:OMNIBRIDGE_ADMIN_TOKEN}
                %s
                instances:
                  - id: web
                    type: webhook-channel
                    settings:
                      secret: "%s"
                      callbackUrl: "%s"
                %s
                %s""".formatted(port, workDir.resolve("data"), pluginsDir, hubSettings.stripTrailing(),
                Payloads.CHANNEL_SECRET, callbackUrl, deskInstance.stripTrailing(), sections));
    }

    /**
     * Issue 23: the desk integrated by a Camel route instead of the webhook-desk connector. A {@code camel-desk}
     * {@code desk} whose YAML route posts each delivery's event (the webhook-desk's JSON, unchanged) to the desk stub
     * with Camel's http component (from the camel-http plugin zip) and reads the ticket reference from the answer
     * with jq: what an integrator writes for a plain HTTP help desk. One event per call, as a route sees them.
     */
    public Target camelDeskHub(Path workDir, List<Path> plugins, String deskUrl, String callbackUrl) {
        return withDesk(CAMEL_DESK, workDir, plugins, callbackUrl, """
                  - id: desk
                    type: camel-desk
                    settings:
                      routes: desk.camel.yaml
                      properties:
                        deskUrl: "%s"
                """.formatted(deskUrl), CAMEL_DESK_ROUTE);
    }

    /** The camel-desk hub's counterpart: the webhook-desk connector, also one event per call (no batchSize). */
    public Target webhookDeskHub(Path workDir, List<Path> plugins, String deskUrl, String callbackUrl) {
        return withDesk(WEBHOOK_DESK, workDir, plugins, callbackUrl, """
                  - id: desk
                    type: webhook-desk
                    settings:
                      url: "%s"
                      secret: "%s"
                """.formatted(deskUrl, Payloads.DESK_SECRET), null);
    }

    /** A hub with the given desk instance (and, when not null, its route file {@code desk.camel.yaml}). */
    private Target withDesk(Target.Kind kind, Path workDir, List<Path> plugins, String callbackUrl,
                            String deskInstance, String routes) {
        try {
            Path pluginsDir = pluginsDir(workDir, plugins);
            if (routes != null) {
                Files.writeString(workDir.resolve("desk.camel.yaml"), routes);
            }
            int port = Target.freePort();
            Path config = workDir.resolve("omnibridge.yaml");
            writeConfig(config, port, workDir, pluginsDir, callbackUrl, "", PLAIN_ROUTE, deskInstance);
            Map<String, String> env = new HashMap<>();
            env.put("JAVA_HOME", Path.of(Target.java()).getParent().getParent().toString());
            launcherEnv(env, workDir, List.of());
            return Target.start(kind, port, launcher("run", config), env, workDir, "/health");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh {@code workDir/plugins} holding copies of {@code plugins}. */
    private static Path pluginsDir(Path workDir, List<Path> plugins) throws IOException {
        Path pluginsDir = workDir.resolve("plugins");
        deleteTree(pluginsDir);
        Files.createDirectories(pluginsDir);
        for (Path plugin : plugins) {
            Files.copy(plugin, pluginsDir.resolve(plugin.getFileName()));
        }
        return pluginsDir;
    }

    /** The launcher's JVM options (the run's, then {@code extraJvm}, then the GC log) and class-data archive dir. */
    private void launcherEnv(Map<String, String> env, Path workDir, List<String> extraJvm) {
        List<String> jvm = new ArrayList<>(jvmOptions);
        jvm.addAll(extraJvm);
        jvm.add(Target.gcLog(workDir).option());
        env.put("JAVA_OPTS", String.join(" ", jvm));
        env.put("OMNIBRIDGE_CDS_DIR", workDir.toAbsolutePath().getParent().resolve("cds").toString());
    }

    public static final Target.Kind WEBHOOK_DESK = new Target.Kind("hub-webhook-desk", true);
    public static final Target.Kind CAMEL_DESK = new Target.Kind("hub-camel-desk", true);

    /** The route of {@link #camelDeskHub}: the delivery's JSON as it is, the ticket reference from the answer. */
    static final String CAMEL_DESK_ROUTE = """
            - route:
                id: deliver
                from:
                  uri: "omnibridge:desk"
                  steps:
                    - setHeader:
                        name: Idempotency-Key
                        simple: "${header.OmnibridgeIdempotencyKey}"
                    - setHeader:
                        name: Content-Type
                        constant: application/json
                    - setHeader:
                        name: CamelHttpMethod
                        constant: POST
                    - removeHeaders:
                        pattern: "Omnibridge*"
                    - to: "{{deskUrl}}"
                    - setHeader:
                        name: OmnibridgeTicketRef
                        jq:
                          expression: ".ticketRef"
                          resultType: java.lang.String
            """;

    /** The zips of issue 23's Camel phase (the camel-http plugin), beside the bundled ones. */
    public List<Path> camelPlugins() {
        Path dir = pluginZips.resolveSibling("camel-plugin-zips");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".zip")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path x : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
    }

    public Target bareVertx(Path workDir) {
        int port = Target.freePort();
        return Target.start(VERTX, port, benchJava(BareVertx.class, List.of(Integer.toString(port)), workDir), workDir, "/");
    }

    public Target camelRoute(Path workDir, String deskUrl, String callbackUrl) {
        int port = Target.freePort();
        return Target.start(CAMEL, port, benchJava(CamelRoute.class, List.of(Integer.toString(port),
                workDir.resolve("data").toString(), deskUrl, callbackUrl), workDir), workDir, "/health");
    }

    private List<String> benchJava(Class<?> main, List<String> args, Path workDir) {
        List<String> cmd = new ArrayList<>(List.of(Target.java()));
        cmd.addAll(hubDefaults());
        cmd.addAll(jvmOptions);
        cmd.add(Target.gcLog(workDir).option());
        // Absolute entries: the child runs in its own work dir.
        String cp = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        cmd.addAll(List.of("-cp", cp, main.getName()));
        cmd.addAll(args);
        return cmd;
    }
}
