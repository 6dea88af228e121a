package dev.omnibridge.hub.triage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.hub.calendar.CalendarRegistry;
import dev.omnibridge.hub.config.HubConfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code routes:}, every problem reported. A route:
 * <pre>
 * - name: german                 # optional; unique
 *   from: [email, whatsapp]      # one id or a list; omitted: every channel instance
 *   when: {language: de}         # optional; see {@link ConditionReader#ROUTE_KEYS}
 *   to:                          # one desk id, a list of ids, or a list of {desk: id, assignment...}
 *     - desk: zendesk-de
 *       group: "360000001"
 *   continue: false              # default: false with when, true without (plain routes fan out)
 *   reroute: false               # with when: a match may move an existing conversation
 *   mirror: [replies, status]    # issue 22: what is kept in step between the desks (replies, status, none)
 * </pre>
 * Whether the named instances are channels and desks, and the assignment keys, are checked where the connector
 * types are known ({@code ConfigCheck}).
 */
public final class RoutesSection {
    public static final String KEY = "routes";
    private static final Set<String> ROUTE_KEYS = Set.of("name", "from", "when", "to", "continue", "reroute",
            dev.omnibridge.hub.mirror.MirrorSetting.KEY);

    private RoutesSection() {
    }

    /**
     * @param instanceIds the configured instances, which {@code from} and {@code to} may name
     * @param lists       the lists of {@code triage.lists}, for {@code contactIn}
     */
    public static List<HubConfig.Route> read(JsonNode node, Collection<String> instanceIds, CalendarRegistry calendars,
                                             Map<String, ContactList> lists, List<ConfigProblem> problems) {
        List<HubConfig.Route> routes = new ArrayList<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return routes;
        }
        if (!node.isArray()) {
            problems.add(new ConfigProblem(null, KEY, "must be a list"));
            return routes;
        }
        ConditionReader conditions = new ConditionReader(calendars, lists, problems);
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode item : node) {
            String where = KEY + "[" + index++ + "]";
            if (!item.isObject()) {
                problems.add(new ConfigProblem(null, where, "must be a mapping with from and to"));
                continue;
            }
            for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!ROUTE_KEYS.contains(key)) {
                    problems.add(new ConfigProblem(null, where + "." + key, "unknown key; expected one of "
                            + new TreeSet<>(ROUTE_KEYS)));
                }
            }
            String name = null;
            if (item.hasNonNull("name")) {
                name = item.get("name").asText().strip();
                if (name.isEmpty() || name.contains(",")) {
                    problems.add(new ConfigProblem(null, where + ".name", "must be a non-empty name without commas"));
                } else if (!names.add(name)) {
                    problems.add(new ConfigProblem(null, where + ".name", "route name '" + name
                            + "' is used more than once"));
                }
            }
            List<String> from = new ArrayList<>();
            if (item.has("from")) {
                JsonNode f = item.get("from");
                if (f.isNull() || (f.isTextual() && f.asText().isBlank())) {
                    problems.add(new ConfigProblem(null, where + ".from", "is required when given: a channel "
                            + "instance id or a list of them (omit it for every channel)"));
                } else {
                    from.addAll(conditions.strings(f, where + ".from"));
                }
                for (String id : from) {
                    if (!instanceIds.contains(id)) {
                        problems.add(new ConfigProblem(null, where + ".from", "names unknown instance '" + id + "'"));
                    }
                }
            }
            Condition when = item.hasNonNull("when")
                    ? conditions.read(item.get("when"), where + ".when", ConditionReader.ROUTE_KEYS) : null;
            List<DeskTarget> targets = targets(item.path("to"), where + ".to", instanceIds, problems);
            boolean continues = bool(item, "continue", when == null, where, problems);
            boolean reroute = bool(item, "reroute", false, where, problems);
            if (reroute && when == null) {
                problems.add(new ConfigProblem(null, where + ".reroute", "only a route with conditions (when) can "
                        + "re-route a conversation"));
            }
            dev.omnibridge.hub.mirror.MirrorSetting mirror = dev.omnibridge.hub.mirror.MirrorSetting.read(
                    item.get(dev.omnibridge.hub.mirror.MirrorSetting.KEY), where + "."
                            + dev.omnibridge.hub.mirror.MirrorSetting.KEY, problems);
            routes.add(new HubConfig.Route(name, from, when, targets, continues, reroute, mirror));
        }
        return routes;
    }

    private static List<DeskTarget> targets(JsonNode to, String where, Collection<String> instanceIds,
                                            List<ConfigProblem> problems) {
        List<DeskTarget> targets = new ArrayList<>();
        List<JsonNode> items = new ArrayList<>();
        if (to.isArray()) {
            to.forEach(items::add);
        } else if (!to.isMissingNode() && !to.isNull()) {
            items.add(to);
        }
        for (JsonNode t : items) {
            String desk;
            Map<String, String> assignment = new LinkedHashMap<>();
            if (t.isObject()) {
                desk = t.path("desk").asText("").strip();
                if (desk.isEmpty()) {
                    problems.add(new ConfigProblem(null, where, "each {desk: id, ...} entry needs desk: <desk instance id>"));
                    continue;
                }
                t.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("desk")) {
                        if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                            assignment.put(e.getKey(), e.getValue().asText());
                        } else {
                            problems.add(new ConfigProblem(null, where + "." + desk + "." + e.getKey(),
                                    "must be a plain value (e.g. a group id)"));
                        }
                    }
                });
            } else if (t.isValueNode() && !t.isNull() && !t.asText().isBlank()) {
                desk = t.asText().strip();
            } else {
                problems.add(new ConfigProblem(null, where, "entries must be desk instance ids or {desk: id, ...}"));
                continue;
            }
            if (!instanceIds.contains(desk)) {
                problems.add(new ConfigProblem(null, where, "names unknown instance '" + desk + "'"));
            }
            targets.add(new DeskTarget(desk, assignment));
        }
        if (targets.isEmpty() && problems.stream().noneMatch(p -> where.equals(p.key()))) {
            problems.add(new ConfigProblem(null, where, "must name at least one desk instance"));
        }
        return targets;
    }

    private static boolean bool(JsonNode item, String field, boolean fallback, String where,
                                List<ConfigProblem> problems) {
        JsonNode n = item.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        String text = n.asText().strip();
        if (!text.equals("true") && !text.equals("false")) {
            problems.add(new ConfigProblem(null, where + "." + field, "must be true or false, was '" + text + "'"));
            return fallback;
        }
        return Boolean.parseBoolean(text);
    }
}
