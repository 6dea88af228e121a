package dev.omnibridge.hub.runtime;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Settings;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.plugins.ConnectorCatalog;
import dev.omnibridge.hub.triage.AssignmentCheck;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.DeskConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static dev.omnibridge.hub.runtime.InstanceManager.describe;
import static dev.omnibridge.hub.runtime.InstanceManager.withLoader;

/**
 * Starts and stops the configured instances: creating a connector from its plugin's type, checking its settings and
 * routes, and (issue 24) pausing one while its plugin is swapped, stopping one whose plugin is gone, and adding or
 * taking out instances on a configuration reload. Apart from the deliveries and webhooks, which call running
 * connectors ({@link InstanceManager}, {@link WebhookDispatch}). Every change runs under the manager's lock, so an
 * operator's start or restart never runs alongside a swap.
 */
final class InstanceLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceLifecycle.class);
    /** How long a swap waits for vendor requests inside the connector before stopping it anyway. */
    static final Duration REQUESTS_DRAIN = Duration.ofSeconds(10);

    private final InstanceManager manager;
    private final ConnectorCatalog catalog;
    private final InstanceRegistry registry;
    private final Clock clock;

    InstanceLifecycle(InstanceManager manager, ConnectorCatalog catalog, InstanceRegistry registry, Clock clock) {
        this.manager = manager;
        this.catalog = catalog;
        this.registry = registry;
        this.clock = clock;
    }

    void startAll() {
        for (HubConfig.Instance cfg : manager.config().instances()) {
            // The lock keeps an operator's start/restart of the same instance from running alongside this one.
            synchronized (manager) {
                start(cfg);
            }
        }
        registry.startUpFinished();
        String summary = registry.all().stream().map(i -> i.id() + " (" + i.type() + "): " + i.state()
                + (i.lastError() == null ? "" : " - " + i.lastError())).collect(Collectors.joining("; "));
        LOG.info("Connector instances: {}", summary.isEmpty() ? "none configured" : summary);
    }

    void start(HubConfig.Instance cfg) {
        HubConfig config = manager.config();
        ConnectorInstance instance = registry.get(cfg.id());
        instance.draining(false);
        if (!cfg.enabled()) {
            instance.state(InstanceState.STOPPED);
            LOG.info("Instance {} ({}) is disabled", cfg.id(), cfg.type());
            return;
        }
        instance.state(InstanceState.STARTING);
        Optional<ConnectorCatalog.Entry> entry = catalog.find(cfg.type());
        if (entry.isEmpty()) {
            fail(instance, catalog.missingTypeReason(cfg.type()));
            return;
        }
        Optional<ConfigProblem> calendar = config.calendars().problemIfUnknown(cfg.id(), "calendar", cfg.calendar());
        if (calendar.isPresent()) {
            fail(instance, "'calendar' " + calendar.get().message());
            return;
        }
        List<ConfigProblem> problems = new ArrayList<>();
        Settings settings = InstanceSettings.parse(entry.get().type().config(), cfg.id(), cfg.settings(),
                config.calendars(), problems);
        if (!problems.isEmpty()) {
            fail(instance, "invalid settings: " + problems.stream()
                    .map(p -> "'" + p.key() + "' " + p.message()).collect(Collectors.joining("; ")));
            return;
        }
        try {
            ClassLoader loader = entry.get().classLoader();
            Connector connector = withLoader(loader, () -> entry.get().type().create());
            String role = connector instanceof ChannelConnector ? "channel" : connector instanceof DeskConnector
                    ? "desk" : null;
            if (role == null) {
                fail(instance, "connector type '" + cfg.type() + "' is neither a channel nor a desk");
                return;
            }
            String misuse = routeMisuse(config, cfg.id(), role);
            if (misuse != null) {
                fail(instance, misuse);
                return;
            }
            List<ConfigProblem> assignments = "desk".equals(role) ? AssignmentCheck.check(config.routes(),
                    cfg.id(), cfg.type(), entry.get().type().assignment()) : List.of();
            if (!assignments.isEmpty()) {
                fail(instance, "invalid route assignment: " + assignments.stream()
                        .map(p -> "'" + p.key() + "' " + p.message()).collect(Collectors.joining("; ")));
                return;
            }
            HubConnectorContext ctx = new HubConnectorContext(instance, settings, manager);
            instance.connector = connector;
            instance.context = ctx;
            instance.classLoader = loader;
            withLoader(loader, () -> {
                connector.start(ctx);
                return null;
            });
            instance.state(InstanceState.RUNNING);
            manager.running(cfg.id());
            LOG.info("Instance {} ({} {} {}) is running", cfg.id(), role, cfg.type(),
                    ConnectorCatalog.BUILT_IN.equals(entry.get().pluginId()) ? "built into the hub"
                            : "from plugin " + entry.get().pluginId() + " " + entry.get().pluginVersion());
        } catch (Exception | LinkageError e) {
            if (instance.context != null) {
                instance.context.release();
            }
            instance.connector = null;
            instance.classLoader = null;
            fail(instance, e instanceof LinkageError linkage ? catalog.incompatibleReason(cfg.type(), linkage)
                    : "failed to start: " + describe(e));
        }
    }

    private static String routeMisuse(HubConfig config, String id, String role) {
        boolean feeds = config.routes().stream().anyMatch(r -> r.from().contains(id));
        boolean fed = config.routes().stream().anyMatch(r -> r.to().contains(id));
        if (role.equals("desk") && feeds) {
            return "is a desk but a route uses it as 'from' (routes go from channels to desks)";
        }
        if (role.equals("channel") && fed) {
            return "is a channel but a route uses it as 'to' (routes go from channels to desks)";
        }
        return null;
    }

    /** Marks the instance FAILED because its plugin hit a LinkageError; returns the reason (plugin and versions). */
    String incompatible(ConnectorInstance instance, LinkageError e) {
        String reason = catalog.incompatibleReason(instance.type(), e);
        fail(instance, reason);
        return reason;
    }

    private void fail(ConnectorInstance instance, String reason) {
        instance.failed(reason, clock.instant());
        LOG.error("Instance {} ({}) FAILED: {}", instance.id(), instance.type(), reason);
    }

    /** Stops the connector (an operator's stop, shutdown); state STOPPED. */
    void stop(String id) {
        ConnectorInstance instance = registry.get(id);
        if (stopConnector(instance)) {
            instance.state(InstanceState.STOPPED);
        }
    }

    /**
     * Stops the connector and lets go of everything of its plugin (connector, context, class loader), so that the
     * plugin's class loader can be freed; false when there was no connector.
     */
    private boolean stopConnector(ConnectorInstance instance) {
        if (instance == null || instance.connector == null) {
            return false;
        }
        instance.context.stopPolling();   // no poll runs into a stopping connector
        try {
            withLoader(instance.classLoader, () -> {
                instance.connector.stop();
                return null;
            });
        } catch (Exception | LinkageError e) {
            LOG.warn("Instance {} did not stop cleanly: {}", instance.id(), describe(e));
        }
        instance.context.release();
        instance.connector = null;
        instance.context = null;
        instance.classLoader = null;
        return true;
    }

    /**
     * Issue 24: stops an instance for a while (its plugin is swapped, its configuration changes). New vendor
     * requests are answered 503 with a short Retry-After; requests inside the connector finish first (bounded by
     * {@link #REQUESTS_DRAIN}). The caller has already held and drained the instance's deliveries.
     *
     * @param reason shown in /health while it lasts
     */
    void pause(String id, String reason) {
        ConnectorInstance instance = registry.get(id);
        if (instance == null) {
            return;
        }
        instance.draining(true);
        try {
            if (!instance.awaitNoCalls(REQUESTS_DRAIN)) {
                LOG.warn("Instance {}: requests still inside the connector after {}; stopping it anyway", id,
                        REQUESTS_DRAIN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopConnector(instance);
        instance.stoppedBecause(InstanceState.STARTING, reason, clock.instant());
        LOG.info("Instance {} paused: {}", id, reason);
    }

    /** Issue 24: stops an instance whose plugin is gone; its reason stays in /health until it starts again. */
    void stopBecause(String id, String reason) {
        ConnectorInstance instance = registry.get(id);
        if (instance == null) {
            return;
        }
        instance.draining(true);
        try {
            instance.awaitNoCalls(REQUESTS_DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopConnector(instance);
        instance.draining(false);
        instance.stoppedBecause(InstanceState.STOPPED, reason, clock.instant());
        LOG.warn("Instance {} STOPPED: {}", id, reason);
    }

    /** Starts a stopped, paused or failed instance again; a running one is left alone. */
    void start(String id) {
        ConnectorInstance instance = registry.get(id);
        if (instance == null || (instance.state() == InstanceState.RUNNING && instance.connector != null)) {
            return;
        }
        manager.config().instance(id).ifPresent(this::start);
    }

    void restart(String id) {
        stop(id);
        manager.config().instance(id).ifPresent(this::start);
    }

    void stopAll() {
        registry.all().forEach(i -> stop(i.id()));
    }

    /** Configuration reload: a new instance, not started yet ({@link #start(String)} starts it). */
    void add(HubConfig.Instance cfg) {
        registry.put(cfg);
    }

    /** Configuration reload: the instance is stopped and taken out; its hook answers 404 from now on. */
    void remove(String id) {
        stop(id);
        registry.remove(id);
        LOG.info("Instance {} removed", id);
    }

    /** The ids of the instances whose connector type the plugin provides (running or not). */
    List<String> usingPlugin(String pluginId) {
        return registry.all().stream().filter(i -> catalog.find(i.type())
                .map(e -> e.pluginId().equals(pluginId)).orElse(false)).map(ConnectorInstance::id).toList();
    }
}
