package dev.omnibridge.hub.triage;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The assignments routes give a desk, checked against what its connector type declares it takes
 * ({@code ConnectorType.assignment()}): by {@code validate} and when the desk starts.
 */
public final class AssignmentCheck {
    private AssignmentCheck() {
    }

    /**
     * Every problem of the assignments the routes give {@code desk}, keyed {@code routes[i].to.<desk>.<key>}.
     *
     * @param type     the desk's connector type name, for the messages
     * @param declared the type's {@code assignment()}
     */
    public static List<ConfigProblem> check(List<HubConfig.Route> routes, String desk, String type,
                                            ConfigDef declared) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < routes.size(); i++) {
            for (DeskTarget target : routes.get(i).targets()) {
                if (target.desk().equals(desk) && !target.assignment().isEmpty()) {
                    check(target.assignment(), RoutesSection.KEY + "[" + i + "].to." + desk, type, declared,
                            problems);
                }
            }
        }
        return problems;
    }

    private static void check(Map<String, String> assignment, String where, String type, ConfigDef declared,
                              List<ConfigProblem> problems) {
        if (declared.settings().isEmpty()) {
            problems.add(new ConfigProblem(null, where, "desk type '" + type + "' takes no assignment (got "
                    + new TreeSet<>(assignment.keySet()) + ")"));
            return;
        }
        List<ConfigProblem> found = new ArrayList<>();
        // A route gives only what it wants to set: a declared key that is required does not make others required.
        Map<String, String> given = assignment;
        declared.parse(null, given, found);
        for (ConfigProblem p : found) {
            if (!given.containsKey(p.key()) && p.message().startsWith("required setting is missing")) {
                continue;
            }
            problems.add(new ConfigProblem(null, where + "." + p.key(), p.message().replace(
                    "unknown setting; known settings are", "desk type '" + type + "' takes no such assignment; "
                            + "it takes")));
        }
    }
}
