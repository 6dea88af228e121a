package dev.omnibridge.hub.analytics;

import dev.omnibridge.hub.store.AnalyticsQueries;
import dev.omnibridge.hub.store.AnalyticsQueries.By;
import dev.omnibridge.hub.store.AnalyticsQueries.Event;
import dev.omnibridge.hub.store.AnalyticsQueries.Open;
import dev.omnibridge.hub.store.AnalyticsQueries.Rating;
import dev.omnibridge.hub.store.AnalyticsQueries.Scope;
import dev.omnibridge.hub.store.AnalyticsQueries.Target;
import dev.omnibridge.hub.store.AnalyticsQueries.Timed;
import dev.omnibridge.hub.store.AnalyticsVolumes.HourCount;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Service figures from the journal (docs/analytics.md has the definitions): volumes, first-response and resolution
 * times, the bot's containment, satisfaction, first-response breaches and the backlog. Each answer is an
 * {@link AnalyticsReport} (JSON and CSV). Reads only; the store does the range and the filters through indexes, this
 * class the grouping and the percentiles.
 */
public final class ServiceAnalytics {
    /** Hourly buckets for ranges up to this long; longer ones ask for days (a chart of 2,000+ points is no chart). */
    public static final Duration MAX_HOURLY_RANGE = Duration.ofDays(92);

    private final AnalyticsQueries queries;
    private final Clock clock;

    /** Volume buckets. */
    public enum Bucket {
        HOUR(ChronoUnit.HOURS), DAY(ChronoUnit.DAYS);

        final ChronoUnit unit;

        Bucket(ChronoUnit unit) {
            this.unit = unit;
        }
    }

