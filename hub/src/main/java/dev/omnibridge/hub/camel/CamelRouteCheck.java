package dev.omnibridge.hub.camel;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.util.URISupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code omnibridge validate} for camel-channel and camel-desk instances: loads each instance's YAML into a throw-away
 * Camel context (never started) with the plugins' components, and reports every problem at once under the instance
 * id: YAML errors (with their line), unknown components, endpoints that do not resolve (bad options), and
 * {@code omnibridge:} endpoints that name no camel instance of the configuration.
 */
public final class CamelRouteCheck {
    private CamelRouteCheck() {
    }

    public static List<ConfigProblem> check(HubConfig config, List<ClassLoader> pluginLoaders) {
        List<HubConfig.Instance> camelInstances = config.instances().stream()
                .filter(i -> CamelRouteSettings.isCamelType(i.type())).toList();
        if (camelInstances.isEmpty()) {
            return List.of();
        }
        List<ConfigProblem> problems = new ArrayList<>();
        CamelContext scratch = new DefaultCamelContext();
        try {
            scratch.getCamelContextExtension().setName("omnibridge-validate");
            PluginComponents.install(scratch, pluginLoaders);
            scratch.addComponent(OmnibridgeComponent.SCHEME, new OmnibridgeComponent(
                    CamelHost.camelInstanceIds(config.instances())::contains));
            for (HubConfig.Instance instance : camelInstances) {
                check(scratch, instance, problems);
            }
        } finally {
            try {
                scratch.close();
            } catch (Exception ignored) {
                // a throw-away context; nothing of it outlives the check
            }
        }
        return problems;
    }

    private static void check(CamelContext scratch, HubConfig.Instance instance, List<ConfigProblem> problems) {
        Map<String, Object> raw = instance.settings();
        String key;
        CamelRouteSettings.Source source;
        if (raw.get(CamelRouteSettings.ROUTE) != null && raw.get(CamelRouteSettings.ROUTES) == null) {
            key = CamelRouteSettings.ROUTE;
            source = new CamelRouteSettings.Source(instance.id() + "-inline.camel.yaml",
                    String.valueOf(raw.get(CamelRouteSettings.ROUTE)));
        } else if (raw.get(CamelRouteSettings.ROUTES) != null && raw.get(CamelRouteSettings.ROUTE) == null) {
            key = CamelRouteSettings.ROUTES;
            Path file = Path.of(String.valueOf(raw.get(CamelRouteSettings.ROUTES)));
            try {
                source = new CamelRouteSettings.Source(file.getFileName().toString(), Files.readString(file));
            } catch (java.io.IOException e) {
                problems.add(new ConfigProblem(instance.id(), key, "cannot read routes file " + file
                        + (Files.exists(file) ? ": " + e.getMessage() : ": it does not exist")));
                return;
            }
        } else {
            return; // the settings check says "set exactly one of routes and route"
        }
        Map<String, String> properties = raw.get(CamelRouteSettings.PROPERTIES) == null ? Map.of()
                : CamelRouteSettings.properties(String.valueOf(raw.get(CamelRouteSettings.PROPERTIES)))
                .orElse(Map.of());
        List<RouteDefinition> routes = new ArrayList<>();
        try {
            for (RouteBuilder builder : InstanceRoutes.parse(scratch, instance.id(), source, properties)) {
                routes.addAll(builder.configureRoutes(scratch).getRoutes());
            }
        } catch (Exception | LinkageError e) {
            problems.add(new ConfigProblem(instance.id(), key, "the routes do not load: " + describe(e)));
            return;
        }
        if (routes.isEmpty()) {
            problems.add(new ConfigProblem(instance.id(), key, "defines no route"));
        }
        Set<String> seen = new LinkedHashSet<>();
        for (RouteDefinition route : routes) {
            List<String> uris = new ArrayList<>();
            FromDefinition from = route.getInput();
            if (from != null && from.getEndpointUri() != null) {
                uris.add(from.getEndpointUri());
            }
            collect(route.getOutputs(), uris);
            for (String uri : uris) {
                if (seen.add(uri)) {
                    endpoint(scratch, instance.id(), key, route.getId(), uri).ifPresent(problems::add);
                }
            }
        }
    }

    private static void collect(List<ProcessorDefinition<?>> outputs, List<String> uris) {
        for (ProcessorDefinition<?> p : outputs) {
            if (p instanceof SendDefinition<?> send && send.getEndpointUri() != null) {
                uris.add(send.getEndpointUri());
            } else if (p instanceof ToDynamicDefinition dynamic && dynamic.getUri() != null) {
                // Only the scheme of a dynamic URI is known before it runs.
                String scheme = scheme(dynamic.getUri());
                if (scheme != null && !scheme.contains("$")) {
                    uris.add(scheme + ":");
                }
            }
            collect(p.getOutputs(), uris);
        }
    }

    private static java.util.Optional<ConfigProblem> endpoint(CamelContext scratch, String instanceId, String key,
                                                              String routeId, String uri) {
        String where = "route " + routeId + ": ";
        String resolved;
        try {
            resolved = scratch.resolvePropertyPlaceholders(uri);
        } catch (RuntimeException e) {
            return java.util.Optional.of(new ConfigProblem(instanceId, key, where + "a placeholder in "
                    + URISupport.sanitizeUri(uri) + " has no value: " + describe(e)));
        }
        String scheme = scheme(resolved);
        if (scheme == null) {
            return java.util.Optional.of(new ConfigProblem(instanceId, key, where + "'"
                    + URISupport.sanitizeUri(resolved) + "' is not an endpoint URI (scheme:...)"));
        }
        if (scratch.getComponent(scheme) == null) {
            return java.util.Optional.of(new ConfigProblem(instanceId, key, where + "unknown Camel component '"
                    + scheme + "': the hub has no such component; bundle it in a plugin zip (docs/camel.md)"));
        }
        if (resolved.endsWith(":")) {
            return java.util.Optional.empty(); // the scheme of a dynamic URI: nothing more to check
        }
        try {
            scratch.getEndpoint(resolved);
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            return java.util.Optional.of(new ConfigProblem(instanceId, key, where + "endpoint "
                    + URISupport.sanitizeUri(resolved) + " does not resolve: " + describe(e)));
        }
    }

    private static String scheme(String uri) {
        int colon = uri.indexOf(':');
        return colon <= 0 ? null : uri.substring(0, colon).strip();
    }

    /** The root cause's message, which is where YAML errors name their line. */
    private static String describe(Throwable e) {
        Throwable root = e;
        StringBuilder out = new StringBuilder();
        while (root != null) {
            String m = root.getMessage();
            if (m != null && !m.isBlank() && out.indexOf(m.strip()) < 0) {
                if (out.length() > 0) {
                    out.append(": ");
                }
                out.append(m.strip());
            }
            root = root.getCause() == root ? null : root.getCause();
        }
        String text = out.length() == 0 ? e.getClass().getSimpleName()
                : out.toString().replaceAll("\\s*\\R\\s*", " ");
        return text.length() > 600 ? text.substring(0, 600) + "..." : text;
    }
}
