package dev.omnibridge.hub.reload;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.camel.CamelRouteCheck;
import dev.omnibridge.hub.config.ConfigLoader;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.delivery.Dispatcher;
import dev.omnibridge.hub.plugins.ConnectorCatalog;
import dev.omnibridge.hub.runtime.ConfigCheck;
import dev.omnibridge.hub.runtime.InstanceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the configuration file again while the hub runs (issue 24). The whole file is checked first, with the
 * checks of {@code omnibridge validate} (against the plugins loaded now); a file with any problem is refused as a
 * whole and nothing changes. Otherwise the instances and routes are brought in line: new instances start, changed
 * ones are stopped (deliveries held and drained first, as for a plugin swap) and started with their new settings,
 * removed ones stop (their outbox rows stay queued), unchanged ones are not touched, and the routes take effect
 * for the next message. Other sections are not applied while running: the answer names them as needing a restart.
 */
public final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);
    private static final Set<String> RELOADED = Set.of("instances", "routes");

    /** What a reload did, or why it was refused ({@code problems} not empty: nothing changed). */
    public record Outcome(List<String> problems, List<String> added, List<String> changed, List<String> removed,
                          boolean routesChanged, List<String> restartNeeded) {
        public boolean refused() {
            return !problems.isEmpty();
        }
    }

    private final InstanceManager instances;
    private final Dispatcher dispatcher;
    private final ConnectorCatalog catalog;
    private final Function<Path, ConfigLoader.Result> loader;
    private final Consumer<HubConfig> routesChanged;
    private volatile Path file;
    // The sections of the file as last applied (as written), to tell which ones a reload changes.
    private com.fasterxml.jackson.databind.JsonNode applied;

    /**
     * @param loader        reads a configuration file (the environment as the hub's start saw it)
     * @param routesChanged told of the new configuration when its routes (or instances) changed, before any new
     *                      instance starts
     */
    public ConfigReload(InstanceManager instances, Dispatcher dispatcher, ConnectorCatalog catalog,
                        Function<Path, ConfigLoader.Result> loader, Consumer<HubConfig> routesChanged) {
        this.instances = instances;
        this.dispatcher = dispatcher;
        this.catalog = catalog;
        this.loader = loader;
        this.routesChanged = routesChanged;
    }

    /** The file the hub was started from; without one, reloads are refused. */
    public synchronized void file(Path file) {
        this.file = file;
        this.applied = file == null ? null : ConfigLoader.sections(file);
    }

    public Path file() {
        return file;
    }

    public synchronized Outcome reload() {
        Path source = file;
        if (source == null) {
            return refused(List.of("the hub was not started from a configuration file"));
        }
        ConfigLoader.Result loaded = loader.apply(source);
        List<String> problems = new ArrayList<>();
        loaded.problems().forEach(p -> problems.add(p.toString()));
        HubConfig next = loaded.config();
        if (next != null) {
            ConfigCheck.check(next, loaded.rejected(), catalog).forEach(p -> problems.add(p.toString()));
            CamelRouteCheck.check(next, catalog.pluginClassLoaders()).forEach(p -> problems.add(p.toString()));
        }
        if (!problems.isEmpty() || next == null) {
            LOG.warn("Configuration reload from {} refused: {} problem(s); nothing changed", source, problems.size());
            return refused(problems.isEmpty() ? List.of("the file could not be read") : problems);
        }
        com.fasterxml.jackson.databind.JsonNode sections = ConfigLoader.sections(source);
        Outcome outcome = apply(instances.config(), next, sections);
        applied = sections;
        return outcome;
    }

    private static Outcome refused(List<String> problems) {
        return new Outcome(List.copyOf(problems), List.of(), List.of(), List.of(), false, List.of());
    }

    private Outcome apply(HubConfig current, HubConfig next, com.fasterxml.jackson.databind.JsonNode sections) {
        Map<String, HubConfig.Instance> before = byId(current);
        Map<String, HubConfig.Instance> after = byId(next);
        Set<String> added = new LinkedHashSet<>();
        Set<String> changed = new LinkedHashSet<>();
        Set<String> removed = new LinkedHashSet<>();
        after.forEach((id, cfg) -> {
            HubConfig.Instance was = before.get(id);
            if (was == null) {
                added.add(id);
            } else if (!was.equals(cfg)) {
                changed.add(id);
            }
        });
        before.keySet().stream().filter(id -> !after.containsKey(id)).forEach(removed::add);
        boolean routes = applied == null || sections == null
                || !Objects.equals(applied.get("routes"), sections.get("routes"));
        List<String> restartNeeded = otherChanges(applied, sections);

        // Deliveries to instances about to stop: held and drained, as for a plugin swap; a changed one's are
        // released when it runs again, a removed one's stay queued.
        Set<String> stopping = new LinkedHashSet<>(changed);
        stopping.addAll(removed);
        stopping.forEach(dispatcher::hold);
        for (String id : stopping) {
            try {
                dispatcher.drain(id, PluginSwap.DELIVERY_DRAIN);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String id : changed) {
            instances.pause(id, "its configuration is being reloaded");
        }
        instances.reconfigure(next, added, removed);
        if (routes || !added.isEmpty() || !removed.isEmpty()) {
            routesChanged.accept(next);
        }
        changed.forEach(instances::replace);
        added.forEach(instances::start);
        Outcome outcome = new Outcome(List.of(), List.copyOf(added), List.copyOf(changed), List.copyOf(removed),
                routes, restartNeeded);
        if (added.isEmpty() && changed.isEmpty() && removed.isEmpty() && !routes && restartNeeded.isEmpty()) {
            LOG.debug("Configuration read again: nothing changed");
            return outcome;
        }
        LOG.info("Configuration reloaded: added {}, changed {}, removed {}, routes {}{}", added, changed, removed,
                routes ? "changed" : "unchanged", restartNeeded.isEmpty() ? ""
                        : "; needing a restart to apply: " + restartNeeded);
        return outcome;
    }

    private static Map<String, HubConfig.Instance> byId(HubConfig config) {
        return config.instances().stream().collect(Collectors.toMap(HubConfig.Instance::id, i -> i,
                (a, b) -> a, java.util.LinkedHashMap::new));
    }

    /** The other top-level sections of the file that differ: applied only by a restart. Names only, never values. */
    static List<String> otherChanges(com.fasterxml.jackson.databind.JsonNode before,
                                     com.fasterxml.jackson.databind.JsonNode after) {
        if (before == null || after == null) {
            return List.of();
        }
        Set<String> names = new java.util.TreeSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        names.removeAll(RELOADED);
        return names.stream().filter(n -> !Objects.equals(before.get(n), after.get(n))).toList();
    }

    /** How long the configuration file must be quiet before a watched change is read. */
    public static final Duration WATCH_QUIET = Duration.ofSeconds(1);
}