    public ServiceAnalytics(AnalyticsQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    /**
     * Customer messages in and messages out per channel instance and bucket (UTC), every bucket of the range present
     * (zeros included), for each channel with traffic in the range (or the filtered one).
     *
     * @throws IllegalArgumentException a desk or priority filter (volumes are counted per channel only), or hourly
     *                                  buckets over more than {@link #MAX_HOURLY_RANGE}
     */
    public AnalyticsReport volumes(Scope scope, Bucket bucket) throws SQLException {
        if (scope.desk() != null || scope.priority() != null) {
            throw new IllegalArgumentException("volumes are counted per channel: the desk and priority filters do "
                    + "not apply to them");
        }
        if (bucket == Bucket.HOUR && Duration.between(scope.from(), scope.to()).compareTo(MAX_HOURLY_RANGE) > 0) {
            throw new IllegalArgumentException("hourly volumes cover at most " + MAX_HOURLY_RANGE.toDays()
                    + " days: use bucket=day for a longer range");
        }
        Map<String, Map<Instant, long[]>> byChannel = new TreeMap<>();
        long in = 0;
        long out = 0;
        for (HourCount h : queries.volumes(scope.from(), scope.to(), scope.channel())) {
            long[] point = byChannel.computeIfAbsent(h.channel(), k -> new TreeMap<>())
                    .computeIfAbsent(h.hour().truncatedTo(bucket.unit), k -> new long[2]);
            if ("INBOUND".equals(h.direction())) {
                point[0] += h.messages();
                in += h.messages();
            } else {
                point[1] += h.messages();
                out += h.messages();
            }
        }
        if (scope.channel() != null) {
            byChannel.computeIfAbsent(scope.channel(), k -> new TreeMap<>());
        }
        List<Object> series = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        for (var e : byChannel.entrySet()) {
            List<Object> points = new ArrayList<>();
            for (Instant at = scope.from().truncatedTo(bucket.unit); at.isBefore(scope.to());
                 at = at.plus(1, bucket.unit)) {
                long[] p = e.getValue().getOrDefault(at, new long[2]);
                points.add(map("at", at.toString(), "inbound", p[0], "outbound", p[1]));
                rows.add(List.of(e.getKey(), at.toString(), p[0], p[1]));
            }
            series.add(map("channel", e.getKey(), "points", points));
        }
        Map<String, Object> json = range(scope);
        json.put("bucket", bucket.name().toLowerCase());
        json.put("series", series);
        json.put("totals", map("inbound", in, "outbound", out));
        return new AnalyticsReport(json, List.of("channel", "at", "inbound", "outbound"), rows);
    }

    /** First-response and resolution times (count, nearest-rank median and p90 in seconds) per key. */
    public AnalyticsReport responseTimes(Scope scope, By by) throws SQLException {
        AnalyticsQueries.ResponseTimes times = queries.responseTimes(scope, by);
        List<Map<String, Object>> first = timed(times.firstResponses());
        List<Map<String, Object>> resolution = timed(times.resolutions());
        Map<String, Object> json = range(scope);
        json.put("by", name(by));
        json.put("firstResponse", first);
        json.put("resolution", resolution);
        List<List<Object>> rows = new ArrayList<>();
        first.forEach(r -> rows.add(timedRow("firstResponse", r)));
        resolution.forEach(r -> rows.add(timedRow("resolution", r)));
        return new AnalyticsReport(json, List.of("metric", "key", "count", "medianSeconds", "p90Seconds"), rows);
    }

    private static List<Object> timedRow(String metric, Map<String, Object> r) {
        List<Object> row = new ArrayList<>();
        row.add(metric);
        row.addAll(r.values());
        return row;
    }

    private static List<Map<String, Object>> timed(List<Timed> values) {
        Map<String, List<Double>> byKey = new TreeMap<>();
        values.forEach(t -> byKey.computeIfAbsent(t.key(), k -> new ArrayList<>()).add(t.seconds()));
        List<Map<String, Object>> out = new ArrayList<>();
        byKey.forEach((key, list) -> {
            Percentiles p = new Percentiles(list.stream().mapToDouble(Double::doubleValue).toArray());
            out.add(map("key", key, "count", p.count(), "medianSeconds", p.median(), "p90Seconds", p.p90()));
        });
        return out;
    }

    /**
     * The bot's work per key: conversations it answered, suggested an answer in, handed off, and answered without
     * a hand-off (contained); containment = contained / answered.
     */
    public AnalyticsReport automation(Scope scope, By by) throws SQLException {
        Map<String, Map<String, Set<String>>> byKey = new TreeMap<>();
        Map<String, Set<String>> all = new LinkedHashMap<>();
        for (Event e : queries.selfServiceEvents(scope, by)) {
            byKey.computeIfAbsent(e.key(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(e.kind(), k -> new HashSet<>()).add(e.conversationId());
            all.computeIfAbsent(e.kind(), k -> new HashSet<>()).add(e.conversationId());
        }
        List<Object> rows = new ArrayList<>();
        List<List<Object>> csv = new ArrayList<>();
        byKey.forEach((key, kinds) -> {
            Map<String, Object> row = automationRow(key, kinds);
            rows.add(row);
            csv.add(new ArrayList<>(row.values()));
        });
        Map<String, Object> total = automationRow("total", all);
        total.remove("key");
        csv.add(new ArrayList<>(automationRow("total", all).values()));
        Map<String, Object> json = range(scope);
        json.put("by", name(by));
        json.put("rows", rows);
        json.put("total", total);
        return new AnalyticsReport(json, List.of("key", "answered", "handedOff", "contained", "suggested",
                "helped", "notHelped", "containmentRate"), csv);
    }

    private static Map<String, Object> automationRow(String key, Map<String, Set<String>> kinds) {
        Set<String> answered = kinds.getOrDefault("ANSWERED", Set.of());
        Set<String> handedOff = kinds.getOrDefault("HANDED_OFF", Set.of());
        long contained = answered.stream().filter(c -> !handedOff.contains(c)).count();
        return map("key", key, "answered", answered.size(), "handedOff", handedOff.size(), "contained", contained,
                "suggested", kinds.getOrDefault("SUGGESTED", Set.of()).size(),
                "helped", kinds.getOrDefault("HELPED", Set.of()).size(),
                "notHelped", kinds.getOrDefault("NOT_HELPED", Set.of()).size(),
                "containmentRate", ratio(contained, answered.size()));
    }

    /** CSAT (1-5) per key: responses, average, distribution, satisfied share (4 and 5); NPS (0-10) over all keys. */
    public AnalyticsReport csat(Scope scope, By by) throws SQLException {
        Map<String, long[]> byKey = new TreeMap<>();
        long[] total = new long[6];
        long[] nps = new long[11];
        for (Rating r : queries.ratings(scope, by)) {
            if ("NPS".equals(r.kind())) {
                if (r.rating() >= 0 && r.rating() <= 10) {
                    nps[r.rating()]++;
                }
            } else if (r.rating() >= 1 && r.rating() <= 5) {
                byKey.computeIfAbsent(r.key(), k -> new long[6])[r.rating()]++;
                total[r.rating()]++;
            }
        }
        List<Object> rows = new ArrayList<>();
        List<List<Object>> csv = new ArrayList<>();
        byKey.forEach((key, counts) -> {
            rows.add(csatRow(key, counts));
            csv.add(csatCsv(key, counts));
        });
        csv.add(csatCsv("total", total));
        Map<String, Object> totalRow = csatRow("total", total);
        totalRow.remove("key");
        long responses = 0;
        long promoters = nps[9] + nps[10];
        long passives = nps[7] + nps[8];
        for (long n : nps) {
            responses += n;
        }
        long detractors = responses - promoters - passives;
        Map<String, Object> json = range(scope);
        json.put("by", name(by));
        json.put("rows", rows);
        json.put("total", totalRow);
        json.put("nps", map("responses", responses,
                "score", responses == 0 ? null : round(100.0 * (promoters - detractors) / responses),
                "promoters", promoters, "passives", passives, "detractors", detractors));
        return new AnalyticsReport(json, List.of("key", "responses", "average", "1", "2", "3", "4", "5",
                "satisfiedShare"), csv);
    }

    private static Map<String, Object> csatRow(String key, long[] counts) {
        long responses = 0;
        long sum = 0;
        Map<String, Object> distribution = new LinkedHashMap<>();
        for (int i = 1; i <= 5; i++) {
            responses += counts[i];
            sum += i * counts[i];
            distribution.put(Integer.toString(i), counts[i]);
        }
        return map("key", key, "responses", responses,
                "average", responses == 0 ? null : round((double) sum / responses),
                "distribution", distribution, "satisfiedShare", ratio(counts[4] + counts[5], responses));
    }

    private static List<Object> csatCsv(String key, long[] counts) {
        Map<String, Object> row = csatRow(key, counts);
        List<Object> out = new ArrayList<>(List.of(key, row.get("responses")));
        out.add(row.get("average"));
        for (int i = 1; i <= 5; i++) {
            out.add(counts[i]);
        }
        out.add(row.get("satisfiedShare"));
        return out;
    }

    /**
     * First-response targets per key: conversations whose target was settled in the range (first answer, breach, or
     * resolved without an answer), how many of them were warned and breached, and the breach rate.
     */
    public AnalyticsReport sla(Scope scope, By by) throws SQLException {
        Map<String, SlaCounts> byKey = new TreeMap<>();
        SlaCounts total = new SlaCounts();
        for (Target t : queries.targets(scope, by)) {
            byKey.computeIfAbsent(t.key(), k -> new SlaCounts()).add(t);
            total.add(t);
        }
        List<Object> rows = new ArrayList<>();
        List<List<Object>> csv = new ArrayList<>();
        byKey.forEach((key, counts) -> {
            Map<String, Object> row = counts.json(key);
            rows.add(row);
            csv.add(new ArrayList<>(row.values()));
        });
        csv.add(new ArrayList<>(total.json("total").values()));
        Map<String, Object> totalRow = total.json("total");
        totalRow.remove("key");
        Map<String, Object> json = range(scope);
        json.put("by", name(by));
        json.put("rows", rows);
        json.put("total", totalRow);
        return new AnalyticsReport(json, List.of("key", "conversations", "met", "breached", "closed", "warned",
                "breachRate"), csv);
    }

    /** Per key: a conversation at two desks counts at each, and in the total once. */
    private static final class SlaCounts {
        final Set<String> conversations = new HashSet<>();
        final Set<String> met = new HashSet<>();
        final Set<String> breached = new HashSet<>();
        final Set<String> closed = new HashSet<>();
        final Set<String> warned = new HashSet<>();

        void add(Target t) {
            conversations.add(t.conversationId());
            switch (t.outcome()) {
                case MET -> met.add(t.conversationId());
                case BREACHED -> breached.add(t.conversationId());
                case CLOSED -> closed.add(t.conversationId());
            }
            if (t.warned()) {
                warned.add(t.conversationId());
            }
        }

        Map<String, Object> json(String key) {
            return map("key", key, "conversations", conversations.size(), "met", met.size(), "breached",
                    breached.size(), "closed", closed.size(), "warned", warned.size(),
                    "breachRate", ratio(breached.size(), conversations.size()));
        }
    }

    /**
     * Open conversations now per key, those whose customer waits for a first response (a running first-response
     * clock), and the longest wait. The range does not apply: the backlog is now.
     */
    public AnalyticsReport backlog(Scope scope, By by) throws SQLException {
        Instant now = clock.instant();
        Map<String, BacklogCounts> byKey = new TreeMap<>();
        BacklogCounts total = new BacklogCounts();
        for (Open o : queries.open(scope, by)) {
            byKey.computeIfAbsent(o.key(), k -> new BacklogCounts()).add(o);
            total.add(o);
        }
        List<Object> rows = new ArrayList<>();
        List<List<Object>> csv = new ArrayList<>();
        byKey.forEach((key, counts) -> {
            Map<String, Object> row = counts.json(key, now);
            rows.add(row);
            csv.add(new ArrayList<>(row.values()));
        });
        csv.add(new ArrayList<>(total.json("total", now).values()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", now.toString());
        json.put("by", name(by));
        json.put("open", total.open.size());
        json.put("waiting", total.waiting.size());
        json.put("oldestWaitingSeconds", total.json("total", now).get("oldestWaitingSeconds"));
        json.put("rows", rows);
        return new AnalyticsReport(json, List.of("key", "open", "waiting", "oldestWaitingSeconds"), csv);
    }

    private static final class BacklogCounts {
        final Set<String> open = new HashSet<>();
        final Set<String> waiting = new HashSet<>();
        Instant oldest;

        void add(Open o) {
            open.add(o.conversationId());
            if (o.waitingSince() != null) {
                waiting.add(o.conversationId());
                if (oldest == null || o.waitingSince().isBefore(oldest)) {
                    oldest = o.waitingSince();
                }
            }
        }

        Map<String, Object> json(String key, Instant now) {
            return map("key", key, "open", open.size(), "waiting", waiting.size(), "oldestWaitingSeconds",
                    oldest == null ? null : Math.max(0, Duration.between(oldest, now).getSeconds()));
        }
    }

    private static Map<String, Object> range(Scope scope) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("from", scope.from().toString());
        json.put("to", scope.to().toString());
        return json;
    }

    private static String name(By by) {
        return by.name().toLowerCase();
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : round((double) part / whole);
    }

    /** Four decimals: figures for people, stable in JSON and CSV. */
    private static double round(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
