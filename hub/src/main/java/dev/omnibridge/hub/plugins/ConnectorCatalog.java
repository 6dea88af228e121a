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

    public Optional<Entry> find(String typeName) {
        return Optional.ofNullable(types.get(typeName));
    }

    public Map<String, Entry> types() {
        return Collections.unmodifiableMap(types);
    }

    /** The class loaders of the started plugins, where Camel looks for components the hub lacks (issue 23). */
    public List<ClassLoader> pluginClassLoaders() {
        return plugins.getStartedPlugins().stream().map(PluginWrapper::getPluginClassLoader).toList();
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public void close() {
        // Not stopPlugins(): PF4J 3.15 removes from the list it iterates (pf4j#656). unloadPlugin stops each first.
        plugins.unloadPlugins();
    }
}
