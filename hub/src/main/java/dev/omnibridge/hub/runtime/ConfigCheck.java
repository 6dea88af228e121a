package dev.omnibridge.hub.runtime;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.automation.AcknowledgementConfig;
import dev.omnibridge.hub.automation.CalendarLookup;
import dev.omnibridge.hub.config.HubConfig;
import dev.omnibridge.hub.plugins.ConnectorCatalog;
import dev.omnibridge.hub.triage.AssignmentCheck;
import dev.omnibridge.hub.triage.DeskTarget;
import dev.omnibridge.spi.ChannelConnector;
import dev.omnibridge.spi.Connector;
import dev.omnibridge.spi.DeskConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Checks instances against the connector types the plugins provide: types, settings, and route roles. */
public final class ConfigCheck {
    private ConfigCheck() {
    }

    public static List<ConfigProblem> check(HubConfig config, ConnectorCatalog catalog) {
        return check(config, List.of(), catalog);
    }

    /**
     * @param rejected instances the loader kept out of the configuration (bad or duplicate id): their type and
     *                 settings are still checked, so one run of {@code validate} reports all their problems
     */
    public static List<ConfigProblem> check(HubConfig config, List<HubConfig.Instance> rejected,
                                            ConnectorCatalog catalog) {
        CalendarLookup calendars = config.calendars()::find;
        List<ConfigProblem> problems = new ArrayList<>(config.acknowledgements().unknownCalendars(calendars));
        Map<String, String> roles = new HashMap<>();
        List<HubConfig.Instance> all = new ArrayList<>(config.instances());
        all.addAll(rejected);
        for (HubConfig.Instance instance : all) {
            if (instance.type().isEmpty()) {
                continue; // the loader reported it
            }
            Optional<ConnectorCatalog.Entry> entry = catalog.find(instance.type());
            if (entry.isEmpty()) {
                problems.add(new ConfigProblem(instance.id(), "type", catalog.missingTypeReason(instance.type())));
                continue;
            }
            InstanceSettings.parse(entry.get().type().config(), instance.id(), instance.settings(),
                    config.calendars(), problems);
            roles.put(instance.id(), role(entry.get()));
            if (config.acknowledgements().hasOwnBlock(instance.id()) && !"channel".equals(roles.get(instance.id()))) {
                problems.add(new ConfigProblem(instance.id(), AcknowledgementConfig.KEY, "only channel instances "
                        + "acknowledge customer messages; " + instance.id() + " is a " + roles.get(instance.id())));
            }
        }
        // Issue 21: the self-service bot answers customers, so its per-instance settings name channels only.
        config.selfService().channels().keySet().forEach(id -> {
            String role = roles.get(id);
            if (role != null && !"channel".equals(role)) {
                problems.add(new ConfigProblem(null, "selfService.channels." + id, "'" + id + "' is a " + role
                        + ", not a channel: the self-service bot answers customers on channel instances"));
            }
        });
        // surveys.channels names channel instances only (a desk has no customer to ask).
        for (String id : config.surveys().channels().keySet()) {
            String role = roles.get(id);
            if (role != null && !"channel".equals(role)) {
                problems.add(new ConfigProblem(null, dev.omnibridge.hub.survey.SurveyConfig.KEY + ".channels." + id,
                        "'" + id + "' is a " + role + ", not a channel (surveys go to customers on channels)"));
            }
        }
        // Under the route, not the instance: the route is what to change, the instance may be right as it is.
        for (int i = 0; i < config.routes().size(); i++) {
            HubConfig.Route route = config.routes().get(i);
            for (String from : route.from()) {
                String fromRole = roles.get(from);
                if (fromRole != null && !"channel".equals(fromRole)) {
                    problems.add(new ConfigProblem(null, "routes[" + i + "].from", "'" + from + "' is a "
                            + fromRole + ", not a channel (routes go from channels to desks)"));
                }
            }
            for (DeskTarget target : route.targets()) {
                String to = target.desk();
                String toRole = roles.get(to);
                if (toRole != null && !"desk".equals(toRole)) {
                    problems.add(new ConfigProblem(null, "routes[" + i + "].to", "'" + to + "' is a " + toRole
                            + ", not a desk (routes go from channels to desks)"));
                }
            }
        }
        for (HubConfig.Instance instance : config.instances()) {
            if ("desk".equals(roles.get(instance.id()))) {
                catalog.find(instance.type()).ifPresent(entry -> problems.addAll(AssignmentCheck.check(
                        config.routes(), instance.id(), instance.type(), entry.type().assignment())));
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
