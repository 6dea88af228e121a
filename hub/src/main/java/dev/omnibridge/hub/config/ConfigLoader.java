package dev.omnibridge.hub.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Secret;
import dev.omnibridge.hub.access.AccessConfig;
import dev.omnibridge.hub.access.AccessSection;
import dev.omnibridge.hub.automation.AcknowledgementConfig;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.hub.calendar.CalendarsSection;
import dev.omnibridge.hub.sla.FirstResponseSettings;
import dev.omnibridge.hub.triage.RoutesSection;
import dev.omnibridge.hub.triage.TriageChecks;
import dev.omnibridge.hub.triage.TriageConfig;
import dev.omnibridge.hub.triage.TriageSection;
import dev.omnibridge.hub.identity.IdentityConfig;
import dev.omnibridge.hub.identity.IdentitySection;
import dev.omnibridge.hub.privacy.PrivacyConfig;
import dev.omnibridge.hub.privacy.PrivacySection;
import dev.omnibridge.hub.knowledge.KnowledgeConfig;
import dev.omnibridge.hub.knowledge.KnowledgeSection;
import dev.omnibridge.hub.selfservice.SelfServiceConfig;
import dev.omnibridge.hub.selfservice.SelfServiceSection;
import dev.omnibridge.hub.survey.SurveyConfig;
import dev.omnibridge.hub.survey.SurveySection;
import dev.omnibridge.hub.privacy.StoreKeys;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the YAML configuration, resolving environment references, and collects every problem it finds rather than
 * stopping at the first. Connector settings are checked later, against each connector's {@link ConfigDef}.
 */
public final class ConfigLoader {
    private static final Pattern INSTANCE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<String> TOP_KEYS = Set.of("hub", "calendars", "instances", "routes",
            FirstResponseSettings.SECTION, TriageConfig.KEY, IdentityConfig.KEY, PrivacyConfig.KEY,
            KnowledgeConfig.KEY, SelfServiceConfig.KEY, SurveyConfig.KEY, AccessConfig.KEY);
    private static final Set<String> HUB_KEYS = Set.of("http", "publicUrl", "dataDir", "pluginsDir", "adminToken",
            "store", "delivery", AcknowledgementConfig.KEY, dev.omnibridge.hub.cluster.ClusterConfig.KEY);

    private final EnvReferences env;

    public ConfigLoader(EnvReferences env) {
        this.env = env;
    }

    public static ConfigLoader withSystemEnvironment() {
        return new ConfigLoader(EnvReferences.system());
    }

    /**
     * The configuration (null when it cannot be read at all), every problem found, and the instances kept out of
     * the configuration because of a bad or duplicate id (labelled as in their problems), which {@code validate}
     * still checks against their connector type.
     */
    public record Result(HubConfig config, List<ConfigProblem> problems, List<HubConfig.Instance> rejected) {
        public Result(HubConfig config, List<ConfigProblem> problems) {
            this(config, problems, List.of());
        }

        public boolean hasFatalProblems() {
            return config == null || problems.stream().anyMatch(p -> p.instanceId() == null);
        }
    }

    /**
     * The file's top-level sections as written (environment references not resolved), or null when it cannot be
     * read: what a configuration reload compares to tell which sections changed (issue 24).
     */
    public static JsonNode sections(Path file) {
        try {
            JsonNode root = YamlFile.unreadable(file).isPresent() ? null : YamlFile.read(file);
            return root != null && root.isObject() ? root : null;
        } catch (IOException e) {
            return null;
        }
    }

