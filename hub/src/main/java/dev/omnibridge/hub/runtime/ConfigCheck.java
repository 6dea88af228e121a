package dev.omnibridge.hub.runtime;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.plugins.ConnectorCatalog;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.DeskConnector;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks instances against the connector types the plugins provide: types, settings, and route roles. */
public final class ConfigCheck {
    private ConfigCheck() {
    }

    public static List<ConfigProblem> check(HubConfig config, ConnectorCatalog catalog) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (HubConfig.Instance instance : config.instances()) {
            Optional<ConnectorCatalog.Entry> entry = catalog.find(instance.type());
            if (entry.isEmpty()) {
                problems.add(new ConfigProblem(instance.id(), "type", "no plugin provides connector type '"
                        + instance.type() + "' (available: " + catalog.types().keySet() + ")"));
                continue;
            }
            entry.get().type().config().parse(instance.id(), instance.settings(), problems);
            String role = role(entry.get());
            for (HubConfig.Route route : config.routes()) {
                if (route.from().equals(instance.id()) && !"channel".equals(role)) {
                    problems.add(new ConfigProblem(instance.id(), "routes", "is a " + role
                            + " and cannot be a route's 'from' (routes go from channels to desks)"));
                }
                if (route.to().contains(instance.id()) && !"desk".equals(role)) {
                    problems.add(new ConfigProblem(instance.id(), "routes", "is a " + role
                            + " and cannot be a route's 'to' (routes go from channels to desks)"));
                }
            }
        }
        return problems;
    }

    private static String role(ConnectorCatalog.Entry entry) {
        try {
            Connector c = InstanceManager.withLoader(entry.classLoader(), () -> entry.type().create());
            return c instanceof ChannelConnector ? "channel" : c instanceof DeskConnector ? "desk" : "connector";
        } catch (Exception e) {
            return "connector";
        }
    }
}
