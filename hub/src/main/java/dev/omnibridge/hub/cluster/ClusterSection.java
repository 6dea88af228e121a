package dev.omnibridge.hub.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads {@code hub.cluster}, reporting every problem under its key; a bad value is reported and the default stands
 * in. Environment references (the usual {@code nodeId: ${env:OMNIBRIDGE_NODE_ID}}) are already resolved.
 * <pre>
 * hub:
 *   cluster:
 *     enabled: true
 *     nodeId: ${env:OMNIBRIDGE_NODE_ID}   # default: the host name
 *     leaseTtl: 10s                       # 2s to 5m
 *     shards: 64
 *     advertisedUrl: http://10.0.0.5:8080
 * </pre>
 * A cluster needs a PostgreSQL store: the embedded H2 store lives in one node's data directory
 * ({@link #storeProblem}).
 */
public final class ClusterSection {
    public static final String KEY = "hub." + ClusterConfig.KEY;
    public static final Duration MIN_LEASE_TTL = Duration.ofSeconds(2);
    public static final Duration MAX_LEASE_TTL = Duration.ofMinutes(5);
    public static final int MAX_SHARDS = 4096;
    /** A node id: it is a column value, a metric label and part of log lines, so kept plain. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final String NEEDS_POSTGRES = "cluster mode needs a PostgreSQL store (hub.store.url: "
            + "jdbc:postgresql://...); the embedded H2 store is for one node";
    private static final Set<String> KEYS = Set.of("enabled", "nodeId", "leaseTtl", "shards", "advertisedUrl");

    private ClusterSection() {
    }

    /** {@code hub.cluster} with the host name as the default node id. */
    public static ClusterConfig read(JsonNode section, HubConfig.Store store, List<ConfigProblem> problems) {
        return read(section, store, ClusterSection::hostName, problems);
    }

    /**
     * @param store    the store the nodes share: a cluster on another store than PostgreSQL is refused
     * @param hostName the default node id (the host name), or null when unknown
     */
    public static ClusterConfig read(JsonNode section, HubConfig.Store store, Supplier<String> hostName,
                                     List<ConfigProblem> problems) {
        if (section == null || section.isMissingNode() || section.isNull()) {
            return ClusterConfig.off();
        }
        if (!section.isObject()) {
            problems.add(new ConfigProblem(null, KEY, "must be a mapping (enabled, nodeId, leaseTtl, shards, "
                    + "advertisedUrl)"));
            return ClusterConfig.off();
        }
        for (Iterator<String> it = section.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                problems.add(new ConfigProblem(null, KEY + "." + key, "unknown key; expected one of "
                        + KEYS.stream().sorted().toList()));
            }
        }
        boolean enabled = enabled(section.path("enabled"), problems);
        String nodeId = nodeId(section.path("nodeId"), enabled, hostName, problems);
        Duration leaseTtl = leaseTtl(section.path("leaseTtl"), problems);
        int shards = shards(section.path("shards"), problems);
        URI advertisedUrl = advertisedUrl(section.path("advertisedUrl"), problems);
        if (enabled) {
            storeProblem(store).ifPresent(problems::add);
        }
        return new ClusterConfig(enabled, nodeId, leaseTtl, shards, advertisedUrl);
    }

    /**
     * Why {@code store} cannot hold a cluster (empty: it can). The nodes share the store, so it must be a database
     * server they all reach; the hub's cluster SQL (leases, the writer lock, notifications) is PostgreSQL's.
     */
    public static Optional<ConfigProblem> storeProblem(HubConfig.Store store) {
        if (store == null || store.embedded() || !store.url().strip().startsWith("jdbc:postgresql:")) {
            return Optional.of(new ConfigProblem(null, KEY + ".enabled", NEEDS_POSTGRES));
        }
        return Optional.empty();
    }

    private static boolean enabled(JsonNode n, List<ConfigProblem> problems) {
        if (n.isMissingNode() || n.isNull()) {
            return false;
        }
        String text = n.asText().strip();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        problems.add(new ConfigProblem(null, KEY + ".enabled", "must be true or false, was '" + n.asText() + "'"));
        return false;
    }

    private static String nodeId(JsonNode n, boolean enabled, Supplier<String> hostName,
                                 List<ConfigProblem> problems) {
        String key = KEY + ".nodeId";
        if (n.isMissingNode() || n.isNull() || n.asText().isBlank()) {
            String host = hostName.get();
            if (host != null && NODE_ID.matcher(host).matches()) {
                return host;
            }
            if (enabled) {
                problems.add(new ConfigProblem(null, key, "is required: the host name cannot serve as node id; "
                        + "set it per node, e.g. nodeId: ${env:OMNIBRIDGE_NODE_ID}"));
            }
            return null;
        }
        String id = n.asText().strip();
        if (!NODE_ID.matcher(id).matches()) {
            // Not echoed: it may come from an environment variable holding anything.
            problems.add(new ConfigProblem(null, key, "must be 1-64 letters, digits, '.', '_' or '-' (one value "
                    + "per node, unique in the cluster)"));
            return null;
        }
        return id;
    }

    private static Duration leaseTtl(JsonNode n, List<ConfigProblem> problems) {
        if (n.isMissingNode() || n.isNull()) {
            return ClusterConfig.DEFAULT_LEASE_TTL;
        }
        String key = KEY + ".leaseTtl";
        try {
            Duration d = ConfigDef.parseDuration(n.asText().strip());
            if (d.compareTo(MIN_LEASE_TTL) < 0 || d.compareTo(MAX_LEASE_TTL) > 0) {
                problems.add(new ConfigProblem(null, key, "must be between 2s and 5m, was '" + n.asText() + "'"));
                return ClusterConfig.DEFAULT_LEASE_TTL;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem(null, key, e.getMessage() + ", was '" + n.asText() + "'"));
            return ClusterConfig.DEFAULT_LEASE_TTL;
        }
    }

    private static int shards(JsonNode n, List<ConfigProblem> problems) {
        if (n.isMissingNode() || n.isNull()) {
            return ClusterConfig.DEFAULT_SHARDS;
        }
        try {
            int v = Integer.parseInt(n.asText().strip());
            if (v >= 1 && v <= MAX_SHARDS) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(new ConfigProblem(null, KEY + ".shards", "must be a whole number from 1 to " + MAX_SHARDS
                + ", was '" + n.asText() + "'"));
        return ClusterConfig.DEFAULT_SHARDS;
    }

    private static URI advertisedUrl(JsonNode n, List<ConfigProblem> problems) {
        if (n.isMissingNode() || n.isNull() || n.asText().isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(n.asText().strip().replaceAll("/+$", ""));
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.isAbsolute() && (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(new ConfigProblem(null, KEY + ".advertisedUrl", "must be an absolute http(s) URL where the "
                + "other nodes reach this one, e.g. http://10.0.0.5:8080"));
        return null;
    }

    /** The host name ({@code HOSTNAME}, else the resolver's), or null. */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return null;
        }
    }
}