    public Result load(Path file) {
        List<ConfigProblem> problems = new ArrayList<>();
        Optional<String> unreadable = YamlFile.unreadable(file);
        if (unreadable.isPresent()) {
            problems.add(new ConfigProblem(null, null, unreadable.get()));
            return new Result(null, problems);
        }
        JsonNode root;
        try {
            root = YamlFile.read(file);
        } catch (YamlFile.SyntaxError e) {
            problems.add(new ConfigProblem(null, null, file + ": " + e.getMessage()));
            return new Result(null, problems);
        } catch (IOException e) {
            problems.add(new ConfigProblem(null, null, "cannot read " + file + ": " + e.getClass().getSimpleName()));
            return new Result(null, problems);
        }
        if (root == null || !root.isObject()) {
            problems.add(new ConfigProblem(null, null, file + " must be a YAML mapping with hub, instances, routes"));
            return new Result(null, problems);
        }
        root = resolveEnv(root, "", problems);
        Path base = file.toAbsolutePath().getParent();
        unknownKeys(root, TOP_KEYS, "", problems);
        JsonNode hub = root.path("hub");
        unknownKeys(hub, HUB_KEYS, "hub.", problems);

        JsonNode http = hub.path("http");
        unknownKeys(http, Set.of("host", "port", "maxBodyBytes"), "hub.http.", problems);
        int port = (int) number(http, "port", 8080, 0, 65535, "hub.http.port", problems);
        HubConfig.Http httpConfig = new HubConfig.Http(http.path("host").asText("0.0.0.0"), port,
                number(http, "maxBodyBytes", 1_048_576, 1, Integer.MAX_VALUE, "hub.http.maxBodyBytes", problems));

        URI publicUrl = URI.create("http://localhost:" + port);
        if (hub.hasNonNull("publicUrl")) {
            try {
                publicUrl = URI.create(hub.get("publicUrl").asText().replaceAll("/+$", ""));
                if (!publicUrl.isAbsolute()) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(null, "hub.publicUrl", "must be an absolute URL"));
            }
        }
        String adminToken = hub.path("adminToken").asText("");
        if (adminToken.isEmpty()) {
            problems.add(new ConfigProblem(null, "hub.adminToken", "is required (use ${env:OMNIBRIDGE_ADMIN_TOKEN})"));
        } else {
            Secret.weakness(adminToken).ifPresent(reason -> problems.add(new ConfigProblem(null, "hub.adminToken",
                    reason)));
        }
        JsonNode store = hub.path("store");
        unknownKeys(store, Set.of("url", "username", "password", "compaction", "compactBelowFill",
                        StoreKeys.CONFIG_KEY), "hub.store.", problems);
        HubConfig.Store storeConfig = new HubConfig.Store(store.path("url").asText(null),
                store.path("username").asText(null), store.path("password").asText(null),
                bool(store, "compaction", HubConfig.Store.DEFAULT_COMPACTION, "hub.store.compaction", problems),
                (int) number(store, "compactBelowFill", HubConfig.Store.DEFAULT_COMPACT_BELOW_FILL, 1, 100,
                        "hub.store.compactBelowFill", problems),
                StoreKeys.read(store, problems));
        JsonNode delivery = hub.path("delivery");
        unknownKeys(delivery, Set.of("workers", "maxAttempts", "initialBackoff", "maxBackoff", "window", "order",
                "fileLinkValidity"), "hub.delivery.", problems);
        HubConfig.Delivery deliveryConfig = new HubConfig.Delivery(
                (int) number(delivery, "workers", 16, 1, 1024, "hub.delivery.workers", problems),
                (int) number(delivery, "maxAttempts", 10, 1, 1000, "hub.delivery.maxAttempts", problems),
                duration(delivery, "initialBackoff", "1s", "hub.delivery.initialBackoff", problems),
                duration(delivery, "maxBackoff", "5m", "hub.delivery.maxBackoff", problems),
                (int) number(delivery, "window", HubConfig.Delivery.DEFAULT_WINDOW, 1, 1_000_000,
                        "hub.delivery.window", problems),
                deliveryOrder(delivery, problems), fileLinkValidity(hub, delivery, problems));

