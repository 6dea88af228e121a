package dev.omnibridge.systemtest.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a hub configuration (docs/contracts.md) a test chooses. {@link HubProcess} adds the rest: a free
 * port, dataDir and pluginsDir in the test's work dir, and the admin token taken from the environment.
 */
public final class HubConfig {
    private record Instance(String id, String type, Map<String, ?> settings) {
    }

    private record Route(String from, List<String> to) {
    }

    private Integer maxBodyBytes;
    private final Map<String, Object> delivery = new LinkedHashMap<>();
    private final Map<String, Object> store = new LinkedHashMap<>();
    private final Map<String, Object> acknowledgements = new LinkedHashMap<>();
    private final Map<String, Object> cluster = new LinkedHashMap<>();
    private final Map<String, String[]> ackTemplates = new LinkedHashMap<>();
    private final List<Instance> instances = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Object> firstResponse = new LinkedHashMap<>();
    private final Map<String, Map<String, ?>> calendars = new LinkedHashMap<>();
    private final Map<String, List<String>> languages = new LinkedHashMap<>();
    private final List<String> routeItems = new ArrayList<>();
    private String triage;
    private String identity;
    private String privacy;
    /** Further top-level sections (issue 21: knowledge, selfService, surveys), each as YAML lines indented under it. */
    private final Map<String, String> sections = new java.util.LinkedHashMap<>();

    public static HubConfig create() {
        return new HubConfig();
    }

    public HubConfig maxBodyBytes(int bytes) {
        this.maxBodyBytes = bytes;
        return this;
    }

    /** A key of {@code hub.delivery}: workers, maxAttempts, initialBackoff, maxBackoff. */
    public HubConfig delivery(String key, Object value) {
        delivery.put(key, value);
        return this;
    }

    /** A key of {@code hub.store}: e.g. compaction, compactBelowFill. */
    public HubConfig store(String key, Object value) {
        store.put(key, value);
        return this;
    }

    /** The store on PostgreSQL: {@code hub.store.url} this JDBC URL, user {@code postgres}, no password. */
    public HubConfig postgres(String jdbcUrl) {
        return store("url", jdbcUrl).store("username", "postgres").store("password", "");
    }

    /**
     * Cluster mode (issue 25): {@code hub.cluster: {enabled: true, nodeId: <nodeId>}} with the default lease ttl
     * (10 s). Needs the store on PostgreSQL ({@link #postgres}). {@link HubCluster} sets it per node.
     */
    public HubConfig cluster(String nodeId) {
        return cluster(nodeId, null);
    }

    /** Cluster mode with this lease ttl (tests use 3 s for quick take-overs); null leaves the default. */
    public HubConfig cluster(String nodeId, java.time.Duration leaseTtl) {
        cluster.put("enabled", true);
        cluster.put("nodeId", nodeId);
        if (leaseTtl != null) {
            cluster.put("leaseTtl", leaseTtl.toMillis() % 1000 == 0 ? leaseTtl.toSeconds() + "s" : leaseTtl.toMillis() + "ms");
        }
        return this;
    }

    /** A further key of {@code hub.cluster} (e.g. shards, advertisedUrl), after {@link #cluster(String)}. */
    public HubConfig clusterSetting(String key, Object value) {
        cluster.put(key, value);
        return this;
    }

    /** A copy of this configuration (each {@link HubCluster} node renders its own, differing only by node id). */
    public HubConfig copy() {
        HubConfig c = new HubConfig();
        c.maxBodyBytes = maxBodyBytes;
        c.delivery.putAll(delivery);
        c.store.putAll(store);
        c.acknowledgements.putAll(acknowledgements);
        c.cluster.putAll(cluster);
        c.ackTemplates.putAll(ackTemplates);
        c.instances.addAll(instances);
        c.routes.addAll(routes);
        c.firstResponse.putAll(firstResponse);
        c.calendars.putAll(calendars);
        c.languages.putAll(languages);
        c.routeItems.addAll(routeItems);
        c.triage = triage;
        c.identity = identity;
        c.privacy = privacy;
        c.sections.putAll(sections);
        return c;
    }

