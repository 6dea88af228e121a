package dev.omnibridge.hub.triage;

import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.config.HubConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks across the {@code triage:} section, the instances and the routes that no single section can make: rules
 * and routes that can never fire or match (a language no channel they apply to detects, a channel condition naming
 * no instance or none of the route's channels, anything after a rule or route that always stops).
 */
public final class TriageChecks {
    private TriageChecks() {
    }

    public static List<ConfigProblem> check(List<HubConfig.Instance> instances, TriageConfig triage,
                                            List<HubConfig.Route> routes) {
        List<ConfigProblem> problems = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        instances.forEach(i -> ids.add(i.id()));
        String alwaysStops = null;
        for (int i = 0; i < triage.rules().size(); i++) {
            Rule rule = triage.rules().get(i);
            String where = TriageConfig.KEY + ".rules[" + i + "](" + rule.name() + ")";
            if (alwaysStops != null) {
                problems.add(new ConfigProblem(null, where, "can never fire: rule '" + alwaysStops + "' before it "
                        + "fires for every message and stops"));
            }
            Collection<String> channels = channels(rule.when(), ids, where, problems);
            undetected(rule.when(), channels, instances, triage, where, problems);
            if (rule.stop() && rule.when().isAlways() && alwaysStops == null) {
                alwaysStops = rule.name();
            }
        }
        for (int i = 0; i < routes.size(); i++) {
            HubConfig.Route route = routes.get(i);
            String where = RoutesSection.KEY + "[" + i + "]";
            Set<String> from = new LinkedHashSet<>(route.from().isEmpty() ? ids : route.from());
            from.retainAll(ids);
            if (route.when() == null) {
                continue;
            }
            Collection<String> channels = channels(route.when(), ids, where, problems);
            Set<String> reachable = new LinkedHashSet<>(from);
            if (route.when().channels() != null) {
                reachable.retainAll(route.when().channels());
                if (reachable.isEmpty() && !from.isEmpty()) {
                    problems.add(new ConfigProblem(null, where + ".when.channel", "can never match: none of the "
                            + "route's channels " + new TreeSet<>(from) + " is in its channel condition"));
                }
            }
            undetected(route.when(), channels == ids ? reachable : channels, instances, triage, where, problems);
        }
        shadowedRoutes(routes, ids, problems);
        return problems;
    }

    /** The channels a condition applies to; reports channel ids that name no instance. */
    private static Collection<String> channels(Condition when, Set<String> ids, String where,
                                               List<ConfigProblem> problems) {
        if (when.channels() == null) {
            return ids;
        }
        for (String c : when.channels()) {
            if (!ids.contains(c)) {
                problems.add(new ConfigProblem(null, where + ".when.channel", "names unknown instance '" + c + "'"));
            }
        }
        return when.channels();
    }

    /**
     * A language condition for a language that no channel it applies to detects can never hold (the language
     * detection chooses among is a closed list), unless none of those channels detects at all.
     */
    private static void undetected(Condition when, Collection<String> channels, List<HubConfig.Instance> instances,
                                   TriageConfig triage, String where, List<ConfigProblem> problems) {
        Set<String> detected = new LinkedHashSet<>();
        for (HubConfig.Instance instance : instances) {
            if (channels.contains(instance.id())) {
                detected.addAll(instance.languages() != null ? instance.languages() : triage.languages());
            }
        }
        if (detected.isEmpty()) {
            // No detection there: the language can only come from the channel (e.g. a webhook sender's canonical
            // JSON), which may give any.
            return;
        }
        for (String language : when.languages()) {
            String primary = language.contains("-") ? language.substring(0, language.indexOf('-')) : language;
            if (!language.equals(Condition.UNKNOWN_LANGUAGE) && !detected.contains(primary)) {
                problems.add(new ConfigProblem(null, where + ".when.language", "can never match: language '"
                        + language + "' is not detected on any channel it applies to (detected: "
                        + new TreeSet<>(detected) + ")"));
            }
        }
    }

    /** A route after one that takes every message of all its channels and stops is never reached. */
    private static void shadowedRoutes(List<HubConfig.Route> routes, Set<String> ids,
                                       List<ConfigProblem> problems) {
        List<String> stoppedBy = new ArrayList<>();
        Set<String> stopped = new LinkedHashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            HubConfig.Route route = routes.get(i);
            Set<String> from = new LinkedHashSet<>(route.from().isEmpty() ? ids : route.from());
            from.retainAll(ids);
            if (!from.isEmpty() && stopped.containsAll(from)) {
                problems.add(new ConfigProblem(null, RoutesSection.KEY + "[" + i + "]", "can never match: "
                        + String.join(", ", stoppedBy) + " before it take" + (stoppedBy.size() == 1 ? "s" : "")
                        + " every message of " + (from.size() == 1 ? "its channel" : "its channels " + from)
                        + " and stop" + (stoppedBy.size() == 1 ? "s" : "")));
            }
            boolean catchAll = route.when() == null || route.when().isAlways();
            if (catchAll && !route.continues() && !stopped.containsAll(from)) {
                stopped.addAll(from);
                stoppedBy.add(RoutesSection.KEY + "[" + i + "]" + (route.name() == null ? "" : " (" + route.name()
                        + ")"));
            }
        }
    }
}
