package dev.omnibridge.hub.plugins;

import dev.omnibridge.spi.ConnectorType;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The connector types the plugins provide. A plugin that cannot be loaded is logged and listed in
 * {@link #problems()}; it never stops the hub.
 */
public final class ConnectorCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorCatalog.class);

    /** A type and the plugin that provides it. */
    public record Entry(ConnectorType type, String pluginId, String pluginVersion, ClassLoader classLoader) {
    }

    /**
     * A plugin as {@code /health} shows it.
     *
     * @param state  PF4J's state (STARTED, DISABLED, ...), or FAILED for a plugin the hub refused or could not start
     * @param reason why it is not started, or null
     * @param types  the connector types it provides
     */
    public record PluginStatus(String id, String version, String requires, String state, String reason,
                               List<String> types) {
    }

    /** The plugin id shown for the hub's own connector types. */
    public static final String BUILT_IN = "hub";

    private final HubPluginManager plugins;
    private final Map<String, Entry> types = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();

    private ConnectorCatalog(HubPluginManager plugins) {
        this.plugins = plugins;
    }

    public static ConnectorCatalog load(Path pluginsDir) {
        return load(pluginsDir, List.of());
    }

    /**
     * Loads the plugins and adds the hub's own connector types first, so a plugin cannot shadow one of them
     * (a clash is reported in {@link #problems()}).
     */
    public static ConnectorCatalog load(Path pluginsDir, List<ConnectorType> builtIns) {
        if (!Files.isDirectory(pluginsDir)) {
            LOG.warn("Plugins directory {} does not exist: no connector types available", pluginsDir);
        }
        ConnectorCatalog catalog = new ConnectorCatalog(new HubPluginManager(pluginsDir, PluginApiVersion.release()));
        builtIns.forEach(type -> catalog.types.put(type.name(), new Entry(type, BUILT_IN,
                ConnectorCatalog.class.getPackage().getImplementationVersion(), ConnectorCatalog.class.getClassLoader())));
        catalog.loadAll(pluginsDir);
        return catalog;
    }

    private void loadAll(Path pluginsDir) {
        try {
            plugins.loadPlugins();
        } catch (RuntimeException e) {
            problems.add("loading plugins from " + pluginsDir + " failed: " + e.getMessage());
            LOG.error("Loading plugins from {} failed: {}", pluginsDir, e.getMessage());
        }
        for (PluginWrapper plugin : plugins.getPlugins()) {
            Optional<String> refusal = plugins.refusal(plugin.getPluginId());
            if (refusal.isPresent()) {
                // Built for another plugin API: never started, so none of its classes run in this hub.
                problems.add(refusal.get());
                LOG.error("Refused: {}", refusal.get());
                continue;
            }
            try {
                PluginState state = plugins.startPlugin(plugin.getPluginId());
                if (state != PluginState.STARTED) {
                    Throwable why = plugin.getFailedException();
                    problems.add("plugin " + plugin.getPluginId() + " did not start"
                            + (why == null ? "" : ": " + why.getMessage()));
                    LOG.error("Plugin {} did not start (state {}){}", plugin.getPluginId(), state,
                            why == null ? "" : ": " + why.getMessage());
                    continue;
                }
                for (ConnectorType type : plugins.getExtensions(ConnectorType.class, plugin.getPluginId())) {
                    register(type, plugin);
                }
            } catch (RuntimeException | LinkageError e) {
                problems.add("plugin " + plugin.getPluginId() + " failed: " + e);
                LOG.error("Plugin {} failed to load its connector types", plugin.getPluginId(), e);
            }
        }
        reportBrokenFiles(pluginsDir);
        LOG.info("Loaded {} plugin(s) providing connector types {}", plugins.getStartedPlugins().size(),
                types.keySet());
    }

    private void register(ConnectorType type, PluginWrapper plugin) {
        Entry existing = types.get(type.name());
        if (existing != null) {
            problems.add("connector type " + type.name() + " is provided by both " + existing.pluginId() + " and "
                    + plugin.getPluginId() + "; using " + existing.pluginId());
            LOG.error("Connector type {} is provided twice ({} and {}); keeping the first", type.name(),
                    existing.pluginId(), plugin.getPluginId());
            return;
        }
        types.put(type.name(), new Entry(type, plugin.getPluginId(), plugin.getDescriptor().getVersion(),
                plugin.getPluginClassLoader()));
        LOG.info("Plugin {} {} provides connector type '{}': {}", plugin.getPluginId(),
                plugin.getDescriptor().getVersion(), type.name(), type.description());
    }

    // PF4J skips files it cannot read (a corrupt zip) with at most a log line: name them here so /health shows them.
    private void reportBrokenFiles(Path pluginsDir) {
        if (!Files.isDirectory(pluginsDir)) {
            return;
        }
        try (var files = Files.list(pluginsDir)) {
            files.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".zip") || name.endsWith(".jar");
            }).forEach(p -> {
                String name = p.getFileName().toString();
                String stem = name.substring(0, name.length() - 4);
                boolean loaded = plugins.getPlugins().stream().anyMatch(w ->
                        w.getPluginPath().getFileName().toString().equals(name)
                                || w.getPluginPath().getFileName().toString().equals(stem));
                if (!loaded) {
                    problems.add("plugin file " + name + " could not be loaded (corrupt or without a plugin descriptor)");
                    LOG.error("Plugin file {} could not be loaded (corrupt or without a plugin descriptor)", name);
                }
            });
        } catch (java.io.IOException e) {
            problems.add("cannot list " + pluginsDir + ": " + e.getMessage());
        }
    }

    /** Every plugin found in the plugins directory, in PF4J's order, with its state. */
    public List<PluginStatus> plugins() {
        List<PluginStatus> list = new ArrayList<>();
        for (PluginWrapper plugin : plugins.getPlugins()) {
            var d = plugin.getDescriptor();
            Optional<String> refusal = plugins.refusal(plugin.getPluginId());
            Throwable why = plugin.getFailedException();
            String state = refusal.isPresent() ? "FAILED" : plugin.getPluginState().toString();
            String reason = refusal.orElse(plugin.getPluginState() == PluginState.STARTED || why == null ? null
                    : why.getMessage());
            List<String> provided = types.values().stream().filter(e -> e.pluginId().equals(plugin.getPluginId()))
                    .map(e -> e.type().name()).toList();
            // PF4J reads a missing or empty plugin.requires as "*" (any version): shown as none declared.
            String requires = d.getRequires() == null || d.getRequires().isBlank() || d.getRequires().strip()
                    .equals("*") ? null : d.getRequires().strip();
            list.add(new PluginStatus(plugin.getPluginId(), d.getVersion(), requires, state, reason, provided));
        }
        return list;
    }

    /** {@code /health}'s "plugins" part: the plugin API version plugins are checked against, and each plugin. */
    public Map<String, Object> health() {
        Map<String, Object> part = new java.util.LinkedHashMap<>();
        part.put("apiVersion", plugins.getSystemVersion());
        part.put("list", plugins());
        return part;
    }

    /**
     * Why no instance of {@code typeName} can start when no plugin provides it; names the plugins refused for their
     * required API version, since the type may be theirs (a refused plugin's code never runs, so its types are
     * unknown).
     */
    public String missingTypeReason(String typeName) {
        String reason = "no plugin provides connector type '" + typeName + "' (available: " + types.keySet() + ")";
        List<String> refusals = plugins.getPlugins().stream()
                .flatMap(p -> plugins.refusal(p.getPluginId()).stream()).toList();
        return refusals.isEmpty() ? reason : reason + "; refused: " + String.join(" / ", refusals);
    }

    /**
     * The FAILED reason for an instance whose plugin hit a {@link LinkageError} (a class or method of the plugin API
     * it was built against is missing here): names the plugin, its version and range, and the hub's API version.
     */
    public String incompatibleReason(String typeName, LinkageError e) {
        String plugin = find(typeName).map(entry -> {
            var wrapper = BUILT_IN.equals(entry.pluginId()) ? null : plugins.getPlugin(entry.pluginId());
            String declared = wrapper == null ? null : wrapper.getDescriptor().getRequires();
            String requires = declared == null || declared.isBlank() || declared.strip().equals("*")
                    ? "no plugin.requires" : "requires " + declared.strip();
            return "plugin " + entry.pluginId() + " " + entry.pluginVersion() + " (" + requires + ")";
        }).orElse("the plugin of connector type '" + typeName + "'");
        return plugin + " does not fit this hub's Omnibridge plugin API " + plugins.getSystemVersion() + ": "
                + e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    public synchronized Optional<Entry> find(String typeName) {
        return Optional.ofNullable(types.get(typeName));
    }

    // A copy: a plugin reload (issue 24) may change the types while a caller reads them.
    public synchronized Map<String, Entry> types() {
        return Collections.unmodifiableMap(new TreeMap<>(types));
    }

    /** The class loaders of the started plugins, where Camel looks for components the hub lacks (issue 23). */
    public synchronized List<ClassLoader> pluginClassLoaders() {
        return plugins.getStartedPlugins().stream().map(PluginWrapper::getPluginClassLoader).toList();
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public void close() {
        // Not stopPlugins(): PF4J 3.15 removes from the list it iterates (pf4j#656). unloadPlugin stops each first.
        plugins.unloadPlugins();
    }
    // ---- Issue 24: plugins in and out while the hub runs (see dev.omnibridge.hub.reload) ----

    /** A loaded plugin: its id and version, and where PF4J loaded it from (a jar, or the directory of a zip). */
    public record Loaded(String pluginId, String version, Path path) {
    }

    /** The plugins loaded now. */
    public synchronized List<Loaded> loaded() {
        return plugins.getPlugins().stream().map(w -> new Loaded(w.getPluginId(), w.getDescriptor().getVersion(),
                w.getPluginPath())).toList();
    }

    /** The plugins directory. */
    public Path pluginsDir() {
        return plugins.getPluginsRoots().isEmpty() ? Path.of("plugins") : plugins.getPluginsRoots().get(0);
    }

    /**
     * Unloads a plugin: its connector types leave the catalog and PF4J stops it and closes its class loader. The
     * loader is freed once nothing else holds it: the instances of its types must be stopped first.
     *
     * @param expandedFromZip whether its directory is PF4J's expansion of a zip (then deleted, so that neither the
     *                        next load nor the next start finds the old classes)
     * @return the connector types it provided
     */
    public synchronized List<String> unload(String pluginId, boolean expandedFromZip) {
        List<String> gone = new ArrayList<>();
        types.entrySet().removeIf(e -> {
            if (e.getValue().pluginId().equals(pluginId)) {
                gone.add(e.getKey());
                return true;
            }
            return false;
        });
        PluginWrapper wrapper = plugins.getPlugin(pluginId);
        Path path = wrapper == null ? null : wrapper.getPluginPath();
        try {
            plugins.unloadPlugin(pluginId);
        } catch (RuntimeException e) {
            LOG.warn("Plugin {} did not unload cleanly: {}", pluginId, e.getMessage());
        }
        if (expandedFromZip && path != null && Files.isDirectory(path)) {
            deleteTree(path);
        }
        LOG.info("Plugin {} unloaded; connector types {} gone", pluginId, gone);
        return gone;
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            LOG.warn("Could not delete the expanded plugin directory {}: {}", dir, e.getMessage());
        }
    }

    /** What loading one plugin file gave: the plugin (null when it failed) and the problem (null when it did not). */
    public record LoadOutcome(String pluginId, String version, List<String> types, String problem) {
    }

    /**
     * Loads and starts one plugin file (a zip or jar in the plugins directory) and adds its connector types; a
     * type another plugin already provides is refused as at start-up. Never throws.
     */
    public synchronized LoadOutcome loadFile(Path file) {
        String pluginId;
        try {
            pluginId = plugins.loadPlugin(file);
        } catch (RuntimeException | LinkageError e) {
            String problem = "plugin file " + file.getFileName() + " could not be loaded: " + e.getMessage();
            problems.add(problem);
            LOG.error("Plugin file {} could not be loaded: {}", file.getFileName(), e.getMessage());
            return new LoadOutcome(null, null, List.of(), problem);
        }
        if (pluginId == null) {
            String problem = "plugin file " + file.getFileName()
                    + " could not be loaded (corrupt or without a plugin descriptor)";
            problems.add(problem);
            return new LoadOutcome(null, null, List.of(), problem);
        }
        PluginWrapper plugin = plugins.getPlugin(pluginId);
        String version = plugin.getDescriptor().getVersion();
        Optional<String> refusal = plugins.refusal(pluginId);
        if (refusal.isPresent()) {
            // Built for another plugin API: never started, as at start-up; /health's plugins part shows why.
            problems.add(refusal.get());
            LOG.error("Refused: {}", refusal.get());
            return new LoadOutcome(pluginId, version, List.of(), refusal.get());
        }
        try {
            PluginState state = plugins.startPlugin(pluginId);
            if (state != PluginState.STARTED) {
                Throwable why = plugin.getFailedException();
                String problem = "plugin " + pluginId + " did not start" + (why == null ? "" : ": " + why.getMessage());
                problems.add(problem);
                LOG.error("Plugin {} did not start (state {})", pluginId, state);
                return new LoadOutcome(pluginId, version, List.of(), problem);
            }
            List<String> added = new ArrayList<>();
            for (ConnectorType type : plugins.getExtensions(ConnectorType.class, pluginId)) {
                if (!types.containsKey(type.name())) {
                    added.add(type.name());
                }
                register(type, plugin);
            }
            LOG.info("Plugin {} {} loaded from {}; connector types {}", pluginId, version, file.getFileName(), added);
            return new LoadOutcome(pluginId, version, added, null);
        } catch (RuntimeException | LinkageError e) {
            String problem = "plugin " + pluginId + " failed: " + e;
            problems.add(problem);
            LOG.error("Plugin {} failed to load its connector types", pluginId, e);
            return new LoadOutcome(pluginId, version, List.of(), problem);
        }
    }

    /** The id a plugin file declares (its plugin.properties), without loading it; null when it has none. */
    public static String declaredId(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".zip") && !name.endsWith(".jar")) {
            return null;
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            var entry = zip.getEntry("plugin.properties");
            if (entry != null) {
                java.util.Properties p = new java.util.Properties();
                try (var in = zip.getInputStream(entry)) {
                    p.load(in);
                }
                return p.getProperty("plugin.id");
            }
            var manifest = zip.getEntry("META-INF/MANIFEST.MF");
            if (manifest != null) {
                try (var in = zip.getInputStream(manifest)) {
                    return new java.util.jar.Manifest(in).getMainAttributes().getValue("Plugin-Id");
                }
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return null;
    }
}
