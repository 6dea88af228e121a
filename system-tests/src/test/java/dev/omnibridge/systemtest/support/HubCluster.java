package dev.omnibridge.systemtest.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Several hub processes sharing one PostgreSQL database (issue 25): the same configuration for every node but the
 * node id ({@code hub.cluster.nodeId = node-<i>}), each with its own work dir (data dir, plugins, log) and port, as
 * an operator runs them behind a load balancer. Nodes are numbered from 0; they start in parallel.
 *
 * <pre>{@code
 * cluster = HubCluster.of(getClass(), config).nodes(3).leaseTtl(Duration.ofSeconds(3)).start();
 * cluster.next().postSigned("/hooks/web", secret, body);   // round-robin over the live nodes
 * cluster.kill9(1); ... cluster.restart(1);
 * }</pre>
 *
 * Register {@link #printLogsOnFailure(Supplier)} so that a failing test shows every node's log tail, and
 * {@link HubLogScan#ofAll(Supplier)} with {@link #nodes()} so that every node's log is scanned.
 */
public final class HubCluster implements AutoCloseable {
    private final List<HubProcess> nodes;
    private final List<String> nodeIds;
    private final String databaseUrl;
    private final AtomicInteger turn = new AtomicInteger();

    private HubCluster(List<HubProcess> nodes, List<String> nodeIds, String databaseUrl) {
        this.nodes = nodes;
        this.nodeIds = nodeIds;
        this.databaseUrl = databaseUrl;
    }

    /** A cluster of hubs on {@code config} (channels, desks, routes...); the store and cluster keys are set here. */
    public static Builder of(Class<?> testClass, HubConfig config) {
        return new Builder(testClass, config);
    }

    public static final class Builder {
        private final Class<?> testClass;
        private final HubConfig config;
        private int count = 3;
        private Duration leaseTtl;
        private List<Path> plugins = HubProcess.referencePlugins();
        private String databaseUrl;
        private boolean clusterMode = true;

        private Builder(Class<?> testClass, HubConfig config) {
            this.testClass = testClass;
            this.config = config;
        }

        /** How many nodes (default 3). */
        public Builder nodes(int count) {
            this.count = count;
            return this;
        }

        /** {@code hub.cluster.leaseTtl}; tests use 3 s so that take-overs are quick (default: the hub's 10 s). */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = ttl;
            return this;
        }

        /** The plugin zips every node gets (default: the reference plugins). */
        public Builder plugins(List<Path> pluginFiles) {
            this.plugins = List.copyOf(pluginFiles);
            return this;
        }

        /** The reference plugins plus these connectors' plugin zips. */
        public Builder connectors(String... connectors) {
            List<Path> all = new ArrayList<>(HubProcess.referencePlugins());
            for (String connector : connectors) {
                all.add(HubProcess.pluginZip(connector));
            }
            this.plugins = all;
            return this;
        }

        /** The database (default: a fresh {@link SharedPostgres#database(Class)} for the test class). */
        public Builder database(String jdbcUrl) {
            this.databaseUrl = jdbcUrl;
            return this;
        }

        /**
         * No {@code hub.cluster} section: independent hubs on one database. Only for testing this harness or for
         * showing what goes wrong without cluster mode.
         */
        public Builder withoutClusterMode() {
            this.clusterMode = false;
            return this;
        }

        /** Starts every node at once and waits until each answers {@code /health}; on failure none is left running. */
        public HubCluster start() {
            String url = databaseUrl != null ? databaseUrl : SharedPostgres.database(testClass);
            List<HubProcess> nodes = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String nodeId = "node-" + i;
                HubConfig nodeConfig = config.copy().postgres(url);
                if (clusterMode) {
                    nodeConfig.cluster(nodeId, leaseTtl);
                }
                ids.add(nodeId);
                nodes.add(HubProcess.prepare(testClass.getSimpleName() + "-" + nodeId, nodeConfig, plugins));
            }
            HubCluster cluster = new HubCluster(nodes, ids, url);
            try {
                Parallel.run(count, i -> nodes.get(i).launch());
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }
    }

    /** Node {@code i} (from 0). */
    public HubProcess node(int i) {
        return nodes.get(i);
    }

    /** Node {@code i}'s {@code hub.cluster.nodeId} ({@code node-<i>}). */
    public String nodeId(int i) {
        return nodeIds.get(i);
    }

    public List<HubProcess> nodes() {
        return List.copyOf(nodes);
    }

    public int size() {
        return nodes.size();
    }

    /** The JDBC URL of the shared database (user postgres, no password), for the test's own checks. */
    public String databaseUrl() {
        return databaseUrl;
    }

    /** Node {@code i}'s HTTP client. */
    public HubHttp http(int i) {
        return nodes.get(i).http();
    }

    /**
     * The next live node's HTTP client, round-robin, as a load balancer whose health checks have seen a dead node
     * go: nodes killed or stopped are skipped.
     */
    public HubHttp next() {
        for (int tries = 0; tries < nodes.size(); tries++) {
            HubProcess node = nodes.get(Math.floorMod(turn.getAndIncrement(), nodes.size()));
            if (node.isAlive()) {
                return node.http();
            }
        }
        throw new IllegalStateException("no node of the cluster is running");
    }

    /** SIGKILL node {@code i}: its leases stay with it until they expire. */
    public void kill9(int i) {
        nodes.get(i).kill9();
    }

    /** SIGTERM node {@code i} and wait for its graceful exit (it gives its leases up). */
    public void stop(int i) {
        nodes.get(i).stop();
    }

    /** Starts node {@code i} again on its work dir, config and port (after {@link #kill9} or {@link #stop}). */
    public void restart(int i) {
        nodes.get(i).restart();
    }

    /** Prints every node's log tail (e.g. when a test fails). */
    public void printLogTails(String why) {
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).printLogTail(why + " (" + nodeIds.get(i) + ")");
        }
    }

    /** For {@code @RegisterExtension}: every node's log tail when a test of the class fails. */
    public static TestWatcher printLogsOnFailure(Supplier<HubCluster> cluster) {
        return new TestWatcher() {
            @Override
            public void testFailed(ExtensionContext context, Throwable cause) {
                HubCluster c = cluster.get();
                if (c != null) {
                    c.printLogTails(context.getDisplayName() + " failed");
                }
            }
        };
    }

    /** Stops every node (in parallel, gracefully). */
    @Override
    public void close() {
        Parallel.run(nodes.size(), i -> nodes.get(i).stop());
    }
}