    /** A key of the top-level {@code firstResponse} section: e.g. normal, warnAt, warningNote, calendar. */
    public HubConfig firstResponse(String key, Object value) {
        firstResponse.put(key, value);
        return this;
    }

    /** A business calendar under {@code calendars:}: timeZone, hours, holidays and exceptions (lists or strings). */
    public HubConfig calendar(String name, Map<String, ?> definition) {
        calendars.put(name, definition);
        return this;
    }

    /** A key of {@code hub.acknowledgements}: enabled, quietPeriod, calendar, defaultLanguage, channelName... */
    public HubConfig acknowledgements(String key, Object value) {
        acknowledgements.put(key, value);
        return this;
    }

    /** A language's texts in {@code hub.acknowledgements.templates}. */
    public HubConfig acknowledgementTemplate(String language, String inHours, String outOfHours) {
        ackTemplates.put(language, new String[] {inHours, outOfHours});
        return this;
    }

    public HubConfig instance(String id, String type, Map<String, ?> settings) {
        instances.add(new Instance(id, type, settings));
        return this;
    }

    public HubConfig channel(String id, String secret, String callbackUrl) {
        return instance(id, "webhook-channel", Map.of("secret", secret, "callbackUrl", callbackUrl));
    }

    public HubConfig desk(String id, String url, String secret) {
        return instance(id, "webhook-desk", Map.of("url", url, "secret", secret));
    }

    public HubConfig route(String from, String... to) {
        routes.add(new Route(from, List.of(to)));
        return this;
    }

    /**
     * A route written in YAML as one item of {@code routes:} (docs/contracts.md "Triage and routing rules"), e.g. a
     * route with {@code name}, {@code when} and {@code to} with an assignment; lines indented as under
     * {@code routes:} ({@code "  - name: german\n    from: web\n..."}). Comes after the plain routes.
     */
    public HubConfig routeYaml(String item) {
        routeItems.add(item.endsWith("\n") ? item : item + "\n");
        return this;
    }

    /**
     * A top-level section by name ({@code knowledge}, {@code selfService}, {@code surveys}), as YAML lines indented
     * under it; set again, it replaces the earlier one.
     */
    public HubConfig section(String key, String body) {
        sections.put(key, body.endsWith("\n") ? body : body + "\n");
        return this;
    }

    /** The top-level {@code privacy:} section (issue 20), as YAML lines indented under it. */
    public HubConfig privacy(String body) {
        this.privacy = body.endsWith("\n") ? body : body + "\n";
        return this;
    }

    /** The top-level {@code triage:} section, as YAML lines indented under it. */
    public HubConfig triage(String body) {
        this.triage = body.endsWith("\n") ? body : body + "\n";
        return this;
    }

    /** The top-level {@code identity:} section (e.g. {@code replyFallback}), as YAML lines indented under it. */
    public HubConfig identity(String body) {
        this.identity = body.endsWith("\n") ? body : body + "\n";
        return this;
    }

