package dev.omnibridge.hub.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteBuilderLifecycleStrategy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routes of one camel instance in a Camel context: loaded from YAML DSL with ids prefixed by the instance id
 * ({@code <instance>.<id>}, or {@code <instance>.route-<n>} for a route without one) and the instance's properties as
 * {@code {{placeholders}}}; stopped and removed with the components their loading created.
 */
final class InstanceRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceRoutes.class);

    private final CamelContext camel;
    private final String instanceId;
    private final List<String> routeIds = new ArrayList<>();
    private final List<String> components = new ArrayList<>();

    InstanceRoutes(CamelContext camel, String instanceId) {
        this.camel = camel;
        this.instanceId = instanceId;
    }

    /** Parses the YAML and builds its route definitions, with prefixed ids, without adding them anywhere. */
    static List<RouteBuilder> parse(CamelContext camel, String instanceId, CamelRouteSettings.Source source,
                                    Map<String, String> properties) throws Exception {
        Collection<RoutesBuilder> found = PluginHelper.getRoutesLoader(camel).findRoutesBuilders(
                List.of(ResourceHelper.fromString(source.name().endsWith(".yaml") || source.name().endsWith(".yml")
                        ? source.name() : source.name() + ".yaml", placeholders(source.yaml(), properties))));
        List<RouteBuilder> builders = new ArrayList<>();
        int[] n = {0};
        for (RoutesBuilder b : found) {
            if (!(b instanceof RouteBuilder rb)) {
                throw new IllegalArgumentException("unexpected routes builder " + b.getClass().getName());
            }
            rb.addLifecycleInterceptor(new RouteBuilderLifecycleStrategy() {
                @Override
                public void afterConfigure(RouteBuilder builder) {
                    for (RouteDefinition route : builder.getRouteCollection().getRoutes()) {
                        n[0]++;
                        String own = route.hasCustomIdAssigned() ? route.getId() : null;
                        // setId, not routeId(): the YAML's own id counts as set once already.
                        route.setId(instanceId + "." + (own == null || own.isBlank() ? "route-" + n[0] : own));
                        route.setCustomId(true);
                    }
                }
            });
            builders.add(rb);
        }
        return builders;
    }

    /**
     * The YAML with the instance's {@code {{name}}} placeholders replaced by their values. Camel's placeholders are
     * the whole context's (its local properties are taken over by its own route creation), so the instance's own are
     * put in before Camel reads the text: one YAML file serves two instances, and an instance never sees another's
     * values. Names the instance does not define stay for Camel ({@code {{env:NAME}}}, {@code {{name:default}}}).
     */
    static String placeholders(String yaml, Map<String, String> properties) {
        if (properties.isEmpty() || !yaml.contains("{{")) {
            return yaml;
        }
        StringBuilder out = new StringBuilder(yaml.length());
        int at = 0;
        while (true) {
            int open = yaml.indexOf("{{", at);
            int close = open < 0 ? -1 : yaml.indexOf("}}", open + 2);
            if (close < 0) {
                out.append(yaml, at, yaml.length());
                return out.toString();
            }
            String name = yaml.substring(open + 2, close).strip();
            String value = properties.get(name);
            out.append(yaml, at, open).append(value != null ? value : yaml.substring(open, close + 2));
            at = close + 2;
        }
    }

    /** Adds and starts the instance's routes; on failure removes what it added and throws. */
    void start(CamelRouteSettings.Source source, Map<String, String> properties) throws Exception {
        Set<String> componentsBefore = new HashSet<>(camel.getComponentNames());
        Set<String> routesBefore = new HashSet<>();
        camel.getRoutes().forEach(r -> routesBefore.add(r.getRouteId()));
        try {
            for (RouteBuilder builder : parse(camel, instanceId, source, properties)) {
                camel.addRoutes(builder);
            }
        } catch (Exception | LinkageError e) {
            record(routesBefore, componentsBefore);
            stop();
            throw e;
        }
        record(routesBefore, componentsBefore);
        LOG.info("Instance {}: {} Camel route(s) started: {}", instanceId, routeIds.size(), routeIds);
    }

    private void record(Set<String> routesBefore, Set<String> componentsBefore) {
        camel.getRoutes().forEach(r -> {
            if (!routesBefore.contains(r.getRouteId()) && r.getRouteId().startsWith(instanceId + ".")
                    && !routeIds.contains(r.getRouteId())) {
                routeIds.add(r.getRouteId());
            }
        });
        camel.getComponentNames().forEach(name -> {
            if (!componentsBefore.contains(name) && !components.contains(name)
                    && !OmnibridgeComponent.SCHEME.equals(name)) {
                components.add(name);
            }
        });
    }

    List<String> routeIds() {
        return List.copyOf(routeIds);
    }

    /** Stops and removes the routes, then the components their loading created that no other route still uses. */
    void stop() {
        for (String id : routeIds) {
            try {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            } catch (Exception e) {
                LOG.warn("Instance {}: removing route {} failed: {}", instanceId, id, e.getMessage());
            }
        }
        routeIds.clear();
        for (String name : components) {
            boolean inUse = camel.getEndpoints().stream().anyMatch(e -> e.getEndpointUri().startsWith(name + ":"));
            if (!inUse) {
                Component removed = camel.removeComponent(name);
                if (removed != null) {
                    try {
                        removed.close();
                    } catch (Exception e) {
                        LOG.debug("Instance {}: closing component {} failed: {}", instanceId, name, e.toString());
                    }
                }
            }
        }
        components.clear();
    }
}
