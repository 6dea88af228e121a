package dev.omnibridge.hub.camel;

import dev.omnibridge.hub.config.HubConfig;
import org.apache.camel.CamelContext;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The hub's Camel context as the built-in camel types see it: the real context (their routes go in it), its
 * {@code omnibridge} component and the conversations' short references. Made before the context exists (the
 * connector types are listed first), attached once the hub has built it; {@code validate} never attaches one.
 */
public final class CamelHost {
    private final Set<String> camelInstances;
    private volatile CamelContext camel;
    private volatile OmnibridgeComponent component;
    private volatile Function<String, Optional<String>> references = id -> Optional.empty();
    // References never change: a bounded memory saves a read per delivery.
    private final Map<String, String> knownReferences = new ConcurrentHashMap<>();

    private CamelHost(Set<String> camelInstances) {
        this.camelInstances = Set.copyOf(camelInstances);
    }

    /** For a configuration: its camel-channel and camel-desk instances are what {@code omnibridge:} may name. */
    public static CamelHost forConfig(HubConfig config) {
        return new CamelHost(camelInstanceIds(config.instances()));
    }

    /** A host with no context, for listing the types ({@code validate} checks routes in its own context). */
    public static CamelHost detached() {
        return new CamelHost(Set.of());
    }

    public static Set<String> camelInstanceIds(List<HubConfig.Instance> instances) {
        return instances.stream().filter(i -> CamelRouteSettings.isCamelType(i.type())).map(HubConfig.Instance::id)
                .collect(Collectors.toSet());
    }

    /**
     * Installs the {@code omnibridge} component and the plugins' components in the hub's context.
     *
     * @param pluginLoaders the class loaders of the loaded plugins, searched for Camel components the hub lacks
     * @param references    a conversation's short reference by its id
     */
    public void attach(CamelContext camel, List<ClassLoader> pluginLoaders,
                       Function<String, Optional<String>> references) {
        List<ClassLoader> fixed = List.copyOf(pluginLoaders);
        attach(camel, () -> fixed, references);
    }

    /**
     * Like {@link #attach(CamelContext, List, Function)}, with the plugins' class loaders asked for on each look-up:
     * plugins loaded or unloaded while the hub runs (issue 24) are searched, or let go, from then on.
     */
    public void attach(CamelContext camel, java.util.function.Supplier<List<ClassLoader>> pluginLoaders,
                       Function<String, Optional<String>> references) {
        PluginComponents.install(camel, pluginLoaders);
        OmnibridgeComponent omnibridge = new OmnibridgeComponent(camelInstances::contains);
        camel.addComponent(OmnibridgeComponent.SCHEME, omnibridge);
        this.references = references;
        this.component = omnibridge;
        this.camel = camel;
    }

    CamelContext camel() {
        if (camel == null) {
            throw new IllegalStateException("the hub's Camel context is not ready");
        }
        return camel;
    }

    OmnibridgeComponent component() {
        if (component == null) {
            throw new IllegalStateException("the hub's Camel context is not ready");
        }
        return component;
    }

    /** The hub's {@code omnibridge} component, once attached (tests, health). */
    public Optional<OmnibridgeComponent> omnibridge() {
        return Optional.ofNullable(component);
    }

    String reference(String conversationId) {
        String known = knownReferences.get(conversationId);
        if (known != null) {
            return known;
        }
        String ref = references.apply(conversationId).orElse(null);
        if (ref != null) {
            if (knownReferences.size() > 10_000) {
                knownReferences.clear();
            }
            knownReferences.put(conversationId, ref);
        }
        return ref;
    }
}