    /**
     * The secrets this configuration gives the hub: values of instance settings whose name says secret, token,
     * password or key, and the admin token. Never to be seen in the hub's log or admin API ({@link HubLogScan}).
     */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        secrets.add(HubProcess.ADMIN_TOKEN);
        for (Instance instance : instances) {
            instance.settings().forEach((k, v) -> {
                String key = k.toLowerCase(java.util.Locale.ROOT);
                if (v != null && (key.contains("secret") || key.contains("token") || key.contains("password")
                        || key.endsWith("key")) && !String.valueOf(v).startsWith("${")) {
                    secrets.add(String.valueOf(v));
                }
            });
        }
        return secrets;
    }

    /** An instance's {@code languages}: the languages detection chooses among for its messages. */
    public HubConfig languages(String instanceId, String... tags) {
        languages.put(instanceId, List.of(tags));
        return this;
    }

    String render(int port, Path dataDir, Path pluginsDir) {
        StringBuilder yaml = new StringBuilder("hub:\n")
                .append("  http:\n")
                .append("    host: 127.0.0.1\n")
                .append("    port: ").append(port).append('\n');
        if (maxBodyBytes != null) {
            yaml.append("    maxBodyBytes: ").append(maxBodyBytes).append('\n');
        }
        yaml.append("  dataDir: ").append(scalar(dataDir.toString())).append('\n')
                .append("  pluginsDir: ").append(scalar(pluginsDir.toString())).append('\n')
                .append("  adminToken: ${env:").append(HubProcess.ADMIN_TOKEN_ENV).append("}\n");
        if (!store.isEmpty()) {
            yaml.append("  store:\n");
            store.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(scalar(v)).append('\n'));
        }
        if (!cluster.isEmpty()) {
            yaml.append("  cluster:\n");
            cluster.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(scalar(v)).append('\n'));
        }
        if (!delivery.isEmpty()) {
            yaml.append("  delivery:\n");
            delivery.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(scalar(v)).append('\n'));
        }
        if (!acknowledgements.isEmpty() || !ackTemplates.isEmpty()) {
            yaml.append("  acknowledgements:\n");
            acknowledgements.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(scalar(v))
                    .append('\n'));
            if (!ackTemplates.isEmpty()) {
                yaml.append("    templates:\n");
                ackTemplates.forEach((language, texts) -> yaml.append("      ").append(language).append(":\n")
                        .append("        inHours: ").append(scalar(texts[0])).append('\n')
                        .append("        outOfHours: ").append(scalar(texts[1])).append('\n'));
            }
        }
        if (!calendars.isEmpty()) {
            yaml.append("calendars:\n");
            calendars.forEach((name, definition) -> {
                yaml.append("  ").append(scalar(name)).append(":\n");
                definition.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v instanceof List<?> l
                        ? "[" + String.join(", ", l.stream().map(HubConfig::scalar).toList()) + "]"
                        : scalar(v)).append('\n'));
            });
        }
        yaml.append("instances:\n");
        for (Instance instance : instances) {
            yaml.append("  - id: ").append(scalar(instance.id())).append('\n')
                    .append("    type: ").append(scalar(instance.type())).append('\n');
            if (languages.containsKey(instance.id())) {
                yaml.append("    languages: [").append(String.join(", ", languages.get(instance.id()).stream()
                        .map(HubConfig::scalar).toList())).append("]\n");
            }
            yaml.append("    settings:").append(instance.settings().isEmpty() ? " {}\n" : "\n");
            instance.settings().forEach((k, v) ->
                    yaml.append("      ").append(k).append(": ").append(scalar(v)).append('\n'));
        }
        yaml.append(routes.isEmpty() && routeItems.isEmpty() ? "routes: []\n" : "routes:\n");
        for (Route route : routes) {
            yaml.append("  - from: ").append(scalar(route.from())).append('\n')
                    .append("    to: [").append(String.join(", ", route.to().stream().map(HubConfig::scalar).toList()))
                    .append("]\n");
        }
        routeItems.forEach(yaml::append);
        sections.forEach((key, body) -> yaml.append(key).append(":\n").append(body));
        if (privacy != null) {
            yaml.append("privacy:\n").append(privacy);
        }
        if (triage != null) {
            yaml.append("triage:\n").append(triage);
        }
        if (identity != null) {
            yaml.append("identity:\n").append(identity);
        }
        if (!firstResponse.isEmpty()) {
            yaml.append("firstResponse:\n");
            firstResponse.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(scalar(v)).append('\n'));
        }
        return yaml.toString();
    }

    /**
     * Numbers and booleans plain, maps and lists in JSON's flow syntax (e.g. a camel instance's {@code properties} and
     * {@code events}), everything else as a double-quoted scalar (JSON is valid YAML).
     */
    private static String scalar(Object value) {
        if (value instanceof Map<?, ?> || value instanceof java.util.Collection<?>) {
            return Json.write(value);
        }
        return value instanceof Number || value instanceof Boolean ? value.toString() : Json.write(String.valueOf(value));
    }
}
