package dev.omnibridge.hub.reload;

import dev.omnibridge.hub.delivery.Dispatcher;
import dev.omnibridge.hub.plugins.ConnectorCatalog;
import dev.omnibridge.hub.runtime.ConnectorInstance;
import dev.omnibridge.hub.runtime.InstanceManager;
import dev.omnibridge.hub.runtime.InstanceState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Brings the loaded plugins in line with the plugin files in the plugins directory while the hub runs (issue 24):
 * a new zip or jar is loaded, a changed one is swapped for its new version, a removed one is unloaded.
 *
 * <p>For each plugin going away (changed or removed), the instances of its connector types are stopped first, in
 * this order: their deliveries are held ({@link Dispatcher#hold}; their outbox rows stay queued, no attempt counted)
 * and the ones running are waited for ({@link Dispatcher#drain}, never interrupted); their hooks answer 503 with
 * Retry-After, so vendors send again; the requests already inside the connector finish; the connector stops. Then
 * the plugin is unloaded (its types leave the catalog, PF4J closes its class loader, nothing of the hub holds it),
 * the new file is loaded, and the instances start again with the new code: the held rows go out with the same
 * idempotency keys, in order. An instance whose type no plugin provides any more is STOPPED with the reason; its
 * rows stay queued until a plugin brings the type back. Other instances are not touched.
 *
 * <p>One reload at a time; a plugin directory PF4J expanded from a zip is deleted with the zip's plugin, so the old
 * classes are never loaded again.
 */
public final class PluginSwap {
    private static final Logger LOG = LoggerFactory.getLogger(PluginSwap.class);
    /** How long a swap waits for the deliveries running to an instance before stopping it anyway. */
    static final Duration DELIVERY_DRAIN = Duration.ofSeconds(30);
    /** How long the plugins directory must be quiet before a watched change is applied (a copy in progress). */
    public static final Duration WATCH_QUIET = Duration.ofSeconds(1);

    /** One plugin file and what became of it. */
    public record FileChange(String file, String change, String pluginId, String version, List<String> types,
                             String problem) {
    }

    /** What a reload did: the files, and the instances stopped, started again or left stopped. */
    public record Outcome(List<FileChange> files, List<String> restarted, List<String> started, List<String> stopped,
                          List<String> problems) {
        public boolean changed() {
            return !files.isEmpty();
        }
    }

    private final ConnectorCatalog catalog;
    private final InstanceManager instances;
    private final Dispatcher dispatcher;
    private final Path dir;
    // File name -> content digest of the plugin files the catalog reflects.
    private Map<String, String> known;
    // Instances stopped because their plugin went: started again when a plugin brings their type back.
    private final Set<String> stoppedByRemoval = new LinkedHashSet<>();

    public PluginSwap(ConnectorCatalog catalog, InstanceManager instances, Dispatcher dispatcher) {
        this.catalog = catalog;
        this.instances = instances;
        this.dispatcher = dispatcher;
        this.dir = catalog.pluginsDir();
        this.known = scan();
    }

    public Path pluginsDir() {
        return dir;
    }

    /** Compares the plugins directory with what is loaded and applies the difference. */
    public synchronized Outcome reload() {
        Map<String, String> now = scan();
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        now.forEach((file, digest) -> {
            String before = known.get(file);
            if (before == null) {
                added.add(file);
            } else if (!before.equals(digest)) {
                changed.add(file);
            }
        });
        known.keySet().stream().filter(f -> !now.containsKey(f)).forEach(removed::add);
        if (added.isEmpty() && changed.isEmpty() && removed.isEmpty()) {
            return new Outcome(List.of(), List.of(), List.of(), List.of(), List.of());
        }
        LOG.info("Plugin files changed: added {}, changed {}, removed {}", added, changed, removed);

        List<String> problems = new ArrayList<>();
        List<FileChange> files = new ArrayList<>();
        // The plugins going away: those of changed and removed files, and those an added file replaces by id.
        Map<String, String> unloading = new TreeMap<>(); // plugin id -> file
        for (String file : concat(changed, removed)) {
            String id = loadedFrom(file);
            if (id != null) {
                unloading.put(id, file);
            }
        }
        List<String> toLoad = new ArrayList<>();
        for (String file : concat(changed, added)) {
            String declared = ConnectorCatalog.declaredId(dir.resolve(file));
            String loadedFrom = declared == null ? null : fileOf(declared);
            if (loadedFrom != null && !loadedFrom.equals(file) && now.containsKey(loadedFrom)) {
                String problem = "plugin file " + file + " declares plugin " + declared + ", which " + loadedFrom
                        + " provides already; remove one of them";
                problems.add(problem);
                files.add(new FileChange(file, "refused", declared, null, List.of(), problem));
                LOG.error("{}", problem);
                continue;
            }
            if (loadedFrom != null) {
                unloading.put(declared, loadedFrom); // a new file name for the same plugin: the old one goes
            }
            toLoad.add(file);
        }

        // 1. Stop the running instances of the plugins going away, their deliveries held and drained first.
        // (Instances not running are left as they are: a failed one is tried again below if its type comes back.)
        Map<String, String> pluginOfInstance = new TreeMap<>();
        unloading.keySet().forEach(plugin -> instances.usingPlugin(plugin).stream().filter(this::running)
                .forEach(id -> pluginOfInstance.put(id, plugin)));
        List<String> affected = List.copyOf(pluginOfInstance.keySet());
        affected.forEach(dispatcher::hold);
        for (String id : affected) {
            try {
                if (!dispatcher.drain(id, DELIVERY_DRAIN)) {
                    LOG.warn("Deliveries to {} still running after {}; stopping it anyway (their outcome is recorded "
                            + "when they return)", id, DELIVERY_DRAIN);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String id : affected) {
            instances.pause(id, "its plugin " + pluginOfInstance.get(id) + " is being reloaded");
        }

        // 2. Unload, 3. load.
        unloading.forEach((id, file) -> {
            List<String> types = catalog.unload(id, file.endsWith(".zip"));
            if (!toLoad.contains(file)) {
                files.add(new FileChange(file, "removed", id, null, types, null));
            }
        });
        Set<String> loadedIds = new LinkedHashSet<>();
        for (String file : toLoad) {
            ConnectorCatalog.LoadOutcome outcome = catalog.loadFile(dir.resolve(file));
            if (outcome.problem() != null) {
                problems.add(outcome.problem());
            }
            if (outcome.pluginId() != null && outcome.problem() == null) {
                loadedIds.add(outcome.pluginId());
            }
            files.add(new FileChange(file, added.contains(file) ? "added" : "replaced", outcome.pluginId(),
                    outcome.version(), outcome.types(), outcome.problem()));
        }
        known = now;

        // 4. Start the instances again where their type is there; the others stay stopped with the reason.
        List<String> restarted = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        for (String id : affected) {
            ConnectorInstance instance = instances.find(id).orElse(null);
            if (instance == null) {
                continue;
            }
            if (catalog.find(instance.type()).isPresent()) {
                instances.start(id); // its deliveries are released once it runs (Hub: whenRunning)
                restarted.add(id);
            } else {
                String plugin = pluginOfInstance.get(id);
                String file = unloading.get(plugin);
                instances.stopBecause(id, (now.containsKey(file) ? "the new file " + file + " of plugin " + plugin
                        + " did not load" : "plugin " + plugin + " was removed (file " + file + ")")
                        + "; no plugin provides connector type '" + instance.type() + "'");
                stoppedByRemoval.add(id);
                stopped.add(id);
            }
        }
        // Instances waiting for a type a new plugin brings: a failed start for want of it, or a removed plugin.
        List<String> started = new ArrayList<>();
        for (ConnectorInstance instance : instances.instances()) {
            if (affected.contains(instance.id()) || !instance.enabled()
                    || instance.state() == InstanceState.RUNNING) {
                continue;
            }
            boolean waiting = instance.state() == InstanceState.FAILED || stoppedByRemoval.contains(instance.id());
            boolean provided = catalog.find(instance.type()).map(e -> loadedIds.contains(e.pluginId())).orElse(false);
            if (waiting && provided) {
                stoppedByRemoval.remove(instance.id());
                instances.start(instance.id());
                started.add(instance.id());
            }
        }
        restarted.forEach(stoppedByRemoval::remove);
        Outcome outcome = new Outcome(files, restarted, started, stopped, problems);
        LOG.info("Plugin reload done: {} file(s); restarted {}, started {}, stopped {}, {} problem(s)", files.size(),
                restarted, started, stopped, problems.size());
        return outcome;
    }

    private boolean running(String id) {
        return instances.find(id).map(i -> i.state() == InstanceState.RUNNING).orElse(false);
    }

    /** The loaded plugin the file in the plugins directory provides, or null. */
    private String loadedFrom(String file) {
        for (ConnectorCatalog.Loaded loaded : catalog.loaded()) {
            if (fileName(loaded.path()).equals(file)) {
                return loaded.pluginId();
            }
        }
        return null;
    }

    /** The file in the plugins directory a loaded plugin came from, or null. */
    private String fileOf(String pluginId) {
        for (ConnectorCatalog.Loaded loaded : catalog.loaded()) {
            if (loaded.pluginId().equals(pluginId)) {
                return fileName(loaded.path());
            }
        }
        return null;
    }

    // PF4J loads a zip from the directory it expands it into (the zip's name without ".zip").
    private static String fileName(Path loadedPath) {
        String name = loadedPath.getFileName().toString();
        return Files.isDirectory(loadedPath) ? name + ".zip" : name;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The plugin files (zips and jars) in the plugins directory, by name, with a digest of their content. */
    Map<String, String> scan() {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (var list = Files.list(dir)) {
            for (Path p : list.filter(PluginSwap::isPluginFile).toList()) {
                String digest = digest(p);
                if (digest != null) {
                    files.put(p.getFileName().toString(), digest);
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the plugins directory {}: {}", dir, e.getMessage());
            return known == null ? files : known;
        }
        return files;
    }

    static boolean isPluginFile(Path p) {
        String name = p.getFileName().toString();
        return Files.isRegularFile(p) && !name.startsWith(".") && (name.endsWith(".zip") || name.endsWith(".jar"));
    }

    private static String digest(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            return null; // being written or gone: the next scan sees it
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
