package dev.omnibridge.hub.camel;

import org.apache.camel.CamelContext;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * The hub's Camel context as a connector sees it ({@code ConnectorContext.camel()}): what sending and reading need
 * (producer and consumer templates, endpoints, type conversion, registry lookups, languages and data formats), but
 * nothing that stops, suspends, reconfigures or removes what the hub or another instance runs. A connector adds its
 * own routes and components through {@code ConnectorContext.addRoutes} and {@code addComponent}, which the hub
 * removes when the instance stops.
 *
 * <p>An allow-list; every other method is refused with an {@link UnsupportedOperationException} naming it. Limits:
 * a component looked up by name, the registry and a template are the hub's own objects (a connector bent on harm
 * runs in the hub's JVM anyway); the view keeps a well-meaning connector from stopping the hub by mistake.
 */
public final class RestrictedCamelContext implements InvocationHandler {
    /**
     * What a connector may call: templates, endpoints, look-ups and state. Not on the list, so refused: start, stop,
     * suspend, shutdown, add and remove anything, setters, the extension, route controller, executor service
     * manager, properties component, class resolver, global options, and the routes themselves.
     */
    private static final Set<String> ALLOWED = Set.of("createProducerTemplate", "createFluentProducerTemplate",
            "createConsumerTemplate", "getEndpoint", "hasEndpoint", "hasComponent", "getComponentNames",
            "getRouteIds", "getRoutesSize", "getName", "getVersion", "getUptime", "getUptimeMillis", "getStatus",
            "getInjector", "getUuidGenerator", "getManagementName", "getDescription", "getStartDate",
            "isStarted", "isStarting", "isStopped", "isStopping", "isSuspended", "isSuspending", "isRunAllowed",
            "resolvePropertyPlaceholders", "resolveLanguage", "resolveDataFormat", "createDataFormat",
            "getLanguageNames", "getDataFormatNames", "getTypeConverter", "getRegistry", "isVetoStarted",
            "getApplicationContextClassLoader", "getComponent");

    private final CamelContext hub;
    private final String instanceId;

    private RestrictedCamelContext(CamelContext hub, String instanceId) {
        this.hub = hub;
        this.instanceId = instanceId;
    }

    /** A view of {@code hub} for the connector instance {@code instanceId}. */
    public static CamelContext of(CamelContext hub, String instanceId) {
        return (CamelContext) Proxy.newProxyInstance(CamelContext.class.getClassLoader(),
                new Class<?>[]{CamelContext.class}, new RestrictedCamelContext(hub, instanceId));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (method.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "restricted view of Camel context " + hub.getName() + " for " + instanceId;
            };
        }
        if (!ALLOWED.contains(name)) {
            throw new UnsupportedOperationException("CamelContext." + name + " is not available to connector "
                    + instanceId + ": the hub's Camel context is shared; add routes and components through "
                    + "ConnectorContext.addRoutes and addComponent");
        }
        try {
            return method.invoke(hub, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