        CalendarRegistry calendars = CalendarsSection.read(root.path(CalendarsSection.KEY), problems);
        List<HubConfig.Instance> rejected = new ArrayList<>();
        List<HubConfig.Instance> instances = instances(root.path("instances"), calendars, rejected, problems, base);
        TriageConfig triage = TriageSection.read(root.path(TriageConfig.KEY), calendars, problems);
        List<HubConfig.Route> routes = routes(root.path("routes"), instances, calendars, triage, problems);
        problems.addAll(TriageChecks.check(instances, triage, routes));
        var firstResponse = FirstResponseSettings.read(root.path(FirstResponseSettings.SECTION),
                instances.stream().map(HubConfig.Instance::id).toList(), problems);
        calendars.problemIfUnknown(null, FirstResponseSettings.SECTION + ".calendar",
                firstResponse.defaults().calendar()).ifPresent(problems::add);
        firstResponse.channels().forEach((id, policy) -> {
            if (!java.util.Objects.equals(policy.calendar(), firstResponse.defaults().calendar())) {
                calendars.problemIfUnknown(null, FirstResponseSettings.SECTION + ".channels." + id + ".calendar",
                        policy.calendar()).ifPresent(problems::add);
            }
        });
        AcknowledgementConfig acknowledgements = AcknowledgementConfig.read(hub.path(AcknowledgementConfig.KEY),
                instanceBlocks(root.path("instances"), instances, AcknowledgementConfig.KEY), problems);
        HubConfig config = new HubConfig(httpConfig, publicUrl,
                base.resolve(hub.path("dataDir").asText("data")).normalize(),
                base.resolve(hub.path("pluginsDir").asText("plugins")).normalize(), adminToken,
                storeConfig,
                deliveryConfig, instances, routes, calendars, acknowledgements, firstResponse, triage,
                IdentitySection.read(root.path(IdentityConfig.KEY), instances.stream().map(HubConfig.Instance::id)
                        .toList(), problems),
                PrivacySection.read(root.path(PrivacyConfig.KEY), instances.stream().map(HubConfig.Instance::id)
                        .toList(), problems),
                KnowledgeSection.read(root.path(KnowledgeConfig.KEY), base, instances, problems),
                SelfServiceSection.read(root.path(SelfServiceConfig.KEY), instances, problems),
                SurveySection.read(root.path(SurveyConfig.KEY), instances, calendars, problems),
                AccessSection.read(root.path(AccessConfig.KEY), adminToken, problems))
                // Issue 25: several nodes on one PostgreSQL store.
                .withCluster(dev.omnibridge.hub.cluster.ClusterSection.read(
                        hub.path(dev.omnibridge.hub.cluster.ClusterConfig.KEY), storeConfig, problems));
        return new Result(config, problems, List.copyOf(rejected));
    }

    private List<HubConfig.Instance> instances(JsonNode node, CalendarRegistry calendars,
                                               List<HubConfig.Instance> rejected, List<ConfigProblem> problems, Path base) {
        List<HubConfig.Instance> instances = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return instances;
        }
        if (!node.isArray()) {
            problems.add(new ConfigProblem(null, "instances", "must be a list"));
            return instances;
        }
        Set<String> seen = new HashSet<>();
        int index = 0;
        for (JsonNode item : node) {
            String id = item.path("id").asText("");
            boolean valid = INSTANCE_ID.matcher(id).matches();
            boolean duplicate = valid && seen.contains(id);
            // A duplicate is labelled with its place in the list, so its problems are not mistaken for the first's.
            String label = id.isEmpty() ? "#" + index : duplicate ? id + "#" + index : id;
            index++;
            unknownKeys(item, Set.of("id", "type", "enabled", "calendar", "languages", "settings",
                    AcknowledgementConfig.KEY), "", problems, label);
            if (!valid) {
                problems.add(new ConfigProblem(label, "id",
                        "must be lower-case letters, digits and dashes, starting with a letter or digit"));
            } else if (duplicate) {
                problems.add(new ConfigProblem(label, "id", "'" + id
                        + "' is used by more than one instance; only the first is used"));
            }
            seen.add(id);
            // Checked whatever the id: one run of validate reports every problem of the instance.
            String type = item.path("type").asText("");
            if (type.isEmpty()) {
                problems.add(new ConfigProblem(label, "type", "is required"));
            }
            Map<String, Object> settings = new LinkedHashMap<>();
            JsonNode s = item.path("settings");
            if (s.isObject()) {
                s.fields().forEachRemaining(e -> settings.put(e.getKey(), plain(e.getValue())));
                if (dev.omnibridge.hub.camel.CamelRouteSettings.isCamelType(type)
                        && settings.containsKey(dev.omnibridge.hub.camel.CamelRouteSettings.ROUTES)) {
                    // Issue 23: a camel instance's routes file is relative to this file's directory.
                    settings.put(dev.omnibridge.hub.camel.CamelRouteSettings.ROUTES, dev.omnibridge.hub.camel
                            .CamelRouteSettings.resolveRoutesPath(settings.get("routes"), base));
                }
            } else if (!s.isMissingNode() && !s.isNull()) {
                problems.add(new ConfigProblem(label, "settings", "must be a mapping"));
            }
            String calendar = item.hasNonNull("calendar") ? item.get("calendar").asText().strip() : null;
            calendars.problemIfUnknown(label, "calendar", calendar).ifPresent(problems::add);
            List<String> languages = null;
            if (item.has("languages")) {
                List<ConfigProblem> found = new ArrayList<>();
                languages = TriageSection.languages(languageList(item.get("languages")), "languages", found);
                found.forEach(p -> problems.add(new ConfigProblem(label, p.key(), p.message())));
            }
            HubConfig.Instance instance = new HubConfig.Instance(label, type, item.path("enabled").asBoolean(true),
                    settings, calendar, languages);
            (valid && !duplicate ? instances : rejected).add(instance);
        }
        return instances;
    }

    /** The {@code key} block of each kept instance that has one, by instance id. */
    private static Map<String, JsonNode> instanceBlocks(JsonNode node, List<HubConfig.Instance> kept, String key) {
        Map<String, JsonNode> blocks = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        kept.forEach(i -> ids.add(i.id()));
        if (node.isArray()) {
            for (JsonNode item : node) {
                String id = item.path("id").asText("");
                if (ids.contains(id) && !blocks.containsKey(id) && item.has(key)) {
                    blocks.put(id, item.get(key));
                }
            }
        }
        return blocks;
    }

    /** An instance's {@code languages}: a list, one code, or nothing (null, []): no detection for it. */
    private static List<String> languageList(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isValueNode() && !node.isNull()) {
            for (String part : node.asText().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    private List<HubConfig.Route> routes(JsonNode node, List<HubConfig.Instance> instances,
                                         CalendarRegistry calendars, TriageConfig triage,
                                         List<ConfigProblem> problems) {
        return RoutesSection.read(node, instances.stream().map(HubConfig.Instance::id).toList(), calendars,
                triage.lists(), problems);
    }

    private JsonNode resolveEnv(JsonNode node, String path, List<ConfigProblem> problems) {
        if (node.isTextual()) {
            List<String> missing = new ArrayList<>();
            String resolved = env.resolve(node.asText(), missing);
            for (String name : missing) {
                problems.add(new ConfigProblem(instanceOf(path), keyOf(path),
                        "environment variable " + name + " is not set"));
            }
            return TextNode.valueOf(resolved);
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.fields().forEachRemaining(e ->
                    copy.set(e.getKey(), resolveEnv(e.getValue(), path + "/" + e.getKey(), problems)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            int i = 0;
            for (JsonNode item : node) {
                copy.add(resolveEnv(item, path + "/" + i++ + (item.has("id") ? "=" + item.get("id").asText() : ""),
                        problems));
            }
            return copy;
        }
        return node;
    }

    // Paths look like /instances/0=web/settings/secret: report them as instance 'web', key 'secret'.
    private static String instanceOf(String path) {
        if (!path.startsWith("/instances/")) {
            return null;
        }
        String seg = path.split("/")[2];
        int eq = seg.indexOf('=');
        return eq < 0 ? "#" + seg : seg.substring(eq + 1);
    }

    private static String keyOf(String path) {
        String[] parts = path.split("/");
        if (path.startsWith("/instances/")) {
            return parts.length > 4 ? parts[parts.length - 1] : parts.length > 3 ? parts[3] : null;
        }
        return String.join(".", java.util.Arrays.copyOfRange(parts, 1, parts.length));
    }

    private static Object plain(JsonNode value) {
        if (value.isArray()) {
            List<Object> list = new ArrayList<>();
            value.forEach(v -> list.add(plain(v)));
            return list;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String prefix, List<ConfigProblem> problems) {
        unknownKeys(node, known, prefix, problems, null);
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String prefix, List<ConfigProblem> problems,
                                    String instanceId) {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                problems.add(new ConfigProblem(instanceId, prefix + key, "unknown key; expected one of "
                        + known.stream().sorted().toList()));
            }
        }
    }

    private static long number(JsonNode parent, String field, long fallback, long min, long max, String key,
                               List<ConfigProblem> problems) {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(n.asText().strip());
            if (v < min || v > max) {
                problems.add(new ConfigProblem(null, key, "must be between " + min + " and " + max));
                return fallback;
            }
            return v;
        } catch (NumberFormatException e) {
            problems.add(new ConfigProblem(null, key, "must be a whole number, was '" + n.asText() + "'"));
            return fallback;
        }
    }

    private static boolean bool(JsonNode parent, String field, boolean fallback, String key,
                                List<ConfigProblem> problems) {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        String text = n.asText().strip();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        problems.add(new ConfigProblem(null, key, "must be true or false, was '" + n.asText() + "'"));
        return fallback;
    }

    private static Duration duration(JsonNode parent, String field, String fallback, String key,
                                     List<ConfigProblem> problems) {
        String text = parent.path(field).asText(fallback);
        try {
            return ConfigDef.parseDuration(text);
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem(null, key, e.getMessage() + ", was '" + text + "'"));
            return ConfigDef.parseDuration(fallback);
        }
    }

    /**
     * {@code hub.delivery.fileLinkValidity} (issue 24): how long signed links to stored files stay valid, 1 minute to
     * 365 days, default 7 days; null (no links) without {@code hub.publicUrl}, as the hub's default address
     * (localhost) is no address a customer could open.
     */
    private static Duration fileLinkValidity(JsonNode hub, JsonNode delivery, List<ConfigProblem> problems) {
        boolean set = delivery.hasNonNull("fileLinkValidity");
        Duration validity = duration(delivery, "fileLinkValidity", "7d", "hub.delivery.fileLinkValidity", problems);
        if (validity.compareTo(Duration.ofMinutes(1)) < 0 || validity.compareTo(Duration.ofDays(365)) > 0) {
            problems.add(new ConfigProblem(null, "hub.delivery.fileLinkValidity",
                    "must be between 1m and 365d, was '" + delivery.path("fileLinkValidity").asText() + "'"));
            validity = HubConfig.Delivery.DEFAULT_FILE_LINK_VALIDITY;
        }
        if (!hub.hasNonNull("publicUrl")) {
            if (set) {
                problems.add(new ConfigProblem(null, "hub.delivery.fileLinkValidity",
                        "needs hub.publicUrl: links to stored files must be an address customers can open"));
            }
            return null;
        }
        return validity;
    }

    /** {@code hub.delivery.order}: {@code priority} (default) or {@code fifo}. */
    private static HubConfig.Delivery.Order deliveryOrder(JsonNode delivery, List<ConfigProblem> problems) {
        String text = delivery.path("order").asText("priority").strip();
        for (HubConfig.Delivery.Order order : HubConfig.Delivery.Order.values()) {
            if (order.name().equalsIgnoreCase(text)) {
                return order;
            }
        }
        problems.add(new ConfigProblem(null, "hub.delivery.order", "must be priority or fifo, was '" + text + "'"));
        return HubConfig.Delivery.Order.PRIORITY;
    }

}
